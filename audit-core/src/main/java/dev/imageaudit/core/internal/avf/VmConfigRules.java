package dev.imageaudit.core.internal.avf;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ConfigRule;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.VmConfigAudit;
import dev.imageaudit.core.internal.source.LoadedConfig;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a read VM config against the audited files it names: virtmgr's partition rules, then
 * crosvm's rules for assembling the partitions into one GPT composite disk (crosvm {@code
 * disk/src/composite.rs} {@code create_composite_disk}, {@code gpt.rs}; FORMATS.md section 2).
 *
 * <p>crosvm stops at the first broken rule; this reports every one. The layout, from crosvm's
 * constants: {@value #GPT_BEGINNING_SIZE} bytes before the first partition (protective MBR, GPT
 * header, 128 entries of 128 bytes, padding: 40 sectors), each partition rounded up to {@value
 * #PARTITION_ALIGNMENT} bytes, {@value #GPT_END_SIZE} bytes after the last (entries and backup
 * header: 33 sectors), and the whole rounded up to {@value #DISK_ALIGNMENT} bytes. The protective
 * MBR holds the disk's sector count as a u32, so a disk of 2^32 sectors of 512 bytes (2 TiB) or more
 * fails.
 */
public final class VmConfigRules {

  /** Bytes before the first partition: MBR, GPT header, partition entries, alignment (crosvm GPT_BEGINNING_SIZE). */
  static final long GPT_BEGINNING_SIZE = 40 * 512;
  /** Bytes after the last partition: backup entries and header (crosvm GPT_END_SIZE). */
  static final long GPT_END_SIZE = 33 * 512;
  /** Each partition starts on, and is rounded up to, this boundary (crosvm PARTITION_SIZE_SHIFT 12). */
  static final long PARTITION_ALIGNMENT = 4096;
  /** The disk is rounded up to this (crosvm DISK_SIZE_SHIFT 16, for virtio-blk). */
  static final long DISK_ALIGNMENT = 65536;
  /** GPT entries crosvm writes, so the most partitions a disk can have. */
  static final int MAX_PARTITIONS = 128;
  /** A GPT partition name's length in UTF-16 code units; crosvm cuts labels to it and pads with NUL. */
  static final int LABEL_UNITS = 36;
  /** The smallest disk size crosvm refuses: 2^32 sectors of 512 bytes, 2 TiB. */
  static final BigInteger MAX_DISK_SIZE = BigInteger.ONE.shiftLeft(41);

  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final LoadedConfig config;
  private final Map<String, AuditEntry> byPath;
  private final List<VmConfigAudit.Finding> findings = new ArrayList<>();

  private VmConfigRules(LoadedConfig config, Map<String, AuditEntry> byPath) {
    this.config = config;
    this.byPath = byPath;
  }

  /**
   * Judges {@code config}.
   *
   * @param config the config as read
   * @param byPath the run's entries by path; a named file without an entry does not exist
   */
  public static VmConfigAudit judge(LoadedConfig config, Map<String, AuditEntry> byPath) {
    VmConfigRules rules = new VmConfigRules(config, byPath);
    rules.findings.addAll(config.findings());
    List<VmConfigAudit.Disk> disks = new ArrayList<>();
    for (LoadedConfig.DiskSpec disk : config.disks()) {
      disks.add(rules.disk(disk));
    }
    rules.relativePaths();
    return new VmConfigAudit(config.display(), config.readable(), disks, rules.findings);
  }

  private VmConfigAudit.Disk disk(LoadedConfig.DiskSpec disk) {
    int index = disk.index();
    boolean writable = Boolean.TRUE.equals(disk.writable());
    String image = null;
    ImageFormat imageFormat = null;
    if (disk.image() != null) {
      image = disk.image().display();
      AuditEntry entry = fileFindings(disk.image(), index, null, "disk " + index + " image");
      if (entry instanceof AuditEntry.Image audited) {
        imageFormat = audited.format();
        if (writable && audited.format() == ImageFormat.ANDROID_SPARSE) {
          add(ConfigRule.WRITABLE_ANDROID_SPARSE,
              "disk " + index + " is writable but its image is Android sparse, which crosvm serves read-only:"
                  + " the first write fails",
              index, null, List.of(image));
        }
      }
    }

    List<VmConfigAudit.Partition> partitions = new ArrayList<>();
    BigInteger laidOut = BigInteger.ZERO;
    boolean allSized = true;
    for (int p = 0; p < disk.partitions().size(); p++) {
      LoadedConfig.PartitionSpec spec = disk.partitions().get(p);
      U64 size = null;
      ImageFormat format = null;
      if (spec.path() != null) {
        String where = partitionName(index, p, spec.label());
        AuditEntry entry = fileFindings(spec.path(), index, spec.label(), where);
        if (entry instanceof AuditEntry.Image audited) {
          format = audited.format();
          size = partitionRules(audited, spec, index, where);
        }
      }
      partitions.add(
          new VmConfigAudit.Partition(
              spec.label(), spec.path() == null ? null : spec.path().display(), spec.writable(), format, size));
      if (size == null) {
        allSized = false;
      } else {
        laidOut = laidOut.add(alignUp(size.toBigInteger(), PARTITION_ALIGNMENT));
      }
    }
    labels(disk);
    if (disk.partitions().size() > MAX_PARTITIONS) {
      add(ConfigRule.TOO_MANY_PARTITIONS,
          "disk " + index + " has " + disk.partitions().size() + " partitions; a GPT as crosvm writes it holds "
              + MAX_PARTITIONS,
          index, null, List.of());
    }
    U64 compositeSize = null;
    if (!disk.partitions().isEmpty()) {
      BigInteger total = compositeSize(laidOut);
      if (total.compareTo(MAX_DISK_SIZE) >= 0) {
        add(ConfigRule.DISK_TOO_LARGE,
            "disk " + index + " would be " + (allSized ? "" : "at least ") + total + " bytes as crosvm assembles it;"
                + " a composite disk must be under 2 TiB (" + MAX_DISK_SIZE + " bytes), as its protective MBR"
                + " counts sectors in 32 bits",
            index, null, sizedImages(disk));
      }
      if (allSized && total.compareTo(U64_MAX) <= 0) {
        compositeSize = U64.of(total.longValue());
      }
    }
    return new VmConfigAudit.Disk(index, disk.writable(), image, imageFormat, partitions, compositeSize);
  }

  /**
   * Returns the composite disk's size for partitions taking {@code laidOut} bytes (each already
   * rounded up to 4 KiB): header, partitions and footer, rounded up to 64 KiB.
   */
  static BigInteger compositeSize(BigInteger laidOut) {
    BigInteger used = laidOut.add(BigInteger.valueOf(GPT_BEGINNING_SIZE + GPT_END_SIZE));
    return alignUp(used, DISK_ALIGNMENT);
  }

  /** virtmgr's verdict on one partition image, then crosvm's rules on it; returns its size when known. */
  private U64 partitionRules(AuditEntry.Image image, LoadedConfig.PartitionSpec spec, int disk, String where) {
    Verdict verdict = image.partition();
    List<String> paths = List.of(image.path());
    if (verdict.decision() == Verdict.Decision.REJECTED) {
      add(ConfigRule.UNSUPPORTED_PARTITION_IMAGE, where + ": virtmgr refuses it: " + verdict.reason(), disk,
          spec.label(), paths);
      return null;
    }
    if (verdict.decision() == Verdict.Decision.ERROR) {
      add(ConfigRule.INVALID_PARTITION_IMAGE, where + ": virtmgr cannot size it: " + verdict.reason(), disk,
          spec.label(), paths);
      return null;
    }
    U64 size = image.partitionSize();
    boolean writable = Boolean.TRUE.equals(spec.writable());
    if (writable && size != null && !size.isMultipleOf(PARTITION_ALIGNMENT)) {
      add(ConfigRule.UNALIGNED_WRITABLE_PARTITION,
          where + " is writable and " + size + " bytes, not a multiple of " + PARTITION_ALIGNMENT
              + "; crosvm pads only read-only partitions",
          disk, spec.label(), paths);
    }
    if (writable && image.format() == ImageFormat.ANDROID_SPARSE) {
      add(ConfigRule.WRITABLE_ANDROID_SPARSE,
          where + " is writable but Android sparse, which crosvm serves read-only: the first write fails",
          disk, spec.label(), paths);
    }
    return size;
  }

  /**
   * crosvm's label rules: each label becomes a GPT name of 36 UTF-16 code units, cut or padded with
   * NUL, and two equal names fail. The cut may split a surrogate pair; the names are still compared
   * unit by unit, as crosvm does.
   */
  private void labels(LoadedConfig.DiskSpec disk) {
    Map<String, LoadedConfig.PartitionSpec> byName = new HashMap<>();
    for (LoadedConfig.PartitionSpec spec : disk.partitions()) {
      String label = spec.label();
      if (label == null) {
        continue;
      }
      String name = gptName(label);
      LoadedConfig.PartitionSpec first = byName.putIfAbsent(name, spec);
      if (first != null) {
        Set<String> images = new LinkedHashSet<>();
        if (first.path() != null) {
          images.add(first.path().display());
        }
        if (spec.path() != null) {
          images.add(spec.path().display());
        }
        String message =
            first.label().equals(label)
                ? "disk " + disk.index() + ": two partitions are labelled " + quote(label)
                : "disk " + disk.index() + ": labels " + quote(first.label()) + " and " + quote(label)
                    + " are the same GPT name once cut to " + LABEL_UNITS + " UTF-16 code units ("
                    + quote(trimNul(name)) + ")";
        add(ConfigRule.DUPLICATE_PARTITION_LABEL, message + "; crosvm refuses duplicate partition labels",
            disk.index(), label, List.copyOf(images));
      }
      if (label.length() > LABEL_UNITS) {
        add(ConfigRule.LABEL_TRUNCATED,
            "disk " + disk.index() + ": label " + quote(label) + " is " + label.length()
                + " UTF-16 code units; the guest sees the first " + LABEL_UNITS + ": " + quote(trimNul(name))
                + (Character.isHighSurrogate(label.charAt(LABEL_UNITS - 1)) ? " (the cut splits a character)" : ""),
            disk.index(), label, spec.path() == null ? List.of() : List.of(spec.path().display()));
      }
    }
  }

  /** Returns the GPT name crosvm writes for {@code label}: its first 36 UTF-16 code units, NUL-padded. */
  static String gptName(String label) {
    return String.valueOf(Arrays.copyOf(label.toCharArray(), LABEL_UNITS));
  }

  private static String trimNul(String name) {
    int end = name.length();
    while (end > 0 && name.charAt(end - 1) == 0) {
      end--;
    }
    return name.substring(0, end);
  }

  /**
   * Reports a named file that is missing or could not be audited; returns its entry, or null.
   */
  private AuditEntry fileFindings(LoadedConfig.NamedPath named, int disk, String label, String where) {
    if (named.path() == null) {
      add(ConfigRule.MISSING_FILE, where + ": " + quote(named.given()) + " is not a valid path", disk, label,
          List.of());
      return null;
    }
    AuditEntry entry = byPath.get(named.display());
    List<String> paths = List.of(named.display());
    String shown = named.display() + (named.given().equals(named.display()) ? "" : " (" + quote(named.given()) + " in the config)");
    if (entry == null || entry instanceof AuditEntry.Failed f && f.kind() == ErrorKind.NOT_FOUND) {
      add(ConfigRule.MISSING_FILE, where + ": " + shown + " does not exist", disk, label, paths);
    } else if (entry instanceof AuditEntry.Failed failed) {
      add(ConfigRule.UNREADABLE_FILE, where + ": " + shown + " could not be read: " + failed.message(), disk, label,
          paths);
    } else if (entry instanceof AuditEntry.Skipped skipped) {
      add(ConfigRule.UNREADABLE_FILE,
          where + ": " + shown + " is not a regular file or block device (" + skipped.reason().id() + ")", disk,
          label, paths);
    }
    return entry;
  }

  private void relativePaths() {
    List<String> relative =
        config.namedPaths().stream()
            .filter(LoadedConfig.NamedPath::relative)
            .filter(p -> p.path() != null)
            .map(LoadedConfig.NamedPath::display)
            .distinct()
            .toList();
    if (!relative.isEmpty()) {
      add(ConfigRule.RELATIVE_PATHS,
          relative.size() + (relative.size() == 1 ? " path is" : " paths are") + " relative: resolved here from the"
              + " config's folder (" + config.folder() + "), but vm run opens them from its own working directory",
          null, null, relative);
    }
  }

  private static List<String> sizedImages(LoadedConfig.DiskSpec disk) {
    return disk.partitions().stream()
        .filter(p -> p.path() != null)
        .map(p -> p.path().display())
        .distinct()
        .toList();
  }

  private static String partitionName(int disk, int index, String label) {
    return "disk " + disk + ", partition " + (label == null ? "#" + index : quote(label));
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  private static BigInteger alignUp(BigInteger value, long alignment) {
    BigInteger a = BigInteger.valueOf(alignment);
    BigInteger[] qr = value.divideAndRemainder(a);
    return qr[1].signum() == 0 ? value : qr[0].add(BigInteger.ONE).multiply(a);
  }

  private void add(ConfigRule rule, String message, Integer disk, String partition, List<String> images) {
    findings.add(new VmConfigAudit.Finding(rule, message, disk, partition, images));
  }
}
