package dev.imageaudit.examples;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.Qcow2Details;
import dev.imageaudit.core.ScanOptions;
import dev.imageaudit.core.Verdict;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Using audit-core as a library: will virtmgr take these files as partition images?
 *
 * <p>Files are audited one by one, synchronously ({@link ImageAudit#auditFile}); directories are
 * scanned with the Reactor pipeline ({@link ImageAudit#report}). Prints one line per image and
 * exits 1 if any would be refused. A refused qcow2 image names its backing file, read from its typed
 * details ({@link Qcow2Details}): the file to convert with it.
 *
 * <pre>
 * java -cp ... dev.imageaudit.examples.PartitionCheck examples/image-store/system.simg examples/image-store
 * </pre>
 */
public final class PartitionCheck {

  private PartitionCheck() {}

  public static void main(String[] args) {
    System.exit(check(Arrays.stream(args).map(Path::of).toList(), System.out));
  }

  /** Prints a verdict per image under {@code paths} and returns 1 if any is not accepted, else 0. */
  static int check(List<Path> paths, PrintStream out) {
    boolean allAccepted = true;
    for (Path path : paths) {
      List<AuditEntry> entries;
      if (path.toFile().isDirectory()) {
        AuditReport report =
            ImageAudit.report(List.of(new AuditInput.PathInput(path)), ScanOptions.defaults()).block();
        entries = report.entries();
      } else {
        entries = List.of(ImageAudit.auditFile(path));
      }
      for (AuditEntry entry : entries) {
        allAccepted &= print(entry, out);
      }
    }
    return allAccepted ? 0 : 1;
  }

  private static boolean print(AuditEntry entry, PrintStream out) {
    if (entry instanceof AuditEntry.Image image) {
      Verdict verdict = image.partition();
      if (verdict.decision() == Verdict.Decision.ACCEPTED) {
        out.printf("%s: %s, partition of %s bytes%n", image.path(), image.format().id(), image.partitionSize());
        return true;
      }
      String backing = image.details().header() instanceof Qcow2Details qcow2 && qcow2.backingFile() != null
          ? " (backed by " + qcow2.backingFile() + ")" : "";
      out.printf("%s: %s, %s: %s%s%n", image.path(), image.format().id(), verdict.decision().id(), verdict.reason(),
          backing);
      return false;
    }
    if (entry instanceof AuditEntry.Skipped skipped) {
      out.printf("%s: skipped (%s)%n", skipped.path(), skipped.reason().id());
      return true;
    }
    AuditEntry.Failed failed = (AuditEntry.Failed) entry;
    out.printf("%s: error %s: %s%n", failed.path(), failed.kind().id(), failed.message());
    return false;
  }
}
