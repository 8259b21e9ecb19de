package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.BoundedSource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * QEMU's open checks of a QED header, each against an image QEMU refuses: qemu-img's own (a
 * one-cluster table) and plain.qed or backing-probed.qed with one field changed, qemu-img's
 * refusal recorded beside each by make.sh. Every refused image is named qed and flagged with the
 * check that fails, or {@code truncated} when its table passes the end of the file.
 */
class QedOpenChecksTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "table-size-1.qed                | QED table offset is invalid           | L1 table of one cluster",
    "cluster-size-3000.qed           | QED cluster size is invalid           | cluster size 3000",
    "table-size-3.qed                | QED table size is invalid             | table size 3",
    "image-size-1000.qed             | QED image size is invalid             | image size is not a multiple of 512",
    "table-unaligned.qed             | QED table offset is invalid           | L1 table offset is not cluster aligned",
    "table-in-header.qed             | QED table offset is invalid           | L1 table overlaps the header",
    "backing-name-outside-header.qed | QED backing filename offset is invalid | backing file name lies outside the header clusters"
  })
  void anImageQemuRefusesIsFlaggedWithTheCheckThatFails(String name, String qemuSays, String check) throws IOException {
    assertThat(refusal(name)).endsWith("': " + qemuSays);
    AuditEntry.Image image = FormatFixturesTest.image("qed/" + name);
    assertThat(image.format()).isEqualTo(ImageFormat.QED);
    assertThat(image.flags()).contains(Flag.INVALID_HEADER);
    assertThat(image.details().toMap().get("invalidHeader")).asString().startsWith(check);
  }

  @Test
  void aTablePastTheEndOfTheFileIsTruncatedWhereQemuSaysItsOffsetIsInvalid() throws IOException {
    assertThat(refusal("table-past-end.qed")).endsWith("': QED table offset is invalid");
    AuditEntry.Image image = FormatFixturesTest.image("qed/table-past-end.qed");
    assertThat(image.flags()).containsExactly(Flag.TRUNCATED);
    assertThat(image.details().toMap()).containsEntry("truncated", "L1 table ends past the end of the file");
  }

  @Test
  void aHeaderOfFourGibibytesOrMoreIsInvalidOnceTheTableOffsetPasses() throws IOException {
    // 64 KiB clusters, 65536 header clusters (4 GiB, one byte past what QEMU's 32 bits hold), the
    // L1 table right after them: the file must be over 4 GiB, so it is a sparse source, not bytes.
    ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).put(QedDetector.MAGIC)
        .putInt(65536).putInt(2).putInt(65536).putLong(0).putLong(0).putLong(0).putLong(1L << 32).putLong(1 << 20);
    long size = (1L << 32) + 4 * 65536;
    AuditEntry.Image image = Auditor.judge("big.qed", null, new SparseSource(header.array(), size), size);
    assertThat(image.format()).isEqualTo(ImageFormat.QED);
    assertThat(image.virtualSize()).isEqualTo(U64.of(1 << 20));
    assertThat(image.details().toMap()).containsEntry("invalidHeader", "header size of 65536 clusters passes 4 GiB");
  }

  private static String refusal(String name) throws IOException {
    return Files.readString(Fixtures.ROOT.resolve("qed").resolve(name + ".qemu-img-info.err")).strip();
  }

  /** A file of {@code size} bytes that holds {@code start} and zeros after it. */
  private static final class SparseSource extends BoundedSource {
    private final byte[] start;

    SparseSource(byte[] start, long size) {
      super(size, Caps.PER_FILE);
      this.start = start;
    }

    @Override
    protected int fetch(long offset, byte[] into, int length) {
      int n = (int) Math.max(0, Math.min(length, size() - offset));
      for (int i = 0; i < n; i++) {
        into[i] = offset + i < start.length ? start[(int) (offset + i)] : 0;
      }
      return n;
    }
  }
}
