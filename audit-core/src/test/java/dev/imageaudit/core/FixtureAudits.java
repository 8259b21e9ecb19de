package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;

/** Audits the committed fixtures through the public one-file audit, for the typed details tests. */
final class FixtureAudits {

  /** The fixtures, one folder per format, named by the format's id. */
  static final Path ROOT = Path.of("src/test/resources/fixtures");

  private FixtureAudits() {}

  /** Returns the audit of {@code fixtures/<format>/<name>}, having checked that it names {@code format}. */
  static AuditEntry.Image audit(ImageFormat format, String name) throws IOException {
    AuditEntry entry = ImageAudit.auditFile(ROOT.resolve(format.id()).resolve(name));
    assertThat(entry).as(name).isInstanceOf(AuditEntry.Image.class);
    AuditEntry.Image image = (AuditEntry.Image) entry;
    assertThat(image.format()).as(name).isEqualTo(format);
    return image;
  }
}
