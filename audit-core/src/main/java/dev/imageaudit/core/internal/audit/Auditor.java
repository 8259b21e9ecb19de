package dev.imageaudit.core.internal.audit;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.Verdict;
import dev.imageaudit.core.internal.avf.AvfPartitionHazards;
import dev.imageaudit.core.internal.avf.CrosvmDiskRules;
import dev.imageaudit.core.internal.avf.VirtmgrPartitionRules;
import dev.imageaudit.core.internal.format.CappedList;
import dev.imageaudit.core.internal.format.DetailsBudget;
import dev.imageaudit.core.internal.format.Detection;
import dev.imageaudit.core.internal.format.Formats;
import dev.imageaudit.core.internal.format.Probe;
import dev.imageaudit.core.internal.source.Caps;
import dev.imageaudit.core.internal.source.ChannelSource;
import dev.imageaudit.core.internal.source.Failures;
import dev.imageaudit.core.internal.source.ImageSource;
import dev.imageaudit.core.internal.source.LinuxFiles;
import dev.imageaudit.core.internal.source.WalkItem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Audits one file: opens it read-only, reads its head once, names its format and applies the AVF
 * rules. Never throws: every failure becomes an {@link AuditEntry.Failed}.
 */
public final class Auditor {

  private static final OpenOption[] READ_NOFOLLOW = {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
  private static final OpenOption[] READ = {StandardOpenOption.READ};

  private Auditor() {}

  /**
   * Audits the file the walk found.
   *
   * @param item what to open and how to name it
   */
  public static AuditEntry audit(WalkItem.Open item) {
    return audit(item, Set.of());
  }

  /**
   * As {@link #audit(WalkItem.Open)}; an image carrying one of {@code hashHead}'s flags also gets
   * {@value #HEAD_SHA256} in its details: the SHA-256 of its first {@value #HEAD_SHA256_BYTES} bytes
   * (one more read of at most that much, from the descriptor already open, within the per-file
   * read cap).
   */
  public static AuditEntry audit(WalkItem.Open item, Set<Flag> hashHead) {
    if (LinuxFiles.AVAILABLE) {
      return NativeOpen.audit(item, hashHead);
    }
    // Elsewhere the JDK's open: it may block on a FIFO swapped in after the walk (see NativeOpen).
    try (FileChannel channel = FileChannel.open(item.path(), item.followLinks() ? READ : READ_NOFOLLOW)) {
      long size = channel.size();
      ImageSource source = new ChannelSource(channel, size, Caps.PER_FILE, Formats.plan(size));
      // A file the walk typed from its directory listing was not stat-ed: the open file says its size.
      long statSize = item.statSize() == WalkItem.Open.SIZE_UNKNOWN ? size : item.statSize();
      return judge(item.display(), item.target(), source, statSize, hashHead);
    } catch (IOException e) {
      return Failures.of(item.display(), item.target(), e);
    } catch (RuntimeException e) {
      // A defect here must not end the run: the path is reported with it and the audit goes on.
      return new AuditEntry.Failed(item.display(), item.target(), ErrorKind.INTERNAL, String.valueOf(e));
    }
  }

  /**
   * Judges an image from its bytes. What it keeps is bounded whatever the bytes say: each list a
   * file can make long is capped by its detector ({@link CappedList}), the text by {@link
   * DetailsBudget}. A file that changed under its reads is flagged {@code changed-during-audit}.
   *
   * @param display the report's name for it
   * @param target a descriptor's resolved target, or {@code null}
   * @param source its bytes
   * @param statSize its st_size, which virtmgr takes as a raw partition's size
   */
  public static AuditEntry.Image judge(String display, String target, ImageSource source, long statSize)
      throws IOException {
    return judge(display, target, source, statSize, Set.of());
  }

  /** The details key of an image's head hash (see {@link #audit(WalkItem.Open, boolean)}). */
  public static final String HEAD_SHA256 = "headSha256";

  /** How much of an image's head {@link #HEAD_SHA256} covers: 64 KiB (less for a smaller file). */
  public static final int HEAD_SHA256_BYTES = 64 * 1024;

  /**
   * As {@link #judge(String, String, ImageSource, long)}; adds {@value #HEAD_SHA256} to an image
   * carrying one of {@code hashHead}'s flags.
   */
  public static AuditEntry.Image judge(String display, String target, ImageSource source, long statSize,
      Set<Flag> hashHead) throws IOException {
    long fileSize = source.size();
    // A block device may report st_size 0 yet hold data: read the whole head window whatever the size says.
    int want = statSize > 0 ? (int) Math.min(Caps.HEAD, statSize) : Caps.HEAD;
    Buffers buffers = Buffers.PER_THREAD.get();
    byte[] head = source.read(0, want, buffers.head);
    Probe probe = new Probe(head, source, fileSize, buffers.tail);
    List<Detection> matches = Formats.detectAll(probe);
    Detection detection = Formats.choose(probe, matches);
    VirtmgrPartitionRules.Outcome partition = VirtmgrPartitionRules.judge(head, statSize);
    Verdict disk = CrosvmDiskRules.judge(probe, matches);
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    flags.addAll(detection.flags());
    if (partition.verdict().decision() == Verdict.Decision.REJECTED) {
      flags.add(Flag.UNSUPPORTED_PARTITION_IMAGE);
    }
    if (disk.decision() == Verdict.Decision.REJECTED) {
      flags.add(Flag.CROSVM_UNSUPPORTED);
    }
    flags.addAll(AvfPartitionHazards.flags(
        partition.type(), CrosvmDiskRules.detectImageType(head, fileSize), statSize, fileSize));
    ImageDetails details = DetailsBudget.bound(detection.details());
    if (!hashHead.isEmpty() && !java.util.Collections.disjoint(flags, hashHead)) {
      details = details.withNote(HEAD_SHA256, headSha256(head, source, fileSize));
    }
    if (source.changed()) {
      flags.add(Flag.CHANGED_DURING_AUDIT);
    }
    return new AuditEntry.Image(
        display,
        target,
        detection.format(),
        fileSize,
        detection.virtualSize(),
        partition.partitionSize(),
        DetailsBudget.bound(partition.verdict()),
        DetailsBudget.bound(disk),
        flags,
        details,
        source.bytesRead());
  }

  /**
   * The head and tail arrays of the file this thread audits, reused file after file: nothing of an
   * entry refers to them once it is made (details hold strings and numbers read out of the bytes).
   */
  private static final class Buffers {
    static final ThreadLocal<Buffers> PER_THREAD = ThreadLocal.withInitial(Buffers::new);
    final byte[] head = new byte[Caps.HEAD];
    final byte[] tail = new byte[Caps.TAIL];
  }

  /** Hashes the first {@link #HEAD_SHA256_BYTES} of the file, reusing {@code head} when it holds them all. */
  private static String headSha256(byte[] head, ImageSource source, long fileSize) throws IOException {
    int n = (int) Math.min(HEAD_SHA256_BYTES, fileSize > 0 ? fileSize : HEAD_SHA256_BYTES);
    byte[] bytes = n <= head.length ? head : source.read(0, n);
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(bytes, 0, Math.min(n, bytes.length));
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
