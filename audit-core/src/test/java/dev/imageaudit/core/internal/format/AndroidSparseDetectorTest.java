package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Android sparse images: the real ones libsparse's tools made (with simg_dump's and simg2img's
 * answers), and byte-built chunks of every type and every broken rule, judged by libsparse's rules
 * and crosvm's separately.
 */
class AndroidSparseDetectorTest {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures/android-sparse");
  static final Path STORE = Path.of("../examples/image-store");
  private static final Pattern TOTAL = Pattern.compile("Total of (\\d+) (\\d+)-byte output blocks in (\\d+) input chunks");
  private static final Pattern CHUNK = Pattern.compile("^\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+(\\d+) (Raw data|Fill with|Don't care|CRC32)", Pattern.MULTILINE);

  @ParameterizedTest
  @CsvSource({
      "fixtures, split-0.simg, two chunks start at expanded offset 131072",
      "fixtures, split-1.simg, ok",
      "store, system.simg, ok",
      "store, vendor.simg, ok"})
  void realImagesMatchSimgDumpAndSimg2img(String where, String name, String crosvm) throws IOException {
    Path image = (where.equals("store") ? STORE : FIXTURES).resolve(name);
    AuditEntry.Image judged = (AuditEntry.Image) ImageAudit.auditFile(image);
    String dump = Files.readString(where.equals("store") ? Path.of("../examples/recorded/" + name + ".header.txt") : FIXTURES.resolve(name + ".simg_dump.txt"));
    Map<String, Long> counts = new HashMap<>();
    long expanded;
    if (where.equals("store")) {
      // examples/recorded/*.header.txt: "count_RAW 2" lines and the expanded size.
      for (String kind : new String[] {"RAW", "FILL", "DONT_CARE", "CRC32"}) {
        Matcher m = Pattern.compile("count_" + kind + " (\\d+)").matcher(dump);
        assertThat(m.find()).isTrue();
        counts.put(kind, Long.parseLong(m.group(1)));
      }
      expanded = Long.parseLong(Files.readString(Path.of("../examples/recorded/" + name + ".simg2img-size")).trim());
    } else {
      Matcher total = TOTAL.matcher(dump);
      assertThat(total.find()).isTrue();
      assertThat(judged.details().toMap()).containsEntry("totalBlocks", Long.parseLong(total.group(1)))
          .containsEntry("blockSize", Long.parseLong(total.group(2)))
          .containsEntry("totalChunks", Long.parseLong(total.group(3)));
      Matcher chunk = CHUNK.matcher(dump);
      while (chunk.find()) {
        String kind = switch (chunk.group(2)) {
          case "Raw data" -> "RAW";
          case "Fill with" -> "FILL";
          case "Don't care" -> "DONT_CARE";
          default -> "CRC32";
        };
        counts.merge(kind, 1L, Long::sum);
      }
      expanded = Long.parseLong(Files.readString(FIXTURES.resolve(name + ".simg2img-size")).trim());
    }
    assertThat(judged.virtualSize()).isEqualTo(U64.of(expanded));
    assertThat(judged.details().toMap().get("chunks")).isEqualTo(Map.of(
        "raw", counts.getOrDefault("RAW", 0L), "fill", counts.getOrDefault("FILL", 0L),
        "dontCare", counts.getOrDefault("DONT_CARE", 0L), "crc32", counts.getOrDefault("CRC32", 0L), "unknown", 0L));
    assertThat(judged.details().toMap()).containsEntry("libsparse", "ok").containsEntry("chunkWalk", "complete")
        .containsEntry("crosvm", crosvm).containsEntry("chunkBlocks", expanded / 4096);
    assertThat(judged.disk()).isEqualTo(crosvm.equals("ok") ? Verdict.accepted() : Verdict.rejected("android sparse: " + crosvm));
    assertThat(judged.flags()).doesNotContain(Flag.INVALID_HEADER, Flag.TRUNCATED);
  }

  @Test
  void simg2simgsPieceHoldsDontCareAndZeroBlockRawChunks() throws IOException {
    AuditEntry.Image piece = (AuditEntry.Image) ImageAudit.auditFile(FIXTURES.resolve("split-0.simg"));
    assertThat(piece.details().toMap().get("chunks")).isEqualTo(Map.of("raw", 3L, "fill", 3L, "dontCare", 1L, "crc32", 0L, "unknown", 0L));
    // libsparse takes it; crosvm finds the two empty raw chunks at one place and refuses it.
    assertThat(piece.flags()).containsExactly(Flag.CROSVM_UNSUPPORTED);
  }

  @Test
  void dontCareChunksExpandToNothingRead() throws IOException {
    byte[] image = sparse(4, 10, 28, 12, raw(1, 4), dontCare(9));
    AuditEntry.Image judged = judge(image);
    assertThat(judged.virtualSize()).isEqualTo(U64.of(40));
    assertThat(judged.details().toMap()).containsEntry("libsparse", "ok").containsEntry("crosvm", "ok")
        .containsEntry("chunks", Map.of("raw", 1L, "fill", 0L, "dontCare", 1L, "crc32", 0L, "unknown", 0L));
    assertThat(judged.disk()).isEqualTo(Verdict.accepted());
  }

  @Test
  void aCrc32ChunkIsFineForLibsparseButCrosvmReadsItsBodyAsTheNextHeader() throws IOException {
    byte[] image = sparse(4, 2, 28, 12, raw(1, 4), crc32(0x12345678), fill(1));
    AuditEntry.Image judged = judge(image);
    assertThat(judged.details().toMap()).containsEntry("libsparse", "ok")
        // The crc value and the next header read as a chunk header whose total_sz is 1.
        .containsEntry("crosvm", "chunk 2 total_sz 1 is smaller than its 12-byte header")
        .containsEntry("chunks", Map.of("raw", 1L, "fill", 1L, "dontCare", 0L, "crc32", 1L, "unknown", 0L));
    assertThat(judged.flags()).containsExactly(Flag.CROSVM_UNSUPPORTED);
    // As the last chunk, crosvm never reads past it.
    assertThat(judge(sparse(4, 1, 28, 12, raw(1, 4), crc32(7))).details().toMap()).containsEntry("crosvm", "ok");
  }

  @Test
  void longerChunkHeadersSuitLibsparseNotCrosvm() throws IOException {
    byte[] image = sparse(4, 1, 28, 16, pad(fill(1), 12, 4));
    AuditEntry.Image judged = judge(image);
    assertThat(judged.details().toMap()).containsEntry("libsparse", "ok")
        .containsEntry("crosvm", "chunk_hdr_sz 16 is not 12, the only size crosvm reads");
    assertThat(judged.disk().reason()).isEqualTo("android sparse: chunk_hdr_sz 16 is not 12, the only size crosvm reads");
  }

  @Test
  void aLongerFileHeaderIsSkippedByLibsparseButNotByCrosvm() throws IOException {
    byte[] header = sparse(4, 1, 32, 12);
    System.arraycopy(new byte[] {1, 2, 3, 4}, 0, header, 28, 4);
    byte[] image = concat(header, fill(1));
    ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 1);
    AuditEntry.Image judged = judge(image);
    assertThat(judged.details().toMap()).containsEntry("libsparse", "ok");
    assertThat(judged.details().toMap().get("crosvm")).asString().startsWith("chunk 0 ");
  }

  @Test
  void unknownChunkTypesAreSkippedByLibsparseAndRefusedByCrosvm() throws IOException {
    byte[] odd = chunk(0xCAC9, 5, 12);
    AuditEntry.Image judged = judge(sparse(4, 1, 28, 12, odd, fill(1)));
    assertThat(judged.details().toMap()).containsEntry("libsparse", "ok")
        .containsEntry("crosvm", "chunk 0 has type 0xCAC9, which crosvm does not know");
    assertThat(judged.details().toMap().get("chunks")).isEqualTo(Map.of("raw", 0L, "fill", 1L, "dontCare", 0L, "crc32", 0L, "unknown", 1L));
  }

  @Test
  void chunkSizesMustMatchTheirType() throws IOException {
    AuditEntry.Image shortTotal = judge(sparse(4, 1, 28, 12, chunk(0xCAC2, 1, 8), new byte[4]));
    assertThat(shortTotal.details().toMap()).containsEntry("crosvm", "chunk 0 total_sz 8 is smaller than its 12-byte header")
        .containsEntry("libsparse", "fill chunk 0 has 4294967292 data bytes, not 4");
    assertThat(shortTotal.flags()).contains(Flag.INVALID_HEADER, Flag.CROSVM_UNSUPPORTED);
    AuditEntry.Image longFill = judge(sparse(4, 1, 28, 12, chunk(0xCAC2, 1, 20), new byte[8]));
    assertThat(longFill.details().toMap()).containsEntry("libsparse", "fill chunk 0 has 8 data bytes, not 4")
        .containsEntry("crosvm", "fill chunk 0 has 8 data bytes, not 4");
    AuditEntry.Image rawMismatch = judge(sparse(4, 2, 28, 12, chunk(0xCAC1, 2, 16), new byte[4]));
    assertThat(rawMismatch.details().toMap()).containsEntry("libsparse", "raw chunk 0 has 4 data bytes for 2 blocks of 4");
    AuditEntry.Image dontCareBody = judge(sparse(4, 1, 28, 12, chunk(0xCAC3, 1, 16), new byte[4]));
    assertThat(dontCareBody.details().toMap()).containsEntry("libsparse", "don't-care chunk 0 has 4 data bytes, not 0");
  }

  @Test
  void chunksMustAddUpToTheHeadersBlocks() throws IOException {
    AuditEntry.Image judged = judge(sparse(4, 5, 28, 12, fill(2)));
    assertThat(judged.details().toMap()).containsEntry("libsparse", "chunks add up to 2 blocks, total_blks is 5")
        .containsEntry("crosvm", "chunks expand to 8 bytes, the header promises 20")
        .containsEntry("invalidHeader", "chunks add up to 2 blocks, total_blks is 5");
  }

  @Test
  void aRawBodyPastTheEndIsTruncatedWhichCrosvmOnlyFindsOnRead() throws IOException {
    byte[] image = Arrays.copyOf(sparse(4, 4, 28, 12, raw(4, 16)), 28 + 12 + 10);
    AuditEntry.Image judged = judge(image);
    assertThat(judged.flags()).contains(Flag.TRUNCATED).doesNotContain(Flag.INVALID_HEADER);
    assertThat(judged.details().toMap()).containsEntry("libsparse", "chunk 0 ends at 56, past the end of the file at 50")
        .containsEntry("crosvm", "ok");
  }

  @Test
  void absurdChunkCountsEndAtTheEndOfTheFile() throws IOException {
    byte[] image = sparse(4, 1, 28, 12, fill(1));
    ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(20, -1);
    AuditEntry.Image judged = judge(image);
    assertThat(judged.details().toMap()).containsEntry("libsparse", "chunk 1 header at 44 passes the end of the file")
        .containsEntry("crosvm", "chunk 1 header at 44 passes the end of the file").containsEntry("totalChunks", 4294967295L);
    assertThat(judged.flags()).contains(Flag.TRUNCATED, Flag.CROSVM_UNSUPPORTED);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 6, 8, 10, 12, 16, 20, 24, 27})
  void headersCutShortAreTruncated(int length) throws IOException {
    AuditEntry.Image judged = judge(Arrays.copyOf(sparse(4096, 1, 28, 12), length));
    assertThat(judged.virtualSize()).isNull();
    assertThat(judged.flags()).contains(Flag.TRUNCATED, Flag.CROSVM_UNSUPPORTED);
    assertThat(judged.details().toMap()).containsEntry("headerTruncated", true);
  }

  @Test
  void headerFieldsAreValidated() throws IOException {
    byte[] v2 = sparse(4, 1, 28, 12, fill(1));
    v2[4] = 2;
    assertThat(judge(v2).details().toMap()).containsEntry("invalidHeader", "major_version 2 is not 1")
        .containsEntry("libsparse", "major_version 2 is not 1").containsEntry("crosvm", "major_version 2 is not 1");
    byte[] shortHeader = sparse(4, 1, 28, 12, fill(1));
    shortHeader[8] = 20;
    assertThat(judge(shortHeader).details().toMap()).containsEntry("invalidHeader", "file_hdr_sz 20 is below 28")
        .containsEntry("crosvm", "ok");
    assertThat(judge(sparse(4, 1, 28, 8, fill(1))).details().toMap()).containsEntry("invalidHeader", "chunk_hdr_sz 8 is below 12");
    AuditEntry.Image oddBlock = judge(sparse(6, 1, 28, 12, fill(1)));
    assertThat(oddBlock.details().toMap()).containsEntry("invalidHeader", "blk_sz 6 is not a non-zero multiple of 4")
        .containsEntry("libsparse", "ok");
    assertThat(judge(sparse(0, 1, 28, 12, raw(1, 0))).details().toMap())
        .containsEntry("libsparse", "raw chunk 0 with a block size of 0 (libsparse would divide by zero)");
  }

  @Test
  void theChunkWalkStopsAtItsCap() throws IOException {
    int chunks = Caps.SPARSE_CHUNKS + 10;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(sparse(4, chunks, 28, 12));
    for (int i = 0; i < chunks; i++) {
      out.writeBytes(dontCare(1));
    }
    byte[] image = out.toByteArray();
    ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(20, chunks);
    AuditEntry.Image judged = judge(image);
    assertThat(judged.details().toMap()).containsEntry("chunkWalk", "stopped at cap")
        .containsEntry("chunksWalked", (long) Caps.SPARSE_CHUNKS)
        .containsEntry("libsparse", AndroidSparseDetector.NOT_JUDGED).containsEntry("crosvm", AndroidSparseDetector.NOT_JUDGED);
    assertThat(judged.flags()).isEmpty();
    assertThat(judged.disk().decision()).isEqualTo(Verdict.Decision.ERROR);
    // Both walks share the reads: one 12-byte read per chunk header past the head.
    assertThat(judged.bytesRead()).isLessThanOrEqualTo(FormatFixturesTest.BASE_READS + 12L * Caps.SPARSE_CHUNKS);
  }

  static byte[] sparse(int blockSize, int totalBlocks, int fileHeaderSize, int chunkHeaderSize, byte[]... chunks) {
    ByteBuffer b = ByteBuffer.allocate(fileHeaderSize).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xED26FF3A).putShort((short) 1).putShort((short) 0).putShort((short) fileHeaderSize)
        .putShort((short) chunkHeaderSize).putInt(blockSize).putInt(totalBlocks).putInt(chunks.length).putInt(0);
    return concat(b.array(), chunks);
  }

  static byte[] chunk(int type, int blocks, int totalSize) {
    return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) type).putShort((short) 0).putInt(blocks).putInt(totalSize).array();
  }

  static byte[] raw(int blocks, int bodyBytes) {
    return concat(chunk(0xCAC1, blocks, 12 + bodyBytes), new byte[bodyBytes]);
  }

  static byte[] fill(int blocks) {
    return concat(chunk(0xCAC2, blocks, 16), new byte[] {(byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA});
  }

  static byte[] dontCare(int blocks) {
    return chunk(0xCAC3, blocks, 12);
  }

  static byte[] crc32(int value) {
    return concat(chunk(0xCAC4, 0, 16), ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
  }

  /** A chunk whose header is {@code extra} bytes longer: the extra bytes go after the first 12. */
  static byte[] pad(byte[] chunk, int headerEnd, int extra) {
    byte[] out = new byte[chunk.length + extra];
    System.arraycopy(chunk, 0, out, 0, headerEnd);
    System.arraycopy(chunk, headerEnd, out, headerEnd + extra, chunk.length - headerEnd);
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(8, ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getInt(8) + extra);
    return out;
  }

  static byte[] concat(byte[] first, byte[]... rest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(first);
    for (byte[] r : rest) {
      out.writeBytes(r);
    }
    return out.toByteArray();
  }

  private static AuditEntry.Image judge(byte[] bytes) throws IOException {
    return Auditor.judge("test.simg", null, new ByteArraySource(bytes), bytes.length);
  }

}
