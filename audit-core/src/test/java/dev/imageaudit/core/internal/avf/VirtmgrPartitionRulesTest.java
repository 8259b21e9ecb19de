package dev.imageaudit.core.internal.avf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.avf.VirtmgrPartitionRules.ImageType;
import dev.imageaudit.core.internal.avf.VirtmgrPartitionRules.Outcome;
import dev.imageaudit.core.internal.format.TestImages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The seed's rules, case by case: every short file, every magic, every size. */
class VirtmgrPartitionRulesTest {

  private static final byte[] QCOW = {'Q', 'F', 'I', (byte) 0xFB};
  private static final byte[] SPARSE = {0x3A, (byte) 0xFF, 0x26, (byte) 0xED};
  private static final byte[] COMPOSITE = "composite_disk\u001d".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void filesShorterThanFourBytesAreRawWhateverTheyHold(int length) {
    // Even the start of a magic: virtmgr's 4-byte read hits end of file and it says Raw.
    byte[] head = Arrays.copyOf(QCOW, length);
    Outcome outcome = VirtmgrPartitionRules.judge(head, length);
    assertThat(outcome.type()).isEqualTo(ImageType.RAW);
    assertThat(outcome.verdict()).isEqualTo(Verdict.accepted());
    assertThat(outcome.partitionSize()).isEqualTo(U64.of(length));
  }

  @Test
  void exactlyTheFourByteQcowMagicIsARejectedQcow2() {
    Outcome outcome = VirtmgrPartitionRules.judge(QCOW.clone(), 4);
    assertThat(outcome.type()).isEqualTo(ImageType.QCOW2);
    assertThat(outcome.verdict()).isEqualTo(Verdict.rejected("unsupported partition image type: Qcow2"));
    assertThat(outcome.partitionSize()).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5, 12, 16, 20, 27})
  void sparseFilesShorterThanTheirHeaderAreErrors(int length) {
    byte[] head = Arrays.copyOf(SPARSE, length);
    Outcome outcome = VirtmgrPartitionRules.judge(head, length);
    assertThat(outcome.type()).isEqualTo(ImageType.ANDROID_SPARSE);
    assertThat(outcome.verdict()).isEqualTo(Verdict.error("failed to read android sparse header"));
    assertThat(outcome.partitionSize()).isNull();
  }

  @Test
  void aTwentyEightByteSparseHeaderIsEnough() {
    byte[] head = TestImages.sparseHeader(4096, 64);
    Outcome outcome = VirtmgrPartitionRules.judge(head, 28);
    assertThat(outcome.verdict()).isEqualTo(Verdict.accepted());
    assertThat(outcome.partitionSize()).isEqualTo(U64.of(262144));
  }

  @Test
  void sparseSizeAboveTwoToTheSixtyThirdIsExactAndUnsigned() {
    // 0xFFFFFFFF blocks of 0xFFFFFFFC bytes: 18446744052234715140, past 2^63, still no u64 overflow.
    byte[] head = TestImages.sparseHeader(0xFFFF_FFFC, 0xFFFF_FFFF);
    Outcome outcome = VirtmgrPartitionRules.judge(head, 28);
    assertThat(outcome.partitionSize().toString()).isEqualTo("18446744052234715140");
    assertThat(outcome.partitionSize().bits()).isNegative();
    assertThat(outcome.partitionSize().toBigInteger())
        .isEqualTo(java.math.BigInteger.valueOf(0xFFFF_FFFFL).multiply(java.math.BigInteger.valueOf(0xFFFF_FFFCL)));
  }

  @Test
  void fourteenBytesOfCompositeMagicAreRaw() {
    byte[] head = Arrays.copyOf(COMPOSITE, 14);
    Outcome outcome = VirtmgrPartitionRules.judge(head, 14);
    assertThat(outcome.type()).isEqualTo(ImageType.RAW);
    assertThat(outcome.verdict()).isEqualTo(Verdict.accepted());
    assertThat(outcome.partitionSize()).isEqualTo(U64.of(14));
  }

  @Test
  void fifteenBytesOfCompositeMagicAreARejectedCompositeDisk() {
    Outcome outcome = VirtmgrPartitionRules.judge(COMPOSITE.clone(), 15);
    assertThat(outcome.type()).isEqualTo(ImageType.COMPOSITE_DISK);
    assertThat(outcome.verdict())
        .isEqualTo(Verdict.rejected("unsupported partition image type: CompositeDisk"));
  }

  @Test
  void compositeMagicWithALastByteOffIsRaw() {
    byte[] head = COMPOSITE.clone();
    head[14] = 0x1c;
    assertThat(VirtmgrPartitionRules.detectImageType(head)).isEqualTo(ImageType.RAW);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 10, 14, 15, 100})
  void otherBytesAreRawWithStSizeAsPartitionSize(int length) {
    byte[] head = new byte[length];
    Arrays.fill(head, (byte) 'x');
    // st_size is what virtmgr takes, even when it disagrees with the bytes read (a block device says 0).
    Outcome outcome = VirtmgrPartitionRules.judge(head, 0);
    assertThat(outcome.type()).isEqualTo(ImageType.RAW);
    assertThat(outcome.partitionSize()).isEqualTo(U64.ZERO);
  }

  @Test
  void qcowMagicIsBigEndianAndSparseMagicLittleEndian() {
    byte[] reversedQcow = {(byte) 0xFB, 'I', 'F', 'Q'};
    byte[] reversedSparse = {(byte) 0xED, 0x26, (byte) 0xFF, 0x3A};
    assertThat(VirtmgrPartitionRules.detectImageType(reversedQcow)).isEqualTo(ImageType.RAW);
    assertThat(VirtmgrPartitionRules.detectImageType(reversedSparse)).isEqualTo(ImageType.RAW);
  }

  @Test
  void anyQcowVersionIsQcow2ToVirtmgr() {
    byte[] qcowV1 = ByteBuffer.allocate(48).put(QCOW).putInt(1).array();
    assertThat(VirtmgrPartitionRules.detectImageType(qcowV1)).isEqualTo(ImageType.QCOW2);
  }}
