package dev.imageaudit.report;

import dev.imageaudit.core.ImageDetails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.AuditReport;
import dev.imageaudit.core.ErrorKind;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.RunEnd;
import dev.imageaudit.core.RunStart;
import dev.imageaudit.core.ScanOptions;
import dev.imageaudit.core.SkipReason;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.Verdict;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** decode(encode(e)) encodes to the same bytes: the reader gives back exactly what was written. */
class JsonLinesDecoderTest {

  private static void assertRoundTrip(AuditEntry entry) {
    byte[] line = JsonLinesEncoder.encode(entry);
    AuditEntry decoded = JsonLinesDecoder.decodeEntry(new String(line, StandardCharsets.UTF_8));
    assertThat(new String(JsonLinesEncoder.encode(decoded), StandardCharsets.UTF_8))
        .isEqualTo(new String(line, StandardCharsets.UTF_8));
    assertThat(JsonLinesEncoder.encode(decoded)).isEqualTo(line);
    assertThat(decoded.getClass()).isEqualTo(entry.getClass());
    assertThat(decoded.path()).isEqualTo(JsonSupport.wellFormed(entry.path()));
  }

  @Test
  void everyFixtureEntryRoundTrips() {
    Fixtures.entries().forEach(JsonLinesDecoderTest::assertRoundTrip);
    HostileNamesTest.report().entries().forEach(JsonLinesDecoderTest::assertRoundTrip);
    for (long i = 0; i < 200; i++) {
      assertRoundTrip(SyntheticEntries.entry(i));
    }
  }

  @Test
  void fixtureEntriesComeBackEqual() {
    // Values that print the same but differ in Java (Integer vs Long) aside, records compare equal.
    AuditEntry raw = Fixtures.raw("store/raw.img", 4096);
    assertThat(JsonLinesDecoder.decodeEntry(new String(JsonLinesEncoder.encode(raw), StandardCharsets.UTF_8)))
        .isEqualTo(raw);
    AuditEntry failed = new AuditEntry.Failed("fd:3", "/dev/sdz", ErrorKind.TIMEOUT, "no answer", null);
    assertThat(JsonLinesDecoder.decodeEntry(new String(JsonLinesEncoder.encode(failed), StandardCharsets.UTF_8)))
        .isEqualTo(failed);
  }

  @Test
  void hostileNamesAndInvalidUtf8RoundTrip() {
    byte[] bad = {'a', (byte) 0xff, '\n', (byte) 0xc3, '<', '/', 's', '>'};
    String shown = "a\\xff\n\\xc3</s>";
    String b64 = Base64.getEncoder().encodeToString(bad);
    List<AuditEntry> entries = new ArrayList<>();
    for (String name :
        List.of(shown, "\u0000\u0001\u001b[31m\u007f", "line\r\nbreak", "\u2028\u2029\"\\", "<img src=x onerror=alert(1)>",
            "half\ud800surrogate", "emoji\ud83d\ude00", "\u202Efdp.exe")) {
      entries.add(Fixtures.raw(name, 512).withPathBytes(b64));
      entries.add(new AuditEntry.Skipped(name, name, SkipReason.SOCKET, b64));
      entries.add(new AuditEntry.Failed(name, null, ErrorKind.INTERNAL, "boom: " + name, null));
    }
    entries.forEach(JsonLinesDecoderTest::assertRoundTrip);
    AuditEntry decoded =
        JsonLinesDecoder.decodeEntry(new String(JsonLinesEncoder.encode(entries.get(0)), StandardCharsets.UTF_8));
    assertThat(Base64.getDecoder().decode(decoded.pathBytes())).isEqualTo(bad);
  }

  @Test
  void unsignedValuesPast2To63RoundTripExactly() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("max", U64.of(-1L));
    details.put("half", U64.of(Long.MIN_VALUE));
    details.put("small", U64.of(7));
    details.put("huge", new BigInteger("123456789012345678901234567890"));
    details.put("negative", -5L);
    details.put("ratio", 0.5d);
    details.put("nested", List.of(Map.of("offset", U64.of(-2L)), List.of(1, 2.25d, "x", true)));
    AuditEntry.Image image =
        new AuditEntry.Image("big.qcow2", null, ImageFormat.QCOW2, Long.MAX_VALUE, U64.of(-1L), U64.of(Long.MIN_VALUE),
            Verdict.rejected("too big"), Verdict.error("cannot"), Set.of(Flag.TRUNCATED, Flag.DIRTY), ImageDetails.recorded(details), 0);
    assertRoundTrip(image);
    AuditEntry.Image decoded = (AuditEntry.Image)
        JsonLinesDecoder.decodeEntry(new String(JsonLinesEncoder.encode(image), StandardCharsets.UTF_8));
    assertThat(decoded.virtualSize()).isEqualTo(U64.of(-1L));
    assertThat(decoded.partitionSize().toString()).isEqualTo("9223372036854775808");
    assertThat(decoded.details().toMap().get("max")).isEqualTo(U64.of(-1L));
    assertThat(decoded.flags()).containsExactly(Flag.DIRTY, Flag.TRUNCATED);
  }

  @Test
  void realScanOfTheExampleStoreRoundTrips() {
    AuditReport report =
        ImageAudit.report(List.of(new AuditInput.PathInput(Path.of("../examples/image-store"))), ScanOptions.defaults())
            .block();
    assertThat(report.entries()).hasSizeGreaterThan(10);
    report.entries().forEach(JsonLinesDecoderTest::assertRoundTrip);
  }

  @Test
  void summaryRecordRoundTripsWithConfigs() {
    AuditReport report = Fixtures.report();
    RunStart start = new RunStart(report.toolVersion(), report.startedAt(), report.inputs());
    RunEnd end = new RunEnd(report.finishedAt(), report.summary(), report.configs(), "SIGTERM");
    byte[] line = JsonLinesEncoder.encode(start, end);
    JsonLinesDecoder.Line decoded = JsonLinesDecoder.decode(line, 0, line.length);
    assertThat(decoded).isInstanceOf(JsonLinesDecoder.SummaryLine.class);
    JsonLinesDecoder.SummaryLine summary = (JsonLinesDecoder.SummaryLine) decoded;
    assertThat(summary.start()).isEqualTo(start);
    assertThat(summary.end()).isEqualTo(end);
    assertThat(JsonLinesEncoder.encode(summary.start(), summary.end())).isEqualTo(line);
  }

  @Test
  void linesThatAreNotReportLinesAreRefusedWithAReason() {
    assertThatThrownBy(() -> JsonLinesDecoder.decode("[1]"))
        .isInstanceOf(JsonLinesDecoder.MalformedLineException.class);
    assertThatThrownBy(() -> JsonLinesDecoder.decode("{\"path\":"))
        .isInstanceOf(JsonLinesDecoder.MalformedLineException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> JsonLinesDecoder.decode("{\"path\":\"a\",\"format\":\"floppy\",\"avf\":{},\"flags\":[]}"))
        .isInstanceOf(JsonLinesDecoder.MalformedLineException.class)
        .hasMessageContaining("floppy");
  }
}
