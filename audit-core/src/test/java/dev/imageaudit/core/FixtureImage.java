package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** The one-file audit of a committed fixture (src/test/resources/fixtures), as a user's code makes it. */
final class FixtureImage {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  private FixtureImage() {}

  /** Returns the audit of {@code fixtures/<format>/<name>}, which must be an image. */
  static AuditEntry.Image audit(String format, String name) {
    AuditEntry entry = ImageAudit.auditFile(FIXTURES.resolve(format).resolve(name));
    assertThat(entry).as(name).isInstanceOf(AuditEntry.Image.class);
    return (AuditEntry.Image) entry;
  }
}
