package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The zstd CLI's fixtures (fixtures/zstd/make.sh) read into {@link ZstdDetails}, whose fields are
 * the details object the reports have always written for them, key for key and type for type.
 */
class ZstdDetailsTest {

  @Test
  void seekableFileGivesItsSeekTable() throws IOException {
    FormatDetails header = header("seekable.zst");

    assertThat(header).isInstanceOfSatisfying(ZstdDetails.class, zstd -> {
      assertThat(zstd.seekable()).isTrue();
      assertThat(zstd.startsWithSkippableFrame()).isFalse();
      assertThat(zstd.frames()).isEqualTo(3L);
      assertThat(zstd.seekTableDescriptor()).isEqualTo(0x80);
      assertThat(zstd.checksums()).isTrue();
      assertThat(zstd.compressedSize()).isEqualTo(U64.of(1494));
      assertThat(zstd.compressedSizesMatch()).isTrue();
      assertThat(zstd.seekTableError()).isNull();
      assertThat(zstd.firstFrame()).isNull();
      assertThat(zstd.frameContentSize()).isNull();
    });
    Map<String, Object> today = new LinkedHashMap<>();
    today.put("startsWithSkippableFrame", false);
    today.put("seekable", true);
    today.put("frames", 3L);
    today.put("seekTableDescriptor", 128);
    today.put("checksums", true);
    today.put("compressedSize", U64.of(1494));
    today.put("compressedSizesMatch", true);
    assertThat(header.fields()).containsExactlyEntriesOf(today);
  }

  @Test
  void plainFileGivesItsFirstFrameContentSize() throws IOException {
    FormatDetails header = header("plain.zst");

    assertThat(header).isInstanceOfSatisfying(ZstdDetails.class, zstd -> {
      assertThat(zstd.seekable()).isFalse();
      assertThat(zstd.frames()).isNull();
      assertThat(zstd.frameContentSize()).isEqualTo(new ZstdDetails.FrameContentSize(U64.of(40000)));
      assertThat(zstd.frameContentSize().isAbsent()).isFalse();
    });
    Map<String, Object> today = new LinkedHashMap<>();
    today.put("startsWithSkippableFrame", false);
    today.put("seekable", false);
    today.put("frameContentSize", U64.of(40000));
    assertThat(header.fields()).containsExactlyEntriesOf(today);
  }

  @Test
  void plainFileWithoutContentSizeSaysAbsent() throws IOException {
    FormatDetails header = header("plain-no-size.zst");

    assertThat(header).isInstanceOfSatisfying(ZstdDetails.class,
        zstd -> assertThat(zstd.frameContentSize()).isEqualTo(ZstdDetails.FrameContentSize.ABSENT));
    Map<String, Object> today = new LinkedHashMap<>();
    today.put("startsWithSkippableFrame", false);
    today.put("seekable", false);
    today.put("frameContentSize", "absent");
    assertThat(header.fields()).containsExactlyEntriesOf(today);
  }

  private static FormatDetails header(String name) throws IOException {
    return FixtureAudits.audit(ImageFormat.ZSTD, name).details().header();
  }
}
