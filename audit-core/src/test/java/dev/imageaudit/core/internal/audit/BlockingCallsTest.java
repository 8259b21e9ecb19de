package dev.imageaudit.core.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.ScanOptions;
import dev.imageaudit.core.internal.source.NativeSource;
import dev.imageaudit.core.internal.source.WalkItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Blocking reads run only where blocking is allowed: BlockHound fails any blocking call (file and
 * directory reads, the native open/statx/pread/close and the native directory listing) made on a
 * non-blocking thread (Reactor's parallel and single schedulers, where the timeouts are timed). A
 * whole scan runs under it.
 */
class BlockingCallsTest {

  @TempDir static Path store;

  @BeforeAll
  static void install() throws IOException {
    BlockHound.install(builder -> {
      // JNA binds its native methods itself, past BlockHound's native-method hook: mark the Java
      // methods every native open and read goes through.
      builder.markAsBlocking(NativeOpen.class, "audit",
          "(Ldev/imageaudit/core/internal/source/WalkItem$Open;Ljava/util/Set;)Ldev/imageaudit/core/AuditEntry;");
      builder.markAsBlocking(NativeSource.class, "read", "(JI)[B");
      // The walk's native directory listing (getdents64), where it is used.
      builder.markAsBlocking("dev.imageaudit.core.internal.source.DirectoryListing", "list",
          "(Ljava/nio/file/Path;)Ljava/util/List;");
      builder.markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "opendir0", "(J)J");
      builder.markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "readdir0", "(J)[B");
      builder.markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "stat0", "(JLsun/nio/fs/UnixFileAttributes;)V");
      builder.markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "lstat0", "(JLsun/nio/fs/UnixFileAttributes;)V");
    });
    for (int d = 0; d < 5; d++) {
      Path dir = Files.createDirectories(store.resolve("d" + d));
      for (int f = 0; f < 40; f++) {
        Files.write(dir.resolve("f" + f + ".img"), f % 2 == 0 ? new byte[] {'Q', 'F', 'I', (byte) 0xfb} : new byte[600]);
      }
    }
  }

  @Test
  void blockHoundCatchesANativeReadOnAParallelThread() {
    Path file = store.resolve("d0/f1.img");
    Mono<AuditEntry> onParallel =
        Mono.fromCallable(() -> Auditor.audit(new WalkItem.Open(file.toString(), null, file, false, 600)))
            .subscribeOn(Schedulers.parallel());
    assertThatThrownBy(() -> onParallel.block(Duration.ofSeconds(30)))
        .hasCauseInstanceOf(BlockingOperationError.class)
        .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("NativeOpen.audit"));
  }

  @Test
  void aWholeScanMakesNoBlockingCallOnANonBlockingThread() {
    List<AuditEntry> entries = ImageAudit.scan(
            List.of(new AuditInput.PathInput(store)),
            ScanOptions.builder().ioThreads(4).build())
        .collectList()
        .block(Duration.ofSeconds(60));
    assertThat(entries).hasSize(200).allMatch(AuditEntry.Image.class::isInstance);
  }
}
