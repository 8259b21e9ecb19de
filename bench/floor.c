/*
 * floor: the least work an image auditor can do per file, as a yardstick for image-audit.
 *
 * Walks each PATH (directories recursively, in readdir order, symbolic links not followed), and for
 * every regular file: opens it read-only without blocking and without following a final link,
 * takes its size from the open file, reads its first 4 KiB and, when the file is longer, its last
 * 4 KiB with pread, and closes it. Nothing is sorted, parsed or written. One thread.
 *
 * Prints one line: "files N dirs N other N errors N bytes N". Exit status 0, or 1 if any path
 * could not be read (the counts are printed either way).
 *
 * Build: cc -O2 -o floor floor.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { BLOCK = 4096 };

static unsigned long long files, dirs, other, errors, bytes;
static unsigned char buf[BLOCK];

/* Opens, sizes, reads head and tail, closes: the per-file work every auditor must do. */
static void read_file(int dirfd, const char *name) {
  int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    errors++;
    return;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    errors++;
    close(fd);
    return;
  }
  ssize_t n = pread(fd, buf, BLOCK, 0);
  if (n < 0) {
    errors++;
  } else {
    bytes += (unsigned long long)n;
    if (st.st_size > BLOCK) {
      n = pread(fd, buf, BLOCK, st.st_size - BLOCK);
      if (n < 0) {
        errors++;
      } else {
        bytes += (unsigned long long)n;
      }
    }
  }
  files++;
  close(fd);
}

static void walk_dir(int fd);

/* Handles one directory entry; d_type from readdir saves a stat where the file system fills it. */
static void visit(int dirfd, const char *name, unsigned char type) {
  if (type == DT_UNKNOWN) {
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      errors++;
      return;
    }
    type = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : S_ISBLK(st.st_mode) ? DT_BLK : DT_FIFO;
  }
  if (type == DT_REG || type == DT_BLK) {
    read_file(dirfd, name);
  } else if (type == DT_DIR) {
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      errors++;
      return;
    }
    walk_dir(fd);
  } else {
    other++; /* links, FIFOs, sockets, character devices: never opened */
  }
}

/* Walks an open directory and closes it. */
static void walk_dir(int fd) {
  DIR *dir = fdopendir(fd);
  if (dir == NULL) {
    errors++;
    close(fd);
    return;
  }
  dirs++;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(dir)) != NULL) {
    if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0'))) {
      continue;
    }
    visit(dirfd(dir), e->d_name, e->d_type);
    errno = 0;
  }
  if (errno != 0) {
    errors++;
  }
  closedir(dir);
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fprintf(stderr, "usage: floor PATH...\n"
                    "Reads the first and last 4 KiB of every regular file under each PATH; prints counts.\n");
    return argc < 2 ? 2 : 0;
  }
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      errors++;
    } else if (S_ISDIR(st.st_mode)) {
      int fd = open(argv[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) {
        errors++;
      } else {
        walk_dir(fd);
      }
    } else {
      visit(AT_FDCWD, argv[i], S_ISREG(st.st_mode) ? DT_REG : S_ISBLK(st.st_mode) ? DT_BLK : DT_UNKNOWN);
    }
  }
  printf("files %llu dirs %llu other %llu errors %llu bytes %llu\n", files, dirs, other, errors, bytes);
  return errors == 0 ? 0 : 1;
}
