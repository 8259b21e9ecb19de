package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.internal.audit.Auditor;
import dev.imageaudit.core.internal.source.ByteArraySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Audits files, the committed fixtures among them, through the public one-file audit. */
final class FixtureAudits {

  /** The fixtures' folder, one sub-folder a format (named by its id), each made by its make.sh. */
  static final Path ROOT = Path.of("src/test/resources/fixtures");

  private FixtureAudits() {}

  /** Returns the audit of {@code fixtures/<format>/<name>}, having checked that it names {@code format}. */
  static AuditEntry.Image audit(ImageFormat format, String name) {
    AuditEntry.Image image = fixture(format.id(), name);
    assertThat(image.format()).as(name).isEqualTo(format);
    return image;
  }

  /** Returns the audit of the fixture {@code name} of {@code format}, which must be an image. */
  static AuditEntry.Image fixture(String format, String name) {
    return image(ROOT.resolve(format).resolve(name));
  }

  /** Returns the audit of {@code path}, which must be an image. */
  static AuditEntry.Image image(Path path) {
    AuditEntry entry = ImageAudit.auditFile(path);
    assertThat(entry).as(path.toString()).isInstanceOf(AuditEntry.Image.class);
    return (AuditEntry.Image) entry;
  }

  /** Returns the audit, in memory, of the first {@code length} bytes of {@code fixtures/<format>/<name>}. */
  static AuditEntry.Image auditFirstBytes(String format, String name, int length) throws IOException {
    byte[] cut = Arrays.copyOf(Files.readAllBytes(ROOT.resolve(format).resolve(name)), length);
    return Auditor.judge(name, null, new ByteArraySource(cut), cut.length);
  }
}
