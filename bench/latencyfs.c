/*
 * latencyfs: a read-only FUSE passthrough that waits a fixed time before answering every request,
 * to stand in for a network mount when timing image-audit.
 *
 * Usage: latencyfs SOURCE MOUNTPOINT MICROSECONDS [FUSE OPTIONS]
 *
 * Every request the kernel sends (lookup, getattr, open, read, readdir, release, ...) sleeps
 * MICROSECONDS in the thread serving it, then does the real call on SOURCE. Requests are served by
 * up to 256 threads, so concurrent callers overlap their waits, as they would on NFS or SMB.
 * The kernel keeps names and attributes for one second (as an NFS client's attribute cache does) but
 * no file data (direct I/O), so every open, pread and directory page of a caller is a round trip,
 * and so is the first stat of each path, however warm SOURCE is.
 *
 * Build: cc -O2 -o latencyfs latencyfs.c $(pkg-config --cflags --libs fuse3)
 * Stop:  fusermount3 -u MOUNTPOINT
 */
#define FUSE_USE_VERSION 312
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static int source_fd = -1;
static struct timespec latency;

/* The round trip every request pays. */
static void wait_latency(void) {
  if (latency.tv_sec != 0 || latency.tv_nsec != 0) {
    struct timespec left = latency;
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
  }
}

/* FUSE paths start with "/"; the source is reached relative to its open descriptor. */
static const char *relative(const char *path) {
  return path[1] == '\0' ? "." : path + 1;
}

static void *lfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
  (void)conn;
  cfg->use_ino = 1;
  /* Like an NFS client's attribute cache: a name or attribute just fetched is trusted for a second,
     so resolving the same folder again is free; opening, reading and listing always go out. */
  cfg->entry_timeout = 1.0;
  cfg->attr_timeout = 1.0;
  cfg->negative_timeout = 1.0;
  cfg->direct_io = 1;
  return NULL;
}

static int lfs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  wait_latency();
  int rc = fi != NULL ? fstat((int)fi->fh, st) : fstatat(source_fd, relative(path), st, AT_SYMLINK_NOFOLLOW);
  return rc == 0 ? 0 : -errno;
}

static int lfs_access(const char *path, int mask) {
  wait_latency();
  return faccessat(source_fd, relative(path), mask, 0) == 0 ? 0 : -errno;
}

static int lfs_readlink(const char *path, char *out, size_t size) {
  wait_latency();
  ssize_t n = readlinkat(source_fd, relative(path), out, size - 1);
  if (n < 0) {
    return -errno;
  }
  out[n] = '\0';
  return 0;
}

static int lfs_opendir(const char *path, struct fuse_file_info *fi) {
  wait_latency();
  int fd = openat(source_fd, relative(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return -errno;
  }
  DIR *dir = fdopendir(fd);
  if (dir == NULL) {
    int err = errno;
    close(fd);
    return -err;
  }
  fi->fh = (uint64_t)(uintptr_t)dir;
  return 0;
}

/*
 * Answers one kernel READDIR request (a page of entries) from the position the kernel asks for,
 * so a large directory costs one round trip per page, as it does over the network.
 */
static int lfs_readdir(const char *path, void *out, fuse_fill_dir_t fill, off_t offset,
                       struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
  (void)path;
  (void)flags;
  wait_latency();
  DIR *dir = (DIR *)(uintptr_t)fi->fh;
  if (offset != telldir(dir)) {
    seekdir(dir, offset);
  }
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_ino = e->d_ino;
    st.st_mode = (mode_t)DTTOIF(e->d_type);
    if (fill(out, e->d_name, &st, telldir(dir), 0) != 0) {
      break;
    }
  }
  return 0;
}

static int lfs_releasedir(const char *path, struct fuse_file_info *fi) {
  (void)path;
  wait_latency();
  closedir((DIR *)(uintptr_t)fi->fh);
  return 0;
}

static int lfs_open(const char *path, struct fuse_file_info *fi) {
  wait_latency();
  if ((fi->flags & O_ACCMODE) != O_RDONLY) {
    return -EROFS;
  }
  int fd = openat(source_fd, relative(path), fi->flags | O_CLOEXEC);
  if (fd < 0) {
    return -errno;
  }
  fi->fh = (uint64_t)fd;
  fi->direct_io = 1;
  return 0;
}

static int lfs_read(const char *path, char *out, size_t size, off_t offset, struct fuse_file_info *fi) {
  (void)path;
  wait_latency();
  ssize_t n = pread((int)fi->fh, out, size, offset);
  return n < 0 ? -errno : (int)n;
}

static int lfs_release(const char *path, struct fuse_file_info *fi) {
  (void)path;
  wait_latency();
  close((int)fi->fh);
  return 0;
}

static int lfs_statfs(const char *path, struct statvfs *out) {
  (void)path;
  wait_latency();
  return fstatvfs(source_fd, out) == 0 ? 0 : -errno;
}

static const struct fuse_operations operations = {
    .init = lfs_init,
    .getattr = lfs_getattr,
    .access = lfs_access,
    .readlink = lfs_readlink,
    .opendir = lfs_opendir,
    .readdir = lfs_readdir,
    .releasedir = lfs_releasedir,
    .open = lfs_open,
    .read = lfs_read,
    .release = lfs_release,
    .statfs = lfs_statfs,
};

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: latencyfs SOURCE MOUNTPOINT MICROSECONDS [FUSE OPTIONS]\n");
    return 2;
  }
  source_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (source_fd < 0) {
    perror(argv[1]);
    return 2;
  }
  char *end;
  long micros = strtol(argv[3], &end, 10);
  if (*end != '\0' || micros < 0) {
    fprintf(stderr, "latencyfs: not a number of microseconds: %s\n", argv[3]);
    return 2;
  }
  latency.tv_sec = micros / 1000000;
  latency.tv_nsec = (micros % 1000000) * 1000;

  /* fuse_new sees the program name, the fixed mount options, then the caller's extra options. */
  char *argv_fuse[64];
  int n = 0;
  argv_fuse[n++] = argv[0];
  argv_fuse[n++] = "-o";
  argv_fuse[n++] = "ro,fsname=latencyfs,subtype=latencyfs";
  for (int i = 4; i < argc && n < 63; i++) {
    argv_fuse[n++] = argv[i];
  }
  argv_fuse[n] = NULL;
  struct fuse_args args = FUSE_ARGS_INIT(n, argv_fuse);
  struct fuse *fuse = fuse_new(&args, &operations, sizeof operations, NULL);
  if (fuse == NULL) {
    return 2;
  }
  int rc = 2;
  if (fuse_mount(fuse, argv[2]) == 0) {
    if (fuse_set_signal_handlers(fuse_get_session(fuse)) == 0) {
      /* Enough threads that callers, not this process, bound how many waits overlap. */
      struct fuse_loop_config *loop = fuse_loop_cfg_create();
      fuse_loop_cfg_set_max_threads(loop, 256);
      fuse_loop_cfg_set_idle_threads(loop, 64);
      rc = fuse_loop_mt(fuse, loop) == 0 ? 0 : 1;
      fuse_loop_cfg_destroy(loop);
      fuse_remove_signal_handlers(fuse_get_session(fuse));
    }
    fuse_unmount(fuse);
  }
  fuse_destroy(fuse);
  return rc;
}
