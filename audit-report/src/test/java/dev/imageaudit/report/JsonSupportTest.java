package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;

/** Strings as the reports write them: the same bytes as Jackson writes for their well-formed form. */
class JsonSupportTest {

  /** Characters a string is made of: printable ASCII, what JSON escapes, '?', Latin-1, other BMP, surrogates. */
  private static final char[] ALPHABET = {
    'a', 'Z', '0', '/', '.', '-', ' ', '~', '?', '"', '\\', '\n', '\t', '\u0000', '\u001f', '\u007f',
    '\u00e9', '\u00ff', '\u0141', '\u20ac', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff'
  };

  @Test
  void everyStringIsWrittenAsJacksonWritesItsWellFormedForm() {
    Random random = new Random(20261203);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(i % 10 == 0 ? 1_500 : 40);
      // Mostly plain ASCII, as real paths are, with now and then a character of another kind.
      for (int c = 0; c < length; c++) {
        s.append(random.nextInt(8) == 0 ? ALPHABET[random.nextInt(ALPHABET.length)] : (char) (' ' + random.nextInt(95)));
      }
      String value = s.toString();
      assertThat(written(value)).as("%s", value.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(byJackson(value));
    }
  }

  @Test
  void plainAsciiAndItsNeighboursAreWrittenExactly() {
    for (String value : new String[] {"", "a", "store/disk.qcow2", "what?", "quote\"d", "back\\slash", "del\u007f",
        "tab\t", "caf\u00e9", "bad\ud800name.img", "pair\ud83d\ude00"}) {
      assertThat(written(value)).as(value).isEqualTo(byJackson(value));
    }
  }

  private static byte[] written(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonSupport.generator(out, null)) {
      JsonSupport.writeString(g, value);
    }
    return out.toByteArray();
  }

  private static byte[] byJackson(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonSupport.generator(out, null)) {
      g.writeString(JsonSupport.wellFormed(value));
    }
    return out.toByteArray();
  }
}
