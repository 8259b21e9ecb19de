package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.internal.avf.CrosvmDiskRulesTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One real image of each format, and of each way a format lays itself out (header at the head,
 * footer at the tail, structures far into the file), made by the tools in each fixture folder's
 * make.sh; plus a composite disk built by hand, as no tool of ours writes one. The images that the
 * fuzz campaign and the changing-file tests start from.
 */
public final class FormatSeeds {

  /** Fixtures, as {@code format/name} under {@link Fixtures#ROOT}. */
  public static final List<String> FIXTURES = List.of(
      "qcow2/backing-qcow2.qcow2",
      "qcow2/external-data.qcow2",
      "qcow2/aes-v1.qcow",
      "android-sparse/split-0.simg",
      "zstd/seekable.zst",
      "zstd/plain.zst",
      "vmdk/monolithicSparse.vmdk",
      "vmdk/streamOptimized-footer.vmdk",
      "vmdk/cowd.vmdk",
      "vmdk/monolithicFlat.vmdk",
      "vpc/dynamic.vhd",
      "vpc/fixed.vhd",
      "vhdx/dynamic.vhdx.gz",
      "vdi/dynamic.vdi",
      "qed/backing-probed.qed",
      "parallels/ext.hdd",
      "luks/v1.luks",
      "luks/v2.luks2",
      "bochs/growing.img",
      "cloop/b4k.cloop",
      "dmg/udif.dmg",
      "iso9660/hybrid-gpt.iso",
      "raw-partitions/gpt.img",
      "raw-partitions/mbr.img");

  private FormatSeeds() {}

  /** Returns every seed by name, in a fixed order: the fixtures, then {@code composite}. */
  public static Map<String, byte[]> all() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    for (String fixture : FIXTURES) {
      seeds.put(fixture, fixture(fixture));
    }
    seeds.put("composite", CrosvmDiskRulesTest.composite(1, 1 << 20, 0, 65536));
    return seeds;
  }

  private static byte[] fixture(String fixture) {
    int slash = fixture.indexOf('/');
    try {
      return Fixtures.bytes(fixture.substring(0, slash), fixture.substring(slash + 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
