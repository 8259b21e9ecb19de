package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.AuditSummary;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.VmConfigAudit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reports built by hand, with fixed times, for the report writers' tests. */
final class Fixtures {

  static final Instant STARTED = Instant.parse("2026-01-02T03:04:05Z");
  static final Instant FINISHED = Instant.parse("2026-01-02T03:04:07.250Z");
  static final String VERSION = "0.1.0-test";

  static final String QCOW2 = "store/disk.qcow2";
  static final String COMPOSITE = "store/composite.img";
  static final String RAW = "store/raw.img";
  static final String SPARSE = "store/system.simg";
  static final String LINK = "store/link.img";
  static final String FD = "fd:3";
  static final String CONFIG = "configs/vm.json";
  static final String GONE = "configs/gone.json";

  private Fixtures() {}

  /**
   * One entry of every kind: four images (two rejected), a skip and a failure; and two VM configs,
   * one read with findings, one unreadable.
   */
  static AuditReport report() {
    return report(entries(), List.of("store", FD, CONFIG, GONE), configs());
  }

  /** A config of two disks (a composite of the sparse and raw images, and the qcow2 whole), and an unreadable one. */
  static List<VmConfigAudit> configs() {
    VmConfigAudit.Disk composite =
        new VmConfigAudit.Disk(
            0, true, null, null,
            List.of(
                new VmConfigAudit.Partition("system", SPARSE, false, ImageFormat.ANDROID_SPARSE, U64.of(67_108_864)),
                new VmConfigAudit.Partition("userdata", RAW, true, ImageFormat.RAW, U64.of(67_108_864))),
            U64.of(134_283_264));
    VmConfigAudit.Disk whole = new VmConfigAudit.Disk(1, null, QCOW2, ImageFormat.QCOW2, List.of(), null);
    VmConfigAudit read =
        new VmConfigAudit(
            CONFIG, true, List.of(composite, whole),
            List.of(
                new VmConfigAudit.Finding(
                    ConfigRule.INVALID_CONFIG, "`disks[1].writable` is missing; vm run requires it", 1, null, List.of()),
                new VmConfigAudit.Finding(
                    ConfigRule.RELATIVE_PATHS, "2 paths are relative", null, null, List.of(SPARSE, RAW))));
    VmConfigAudit gone =
        new VmConfigAudit(
            GONE, false, List.of(),
            List.of(
                new VmConfigAudit.Finding(
                    ConfigRule.CONFIG_UNREADABLE, "cannot read the config: no such file or directory", null, null,
                    List.of())));
    return List.of(read, gone);
  }

  static List<AuditEntry> entries() {
    Map<String, Object> qcowDetails = new LinkedHashMap<>();
    qcowDetails.put("version", 3);
    qcowDetails.put("clusterBits", 16L);
    qcowDetails.put("backingFile", "../base.img");

    Map<String, Object> component = new LinkedHashMap<>();
    component.put("path", "part-a.img");
    component.put("offset", U64.of(Long.MIN_VALUE));
    component.put("readWrite", true);
    component.put("fileOffset", 0L);
    Map<String, Object> compositeDetails = new LinkedHashMap<>();
    compositeDetails.put("version", 2L);
    compositeDetails.put("components", List.of(component, Map.of("path", "part-b.img")));
    compositeDetails.put("length", U64.of(1L << 32));
    compositeDetails.put("tags", List.of("x", 7, false));

    Map<String, Object> sparseDetails = new LinkedHashMap<>();
    sparseDetails.put("majorVersion", 1);
    sparseDetails.put("blockSize", 4096L);
    sparseDetails.put("totalBlocks", 16384L);

    return List.of(
        new AuditEntry.Image(
            QCOW2,
            null,
            ImageFormat.QCOW2,
            196_616,
            U64.of(-1L),
            null,
            Verdict.rejected("unsupported partition image type: Qcow2"),
            Verdict.rejected("qcow2: virtual size 18446744073709551615 is over crosvm's limit of 2^44 bytes (16 TiB)"),
            Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.CROSVM_UNSUPPORTED),
            ImageDetails.recorded(qcowDetails),
            512),
        new AuditEntry.Image(
            COMPOSITE,
            null,
            ImageFormat.COMPOSITE,
            300,
            U64.of(1L << 32),
            null,
            Verdict.rejected("unsupported partition image type: CompositeDisk"),
            Verdict.accepted(),
            Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE),
            ImageDetails.recorded(compositeDetails),
            300),
        new AuditEntry.Image(
            RAW, null, ImageFormat.RAW, 67_108_864, U64.of(67_108_864), U64.of(67_108_864),
            Verdict.accepted(), Verdict.accepted(), Set.of(), ImageDetails.recorded(Map.of()), 4096),
        new AuditEntry.Image(
            SPARSE, null, ImageFormat.ANDROID_SPARSE, 8_240, U64.of(67_108_864), U64.of(67_108_864),
            Verdict.accepted(), Verdict.accepted(), Set.of(), ImageDetails.recorded(sparseDetails), 28),
        new AuditEntry.Skipped(LINK, null, SkipReason.SYMLINK),
        new AuditEntry.Failed(FD, "/dev/sdz", ErrorKind.IO_ERROR, "Input/output error"));
  }

  /** A report of {@code entries}, in the order given, with their summary. */
  static AuditReport report(List<AuditEntry> entries, List<String> inputs) {
    return report(entries, inputs, List.of());
  }

  /** A report of {@code entries} and {@code configs}. */
  static AuditReport report(List<AuditEntry> entries, List<String> inputs, List<VmConfigAudit> configs) {
    // Entries in the order given: the core emits them in walk order, which tests spell out.
    List<AuditEntry> sorted = new ArrayList<>(entries);
    return new AuditReport(VERSION, STARTED, FINISHED, inputs, sorted, AuditSummary.of(sorted), configs);
  }

  /** An accepted raw image at {@code path}. */
  static AuditEntry.Image raw(String path, long size) {
    return new AuditEntry.Image(
        path, null, ImageFormat.RAW, size, U64.of(size), U64.of(size), Verdict.accepted(), Verdict.accepted(), Set.of(), ImageDetails.recorded(Map.of()),
        4096);
  }

  /** The day the golden run is judged on: waivers expiring before it are expired. */
  static final java.time.Clock CLOCK =
      java.time.Clock.fixed(java.time.Instant.parse("2026-01-02T03:04:07.250Z"), java.time.ZoneOffset.UTC);

  /**
   * A policy with one waiver of each fate on {@link #report()}: used (the composite's flag), unused
   * (a glob naming nothing), expired (the config rule, before {@link #CLOCK}'s day).
   */
  static Policy policy() {
    return new Policy(
        Set.of(Flag.UNSUPPORTED_PARTITION_IMAGE, Flag.CROSVM_UNSUPPORTED),
        Set.of(ConfigRule.INVALID_CONFIG, ConfigRule.CONFIG_UNREADABLE),
        List.of(
            new Waiver(0, COMPOSITE, null, null, Flag.UNSUPPORTED_PARTITION_IMAGE, null,
                "legacy VM boots it through crosvm", "storage-team", java.time.LocalDate.parse("2026-12-31")),
            new Waiver(1, null, "legacy/**", null, Flag.BACKING_FILE, null,
                "old overlays", "storage-team", java.time.LocalDate.parse("2026-06-30")),
            new Waiver(2, null, "configs/*.json", null, null, ConfigRule.INVALID_CONFIG,
                "fixed in the next image", "vm-team", java.time.LocalDate.parse("2025-12-31"))),
        "policy.yaml",
        "0000000000000000000000000000000000000000000000000000000000000000");
  }

  /** A fixed provenance for golden files. */
  static Provenance provenance() {
    return new Provenance(
        "build-host", "auditor", List.of("/srv/store", "fd:3", "/srv/configs/vm.json", "/srv/configs/gone.json"),
        "0.1.0-test", "abc1234", List.of("image-audit", "scan", "--policy", "policy.yaml", "store", "--fd", "3"));
  }
}
