package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.internal.Auditor;
import dev.imageaudit.core.internal.ByteArraySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The one-file audit of a committed fixture (src/test/resources/fixtures), as a user's code makes
 * it, and the audit of a fixture's first bytes only, as a file cut short would be read.
 */
final class FixtureImage {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  private FixtureImage() {}

  /** Returns the audit of {@code fixtures/<format>/<name>}, which must be an image. */
  static AuditEntry.Image audit(String format, String name) {
    AuditEntry entry = ImageAudit.auditFile(FIXTURES.resolve(format).resolve(name));
    assertThat(entry).as(name).isInstanceOf(AuditEntry.Image.class);
    return (AuditEntry.Image) entry;
  }

  /** Returns the audit, in memory, of the first {@code length} bytes of {@code fixtures/<format>/<name>}. */
  static AuditEntry.Image auditFirstBytes(String format, String name, int length) throws IOException {
    byte[] cut = Arrays.copyOf(Files.readAllBytes(FIXTURES.resolve(format).resolve(name)), length);
    return Auditor.judge(name, null, new ByteArraySource(cut), cut.length);
  }
}
