package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An Android sparse image img2simg made (fixtures/android-sparse/make.sh) read into {@link
 * SparseDetails}, whose fields are the details object the reports have always written for it, key
 * for key and type for type.
 */
class SparseDetailsTest {

  @Test
  void fileHeaderAndChunkWalkAreTyped() throws IOException {
    AuditEntry.Image image = FixtureAudits.audit(ImageFormat.ANDROID_SPARSE, "split-0.simg");
    FormatDetails header = image.details().header();

    assertThat(header).isInstanceOfSatisfying(SparseDetails.class, sparse -> {
      assertThat(sparse.majorVersion()).isEqualTo(1);
      assertThat(sparse.minorVersion()).isEqualTo(0);
      assertThat(sparse.fileHeaderSize()).isEqualTo(28);
      assertThat(sparse.chunkHeaderSize()).isEqualTo(12);
      assertThat(sparse.blockSize()).isEqualTo(4096L);
      assertThat(sparse.totalBlocks()).isEqualTo(64L);
      assertThat(sparse.totalChunks()).isEqualTo(7L);
      assertThat(sparse.chunks()).isEqualTo(new SparseDetails.ChunkCounts(3, 3, 1, 0, 0));
      assertThat(sparse.chunksWalked()).isEqualTo(7L);
      assertThat(sparse.chunkBlocks()).isEqualTo(64L);
      assertThat(sparse.chunkWalk()).isEqualTo("complete");
      assertThat(sparse.libsparse()).isEqualTo("ok");
      assertThat(sparse.crosvm()).isEqualTo("two chunks start at expanded offset 131072");
    });
    assertThat(image.virtualSize()).isEqualTo(U64.of(64 * 4096));

    Map<String, Object> chunks = new LinkedHashMap<>();
    chunks.put("raw", 3L);
    chunks.put("fill", 3L);
    chunks.put("dontCare", 1L);
    chunks.put("crc32", 0L);
    chunks.put("unknown", 0L);
    Map<String, Object> today = new LinkedHashMap<>();
    today.put("majorVersion", 1);
    today.put("minorVersion", 0);
    today.put("fileHeaderSize", 28);
    today.put("chunkHeaderSize", 12);
    today.put("blockSize", 4096L);
    today.put("totalBlocks", 64L);
    today.put("totalChunks", 7L);
    today.put("imageChecksum", 0L);
    today.put("chunks", chunks);
    today.put("chunksWalked", 7L);
    today.put("chunkBlocks", 64L);
    today.put("chunkWalk", "complete");
    today.put("libsparse", "ok");
    today.put("crosvm", "two chunks start at expanded offset 131072");
    assertThat(header.fields()).containsExactlyEntriesOf(today);
    @SuppressWarnings("unchecked")
    Map<String, Object> written = (Map<String, Object>) header.fields().get("chunks");
    assertThat(written).containsExactlyEntriesOf(chunks);
  }
}
