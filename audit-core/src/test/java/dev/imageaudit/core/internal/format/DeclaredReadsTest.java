package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.internal.source.BoundedSource;
import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.ReadPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A detector reads nothing it did not declare ({@link FormatDetector#reads}) before it knows the
 * file is of its format: on every file it does not claim, each of its reads lies in the head, a
 * declared fixed range, or the tail when it declares one. Reads a header points to come after a
 * match and are not checked here. This is what lets the auditor plan one set of reads for all
 * detectors ({@link ReadPlan}): an undeclared first-phase read would cost every file a syscall.
 */
class DeclaredReadsTest {

  /** The recorded answers, scripts and notes beside the fixture images: not images. */
  private static final Set<String> NOT_IMAGES =
      Set.of("json", "txt", "sh", "err", "gz", "simg2img-size", "decompressed-size");

  @Test
  void noDetectorReadsUndeclaredBytesOfAFileItDoesNotClaim() throws IOException {
    List<byte[]> files = new ArrayList<>();
    for (Path root : List.of(FormatFixturesTest.FIXTURES, Path.of("../examples/image-store"))) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.filter(Files::isRegularFile).filter(p -> !NOT_IMAGES.contains(extension(p))).sorted()
            .toList()) {
          files.add(Files.readAllBytes(p));
        }
      }
    }
    Random random = new Random(7);
    for (int size : new int[] {0, 1, 511, 512, 4096, 0x8001, 0x10000, 0x20000, 3 * 1024 * 1024}) {
      byte[] noise = new byte[size];
      random.nextBytes(noise);
      files.add(noise);
      files.add(new byte[size]);
    }
    assertThat(files).hasSizeGreaterThan(60);

    int checked = 0;
    for (FormatDetector detector : Formats.REGISTERED) {
      for (byte[] bytes : files) {
        RecordingSource source = new RecordingSource(bytes);
        Probe probe = new Probe(source.read(0, (int) Math.min(Caps.HEAD, bytes.length)), source, bytes.length);
        source.reads.clear(); // the head is the auditor's read, not the detector's
        Optional<Detection> found = detector.detect(probe);
        if (found.isPresent()) {
          continue;
        }
        for (long[] read : source.reads) {
          assertThat(declared(detector.reads(), bytes.length, read[0], read[1]))
              .as("%s read %d bytes at %d of a %d-byte file it does not claim, outside what it declares (%s)",
                  detector.getClass().getSimpleName(), read[1], read[0], bytes.length, detector.reads())
              .isTrue();
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(files.size() * Formats.REGISTERED.size() / 2);
  }

  @Test
  void aReadOutsideTheDeclaredRangesIsCaught() {
    ReadPlan.Needs headOnly = ReadPlan.Needs.HEAD;
    assertThat(declared(headOnly, 1 << 20, 0, Caps.HEAD)).isTrue();
    assertThat(declared(headOnly, 1 << 20, (1 << 20) - 512, 512)).isFalse();
    assertThat(declared(ReadPlan.Needs.HEAD_AND_TAIL, 1 << 20, (1 << 20) - 512, 512)).isTrue();
    ReadPlan.Needs at32k = new ReadPlan.Needs(List.of(new ReadPlan.Range(0x8000, 2048)), false);
    assertThat(declared(at32k, 1 << 20, 0x8000, 2048)).isTrue();
    assertThat(declared(at32k, 1 << 20, 0x8000, 4096)).isFalse();
  }

  /** Returns true if {@code length} bytes at {@code offset} lie in one range {@code needs} declares. */
  private static boolean declared(ReadPlan.Needs needs, long size, long offset, long length) {
    long end = offset + length;
    // A read reaching a known end asks one byte more, to tell a file that grew (BoundedSource).
    if (end <= Caps.HEAD + 1) {
      return true;
    }
    for (ReadPlan.Range range : needs.fixed()) {
      if (offset >= range.offset() && end <= range.end() + 1) {
        return true;
      }
    }
    return needs.tail() && offset >= size - Math.min(Caps.TAIL, size) && end <= size + 1;
  }

  private static String extension(Path path) {
    String name = path.getFileName().toString();
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** A source over bytes in memory that records each read the detector makes. */
  private static final class RecordingSource extends BoundedSource {
    private final byte[] bytes;
    final List<long[]> reads = new ArrayList<>();

    RecordingSource(byte[] bytes) {
      super(bytes.length, Caps.PER_FILE);
      this.bytes = bytes;
    }

    @Override
    protected int fetch(long offset, byte[] into, int length) {
      reads.add(new long[] {offset, length});
      if (offset >= bytes.length) {
        return 0;
      }
      int n = (int) Math.min(length, bytes.length - offset);
      System.arraycopy(bytes, (int) offset, into, 0, n);
      return n;
    }
  }
}
