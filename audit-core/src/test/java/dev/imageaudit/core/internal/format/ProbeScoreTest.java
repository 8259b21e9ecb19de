package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.internal.source.ByteArraySource;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The winner among matching detectors is the highest probe score, not a place in a list. */
class ProbeScoreTest {

  private static final int SHUFFLES = 40;

  /** The recorded answers, scripts and notes beside the fixture images: not images. */
  private static final Set<String> NOT_IMAGES =
      Set.of("json", "txt", "sh", "err", "gz", "simg2img-size", "decompressed-size");

  @Test
  void rankingDoesNotDependOnRegistrationOrder() {
    List<FormatDetector> ranked = Formats.rank(Formats.REGISTERED);
    Random random = new Random(13);
    for (int i = 0; i < SHUFFLES; i++) {
      List<FormatDetector> shuffled = new ArrayList<>(Formats.REGISTERED);
      Collections.shuffle(shuffled, random);
      assertThat(Formats.rank(shuffled)).containsExactlyElementsOf(ranked);
    }
  }

  @Test
  void scoresFallFromHeadersAtZeroToTrailers() {
    List<FormatDetector> ranked = Formats.rank(Formats.REGISTERED);
    assertThat(ranked).extracting(FormatDetector::probeScore)
        .allMatch(score -> score >= 1 && score <= 100)
        .isSortedAccordingTo(Collections.reverseOrder());
    assertThat(ranked.get(ranked.size() - 1).probeScore()).isEqualTo(FormatDetector.SCORE_FOOTER_ONLY);
    assertThat(VpcDetector.atHead().probeScore()).isGreaterThan(new Iso9660Detector().probeScore());
    assertThat(new VdiDetector().probeScore()).isLessThan(new QcowDetector().probeScore());
    assertThat(new DmgDetector().probeScore()).isLessThan(new ZstdDetector().probeScore());
  }

  @Test
  void twoDetectorsOfOneClassAndScoreAreRefused() {
    assertThatThrownBy(() -> Formats.rank(List.of(new QedDetector(), new QedDetector())))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void everyFixtureIsNamedAlikeWhateverTheRegistrationOrder() throws IOException {
    List<Path> images;
    try (Stream<Path> files = Files.walk(FormatFixturesTest.FIXTURES)) {
      images = files.filter(Files::isRegularFile).filter(p -> !NOT_IMAGES.contains(extension(p))).sorted().toList();
    }
    assertThat(images).hasSizeGreaterThan(40);
    for (Path image : images) {
      assertSameWhateverTheOrder(image.toString(), Files.readAllBytes(image));
    }
  }

  @Test
  void polyglotsAreNamedByTheirHighestScoreWhateverTheRegistrationOrder() throws IOException {
    assertWinner("qcow2 + iso9660", qcow2(iso(0x8800)), ImageFormat.QCOW2, "iso9660");
    assertWinner("qcow2 + vdi", vdiSignature(qcow2(new byte[12288])), ImageFormat.QCOW2, "vdi");
    assertWinner("iso9660 + zstd skippable frame", zstdSkippable(iso(0x8800)), ImageFormat.ISO9660, "zstd");
    assertWinner("zstd + dmg", dmgTrailer(zstdSkippable(new byte[4096])), ImageFormat.ZSTD, "dmg");
    assertWinner("iso9660 + fixed vhd footer", vhdFooter(iso(0x8a00)), ImageFormat.ISO9660, "vpc");
    assertWinner("qcow2 + iso9660 + dmg", dmgTrailer(qcow2(iso(0x8a00))), ImageFormat.QCOW2, "iso9660", "dmg");
  }

  private static void assertWinner(String what, byte[] bytes, ImageFormat winner, String... others)
      throws IOException {
    Detection chosen = assertSameWhateverTheOrder(what, bytes);
    assertThat(chosen.format()).as(what).isEqualTo(winner);
    assertThat(chosen.details().toMap()).as(what).containsEntry("alsoMatches", List.of(others));
  }

  /** Returns the detection by the ranked registration, after checking every shuffle gives it too. */
  private static Detection assertSameWhateverTheOrder(String what, byte[] bytes) throws IOException {
    Detection expected = detect(bytes, Formats.REGISTERED);
    Random random = new Random(what.hashCode());
    for (int i = 0; i < SHUFFLES; i++) {
      List<FormatDetector> shuffled = new ArrayList<>(Formats.REGISTERED);
      Collections.shuffle(shuffled, random);
      assertThat(detect(bytes, shuffled)).as(what).isEqualTo(expected);
    }
    return expected;
  }

  private static Detection detect(byte[] bytes, List<FormatDetector> registered) throws IOException {
    ByteArraySource source = new ByteArraySource(bytes);
    Probe probe = new Probe(source.read(0, (int) Math.min(Caps.HEAD, bytes.length)), source, bytes.length);
    return Formats.choose(probe, Formats.detectAll(probe, Formats.rank(registered)));
  }

  private static String extension(Path path) {
    String name = path.getFileName().toString();
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** A primary volume descriptor at 0x8000 in a file of {@code length} bytes. */
  private static byte[] iso(int length) {
    byte[] image = new byte[length];
    ByteBuffer d = ByteBuffer.wrap(image, 0x8000, 2048).slice();
    d.put((byte) 1).put("CD001".getBytes(StandardCharsets.US_ASCII)).put((byte) 1);
    d.order(ByteOrder.LITTLE_ENDIAN).putInt(0x50, length / 2048).putShort(0x80, (short) 2048);
    d.order(ByteOrder.BIG_ENDIAN).putInt(0x54, length / 2048).putShort(0x82, (short) 2048);
    return image;
  }

  /** Writes a qcow2 v3 header of 1 MiB, 64 KiB clusters, at 0. */
  private static byte[] qcow2(byte[] image) {
    ByteBuffer.wrap(image).put(new byte[] {'Q', 'F', 'I', (byte) 0xFB}).putInt(3).putLong(0).putInt(0).putInt(16)
        .putLong(1 << 20);
    return image;
  }

  /** Writes VDI's signature at 0x40. */
  private static byte[] vdiSignature(byte[] image) {
    ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(0x40, 0xBEDA107F);
    return image;
  }

  /** Writes a zstd skippable frame header at 0 whose frame covers the rest of the file. */
  private static byte[] zstdSkippable(byte[] image) {
    ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x184D2A50).putInt(4, image.length - 8);
    return image;
  }

  /** Writes a DMG koly trailer in the last 512 bytes. */
  private static byte[] dmgTrailer(byte[] image) {
    ByteBuffer k = ByteBuffer.wrap(image, image.length - 512, 512).slice();
    k.put(new byte[] {'k', 'o', 'l', 'y'}).putInt(4).putInt(512);
    k.putLong(0xE0, 1000).putInt(0x1E8, 1).putLong(0x1EC, 2048);
    return image;
  }

  /** Writes a fixed VHD footer cookie and type in the last 512 bytes. */
  private static byte[] vhdFooter(byte[] image) {
    ByteBuffer f = ByteBuffer.wrap(image, image.length - 512, 512).slice();
    f.put("conectix".getBytes(StandardCharsets.US_ASCII)).putInt(60, 2);
    return image;
  }
}
