package dev.imageaudit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.U64;
import dev.imageaudit.core.VmdkDetails.Extent;
import java.math.BigInteger;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link VmdkDescriptor#extent}: the hand-written scan of an extent line against the regular
 * expression it replaced, which stays here as the reference.
 */
class VmdkDescriptorTest {

  // The grammar as it was parsed before: ACCESS SECTORS TYPE ["FILE" [OFFSET]], whole line.
  private static final Pattern EXTENT =
      Pattern.compile("(\\S+)[ \\t]+(\\S+)[ \\t]+(\\S+)(?:[ \\t]+\"([^\"]*)\"(?:[ \\t]+(\\S+))?)?[ \\t]*");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}");
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private static Extent reference(String line) {
    Matcher m = EXTENT.matcher(line);
    if (!m.matches()) {
      return null;
    }
    U64 sectors = referenceDecimal(m.group(2));
    if (sectors == null) {
      return null;
    }
    String type = m.group(3);
    String file = m.group(4);
    U64 offset = null;
    if (m.group(5) != null) {
      offset = referenceDecimal(m.group(5));
      if (offset == null) {
        return null;
      }
    }
    if ((type.equals("FLAT") && offset == null) || (file == null && !type.equals("ZERO"))) {
      return null;
    }
    return new Extent(m.group(1), sectors, type, file, offset);
  }

  private static U64 referenceDecimal(String s) {
    if (!DECIMAL.matcher(s).matches()) {
      return null;
    }
    BigInteger value = new BigInteger(s);
    return value.compareTo(U64_MAX) > 0 ? null : U64.of(value.longValue());
  }

  @Test
  void parsesTheExtentLinesQemuWrites() {
    assertThat(VmdkDescriptor.extent("RW 2097152 SPARSE \"disk-s001.vmdk\""))
        .isEqualTo(new Extent("RW", U64.of(2097152), "SPARSE", "disk-s001.vmdk", null));
    assertThat(VmdkDescriptor.extent("RW 2048 FLAT \"a b.img\" 0"))
        .isEqualTo(new Extent("RW", U64.of(2048), "FLAT", "a b.img", U64.of(0)));
    assertThat(VmdkDescriptor.extent("RDONLY 18446744073709551615\tZERO"))
        .isEqualTo(new Extent("RDONLY", U64.of(-1), "ZERO", null, null));
  }

  @Test
  void sumsSectorsPastTwoToThe64Exactly() {
    String text =
        "# Disk DescriptorFile\nversion=1\n"
            + "RW 18446744073709551615 SPARSE \"a.vmdk\"\n"
            + "RW 18446744073709551615 SPARSE \"b.vmdk\"\n"
            + "RDONLY 3 SPARSE \"c.vmdk\"\n"
            + "RW 5 ZERO\n";
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    VmdkDescriptor descriptor = VmdkDescriptor.parse(bytes, 0, bytes.length);
    BigInteger max = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
    assertThat(descriptor.extentCount()).isEqualTo(4);
    assertThat(descriptor.qemuSectors()).isEqualTo(max.add(max));
    assertThat(descriptor.allSectors()).isEqualTo(max.add(max).add(BigInteger.valueOf(8)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "RW 18446744073709551616 ZERO", // one past the largest u64
        "RW 000000000000000000001 ZERO", // 21 digits
        "RW +5 ZERO",
        "RW \u0665 ZERO", // an Arabic-Indic digit: not ASCII
        "RW 5 FLAT \"f\"", // a flat extent without its offset
        "RW 5 SPARSE", // no file
        "RW 5 SPARSE \"f\"x",
        "RW 5 SPARSE \"f",
        "RW 5 SPARSE\r\"f\"",
        "RW 5 FLAT \"f\" 1 2",
        "RW 5 FLAT \"f\" 1\u000b",
      })
  void refusesWhatTheGrammarDoesNot(String line) {
    assertThat(VmdkDescriptor.extent(line)).isNull();
    assertThat(reference(line)).isNull();
  }

  /**
   * Random lines shaped like extent lines, slot by slot (access, blanks, sectors, blanks, type,
   * blanks, file, blanks, offset, trailing blanks), each slot now and then something else: both
   * parsers give the same answer.
   */
  @Test
  void agreesWithTheRegularExpressionOnRandomLines() {
    String[] access = {"RW", "RDONLY", "NOACCESS", "R\"W"};
    String[] blanks = {" ", "\t", "  ", " \t", ""};
    String[] numbers = {"0", "7", "2048", "18446744073709551615", "18446744073709551616", "00000000000000000001",
      "000000000000000000001", "-1", "+5", "\u0663", "1x"};
    String[] types = {"FLAT", "SPARSE", "ZERO", "VMFS", "FLAT\"x\""};
    String[] files = {"\"disk.img\"", "\"a b\"", "\"\"", "\"a\tb\"", "\"open", "\"\r\""};
    String[] junk = {"\"", "\r", "\u000b", "\f", "\u00a0", "x", "=", "\n", " \"", "\" "};
    String[][] slots = {access, blanks, numbers, blanks, types, blanks, files, blanks, numbers, blanks};
    Random random = new Random(20261203);
    int parsed = 0;
    for (int i = 0; i < 100_000; i++) {
      StringBuilder line = new StringBuilder();
      int count = 1 + random.nextInt(slots.length);
      for (int slot = 0; slot < count; slot++) {
        String[] pool = random.nextInt(8) == 0 ? junk : slots[slot];
        line.append(pool[random.nextInt(pool.length)]);
      }
      String stripped = line.toString().strip(); // as the descriptor parser hands lines over
      Extent expected = reference(stripped);
      assertThat(VmdkDescriptor.extent(stripped)).as("line [%s]", stripped).isEqualTo(expected);
      parsed += expected == null ? 0 : 1;
    }
    // The lines must reach the interesting cases, not all fail at the first word.
    assertThat(parsed).isGreaterThan(2_000); // 2,762 with this seed
  }
}
