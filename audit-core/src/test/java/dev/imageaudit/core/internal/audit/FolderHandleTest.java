package dev.imageaudit.core.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditObserver;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.internal.source.WalkItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Files the walk listed are opened relative to their folder, held open for the thread's next file
 * and closed when its batch ends; what the open finds is judged as an open by path would.
 */
@EnabledOnOs(OS.LINUX)
class FolderHandleTest {

  /** The head of a qcow2 v3 image: enough for the audit to name the format. */
  private static final byte[] QCOW2 = {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3};

  @TempDir Path dir;

  @AfterEach
  void release() {
    FolderHandle.release();
  }

  /** A file as the native listing yields it: its folder and its name's bytes. */
  private static WalkItem.Open listed(Path folder, String name) {
    Path path = folder.resolve(name);
    return new WalkItem.Open(
        path.toString(), null, path, false, WalkItem.Open.SIZE_UNKNOWN, null, folder,
        name.getBytes(StandardCharsets.UTF_8));
  }

  /** The descriptors of this process that name {@code folder}. */
  private static long descriptorsOn(Path folder) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(folder);
        } catch (IOException e) {
          return false; // the listing's own descriptor, closed by now
        }
      }).count();
    }
  }

  @Test
  void aListedFileIsAuditedAsItsPathIs() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("images"));
    Files.write(folder.resolve("a.qcow2"), QCOW2);
    WalkItem.Open item = listed(folder, "a.qcow2");
    AuditEntry relative = Auditor.audit(item);
    AuditEntry byPath = Auditor.audit(new WalkItem.Open(item.display(), null, item.path(), false, item.statSize()));
    assertThat(relative).isInstanceOf(AuditEntry.Image.class).isEqualTo(byPath);
    assertThat(((AuditEntry.Image) relative).format()).isEqualTo(ImageFormat.QCOW2);
  }

  @Test
  void theFolderIsHeldForTheNextFileThenClosed() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("images"));
    Path other = Files.createDirectory(dir.resolve("more"));
    for (Path f : List.of(folder, other)) {
      Files.write(f.resolve("a.img"), new byte[512]);
      Files.write(f.resolve("b.img"), new byte[512]);
    }
    long before = descriptorsOn(folder);
    Auditor.audit(listed(folder, "a.img"));
    Auditor.audit(listed(folder, "b.img"));
    assertThat(descriptorsOn(folder)).as("one descriptor for both files").isEqualTo(before + 1);
    Auditor.audit(listed(other, "a.img"));
    assertThat(descriptorsOn(folder)).as("given up for the next folder").isEqualTo(before);
    assertThat(descriptorsOn(other)).isEqualTo(1);
    FolderHandle.release();
    assertThat(descriptorsOn(other)).isZero();
  }

  @Test
  void aFolderGoneSinceTheWalkFallsBackToThePath() throws IOException {
    Path file = Files.write(dir.resolve("a.qcow2"), QCOW2);
    WalkItem.Open item = new WalkItem.Open(
        file.toString(), null, file, false, WalkItem.Open.SIZE_UNKNOWN, null, dir.resolve("gone"),
        "a.qcow2".getBytes(StandardCharsets.UTF_8));
    assertThat(Auditor.audit(item)).isInstanceOf(AuditEntry.Image.class);
  }

  @Test
  void whatTheOpenFindsIsJudgedAsByPath() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("images"));
    Files.createSymbolicLink(folder.resolve("link.img"), Files.write(dir.resolve("secret"), QCOW2));
    Files.createDirectory(folder.resolve("sub.img"));
    assertThat(Auditor.audit(listed(folder, "link.img")))
        .isEqualTo(new AuditEntry.Skipped(folder.resolve("link.img").toString(), null, SkipReason.SYMLINK));
    assertThat(Auditor.audit(listed(folder, "sub.img")))
        .isInstanceOfSatisfying(AuditEntry.Failed.class, f -> assertThat(f.kind()).isEqualTo(ErrorKind.IO_ERROR));
    assertThat(Auditor.audit(listed(folder, "removed.img")))
        .isInstanceOfSatisfying(AuditEntry.Failed.class, f -> assertThat(f.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  void noDescriptorOutlivesTheBatches() throws IOException {
    List<WalkItem> items = new ArrayList<>();
    List<Path> folders = new ArrayList<>();
    for (int d = 0; d < 5; d++) {
      Path folder = Files.createDirectory(dir.resolve("d" + d));
      folders.add(folder);
      for (int f = 0; f < 50; f++) {
        Files.write(folder.resolve("f" + f), new byte[64]);
        items.add(listed(folder, "f" + f));
      }
    }
    Scheduler io = Schedulers.newBoundedElastic(8, Integer.MAX_VALUE, "folder-handle-test", 60, true);
    try {
      List<AuditEntry> entries =
          new OrderedAudit(io, Schedulers.parallel(), Duration.ofSeconds(30), AuditObserver.NONE, 2, 2)
              .entries(Flux.fromIterable(items))
              .collectList()
              .block(Duration.ofSeconds(60));
      assertThat(entries).hasSize(items.size()).allSatisfy(e -> assertThat(e).isInstanceOf(AuditEntry.Image.class));
      for (Path folder : folders) {
        assertThat(descriptorsOn(folder)).as(folder.toString()).isZero();
      }
    } finally {
      io.dispose();
    }
  }
}
