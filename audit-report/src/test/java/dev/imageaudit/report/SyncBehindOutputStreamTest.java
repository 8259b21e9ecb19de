package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncBehindOutputStreamTest {

  @TempDir Path dir;

  @Test
  void writesEveryByteInOrderAndSyncsBehind() throws IOException {
    Path file = dir.resolve("report.jsonl");
    byte[] expected = new byte[40 * 1024];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (byte) (i * 31);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      SyncBehindOutputStream out = new SyncBehindOutputStream(channel, 4096);
      for (int at = 0; at < expected.length; at += 1000) {
        out.write(expected, at, Math.min(1000, expected.length - at));
      }
      out.write(7);
      // 40 KiB at one sync per 4 KiB: the background thread makes some of the ten asked for, at
      // most one per file at a time, so maybe fewer.
      awaitASync(out);
      assertThat(out.syncs()).isBetween(1L, 10L);
    }
    byte[] written = Files.readAllBytes(file);
    assertThat(Arrays.copyOf(written, expected.length)).isEqualTo(expected);
    assertThat(written).hasSize(expected.length + 1);
    assertThat(written[expected.length]).isEqualTo((byte) 7);
  }

  @Test
  void aFileClosedWhileASyncIsPendingHarmsNeitherItsWriterNorTheNextFile() throws IOException {
    SyncBehindOutputStream first;
    try (FileChannel channel =
        FileChannel.open(dir.resolve("a"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      first = new SyncBehindOutputStream(channel, 1);
      for (int i = 0; i < 100; i++) {
        first.write(new byte[] {1, 2, 3}, 0, 3);
      }
    } // closed with syncs maybe still queued: they fail quietly
    try (FileChannel channel =
        FileChannel.open(dir.resolve("b"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      SyncBehindOutputStream second = new SyncBehindOutputStream(channel, 1);
      second.write(new byte[] {4, 5}, 0, 2);
      awaitASync(second);
      assertThat(second.syncs()).isEqualTo(1);
    }
    assertThat(Files.size(dir.resolve("a"))).isEqualTo(300);
    assertThat(first.syncs()).isBetween(0L, 100L);
  }

  /** Waits, up to 10 s, until {@code out}'s background thread has completed a sync. */
  private static void awaitASync(SyncBehindOutputStream out) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (out.syncs() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }
}
