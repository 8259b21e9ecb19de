package dev.imageaudit.report;

import dev.imageaudit.core.AuditEntry;
import dev.imageaudit.core.Flag;
import dev.imageaudit.core.U64;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonWriteFeature;
import java.io.OutputStream;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.Instantiatable;

/**
 * The one place that writes an entry as a report's image object, shared by {@link JsonReport} and
 * {@link JsonLinesReport} so both formats always carry the same shape.
 */
final class JsonSupport {

  /**
   * Shared and thread-safe. Only jackson-core: the reports are written token by token, so no data
   * binding is needed, and a databind mapper would load some 400 classes on every run.
   */
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          // Paths are full of slashes; "a\/b" is valid JSON but hard to read and to grep.
          .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
          // The caller owns the stream (stdout, a temp file): flush it, never close it.
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          // A write that fails halfway must not be "repaired" into valid-looking truncated JSON.
          .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  /** Returns a generator over {@code out} in UTF-8, indented by {@code pretty} (null: compact, no root separator). */
  static JsonGenerator generator(OutputStream out, PrettyPrinter pretty) {
    ObjectWriteContext context =
        new ObjectWriteContext.Base() {
          @Override
          public PrettyPrinter getPrettyPrinter() {
            return pretty == null ? null : (PrettyPrinter) ((Instantiatable<?>) pretty).createInstance();
          }

          @Override
          public boolean hasPrettyPrinter() {
            return pretty != null;
          }

          @Override
          public SerializableString getRootValueSeparator(SerializableString defaultSeparator) {
            // Each line is ended explicitly, the last one too.
            return pretty == null ? null : defaultSeparator;
          }
        };
    return FACTORY.createGenerator(context, out, JsonEncoding.UTF8);
  }

  /**
   * The keys of an image object, encoded once: Jackson then copies their bytes instead of checking
   * and encoding each key's characters for every entry (about a fifth of the writing, profiled).
   */
  private static final SerializableString PATH = new SerializedString("path");
  private static final SerializableString PATH_BYTES = new SerializedString("pathBytes");
  private static final SerializableString TARGET = new SerializedString("target");
  private static final SerializableString FORMAT = new SerializedString("format");
  private static final SerializableString AVF = new SerializedString("avf");
  private static final SerializableString PARTITION = new SerializedString("partition");
  private static final SerializableString REASON = new SerializedString("reason");
  private static final SerializableString DISK = new SerializedString("disk");
  private static final SerializableString DISK_REASON = new SerializedString("diskReason");
  private static final SerializableString FLAGS = new SerializedString("flags");
  private static final SerializableString DETAILS = new SerializedString("details");
  private static final SerializableString BYTES_READ = new SerializedString("bytesRead");
  private static final SerializableString SKIP = new SerializedString("skip");
  private static final SerializableString ERROR = new SerializedString("error");
  private static final SerializableString KIND = new SerializedString("kind");
  private static final SerializableString MESSAGE = new SerializedString("message");
  private static final SerializableString FAILING = new SerializedString("failing");
  private static final SerializableString WAIVED = new SerializedString("waived");
  private static final U64Name FILE_SIZE = new U64Name("fileSize");
  private static final U64Name VIRTUAL_SIZE = new U64Name("virtualSize");
  private static final U64Name PARTITION_SIZE = new U64Name("partitionSize");

  /** A u64 property's key, encoded once, and as text for its rare {@code <key>Exact} twin. */
  private record U64Name(SerializableString encoded, String name) {
    U64Name(String name) {
      this(new SerializedString(name), name);
    }
  }

  private JsonSupport() {}

  /**
   * Writes {@code entry} as one image object. Every key is written for every kind of entry, null
   * (or an empty list or object) where it does not apply, so scripts never meet a missing key.
   */
  static void writeEntry(JsonGenerator g, AuditEntry entry) {
    writeEntry(g, entry, EntryPolicy.NONE);
  }

  /**
   * Writes {@code entry} as one image object, with what the run's policy made of its flags: {@code
   * failing} (flag ids that fail the run) and {@code waived} ({@code {"flag", "waiver"}}, the
   * waiver's index in the summary's {@code policy.waivers}), both always present.
   */
  static void writeEntry(JsonGenerator g, AuditEntry entry, EntryPolicy policy) {
    AuditEntry.Image image = entry instanceof AuditEntry.Image i ? i : null;
    // One thread-local lookup an entry, not one a string: under C1 each costs a native call.
    DetailsWriter fields = DETAILS_WRITER.get();
    char[] chars = fields.chars;
    g.writeStartObject();
    g.writeName(PATH);
    writeString(g, entry.path(), chars);
    g.writeName(PATH_BYTES);
    writeString(g, entry.pathBytes(), chars);
    g.writeName(TARGET);
    writeString(g, entry.target(), chars);
    g.writeName(FORMAT);
    writeString(g, image == null ? null : image.format().id(), chars);
    writeU64Property(g, FILE_SIZE, image == null ? null : U64.of(image.fileSize()));
    writeU64Property(g, VIRTUAL_SIZE, image == null ? null : image.virtualSize());
    writeU64Property(g, PARTITION_SIZE, image == null ? null : image.partitionSize());

    g.writeName(AVF);
    g.writeStartObject();
    g.writeName(PARTITION);
    writeString(g, image == null ? null : image.partition().decision().id(), chars);
    g.writeName(REASON);
    writeString(g, image == null ? null : image.partition().reason(), chars);
    g.writeName(DISK);
    writeString(g, image == null ? null : image.disk().decision().id(), chars);
    g.writeName(DISK_REASON);
    writeString(g, image == null ? null : image.disk().reason(), chars);
    g.writeEndObject();

    g.writeName(FLAGS);
    g.writeStartArray();
    if (image != null) {
      for (Flag flag : image.flags()) { // a loop, not forEach: no lambda captured per entry
        g.writeString(flag.id());
      }
    }
    g.writeEndArray();

    g.writeName(DETAILS);
    g.writeStartObject();
    if (image != null) {
      // Field by field from the typed details: no map is built for the entry (FormatDetails#forEachField).
      fields.g = g;
      try {
        image.details().forEachField(fields);
      } finally {
        fields.g = null;
      }
    }
    g.writeEndObject();

    g.writeName(BYTES_READ);
    if (image == null) {
      g.writeNull();
    } else {
      g.writeNumber(image.bytesRead());
    }

    g.writeName(SKIP);
    writeString(g, entry instanceof AuditEntry.Skipped skip ? skip.reason().id() : null, chars);

    g.writeName(ERROR);
    if (entry instanceof AuditEntry.Failed failure) {
      g.writeStartObject();
      g.writeName(KIND);
      writeString(g, failure.kind().id(), chars);
      g.writeName(MESSAGE);
      writeString(g, failure.message(), chars);
      g.writeEndObject();
    } else {
      g.writeNull();
    }

    g.writeName(FAILING);
    g.writeStartArray();
    for (int i = 0; i < policy.failing().size(); i++) {
      g.writeString(policy.failing().get(i).id());
    }
    g.writeEndArray();
    g.writeName(WAIVED);
    g.writeStartArray();
    for (int i = 0; i < policy.waived().size(); i++) {
      EntryPolicy.Waived w = policy.waived().get(i);
      g.writeStartObject();
      g.writeStringProperty("flag", w.flag().id());
      g.writeNumberProperty("waiver", w.waiver().index());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** The largest integer every IEEE double (a JavaScript number) holds exactly: 2^53. */
  static final long MAX_EXACT_DOUBLE = 1L << 53;

  /**
   * Writes {@code name: value} (an exact JSON integer, or null) and, only when the value is above
   * 2^53 (where a JavaScript number would round it), also {@code nameExact: "decimal string"}.
   */
  static void writeU64Property(JsonGenerator g, String name, U64 value) {
    g.writeName(name);
    writeU64(g, value);
    writeExactTwin(g, name, value);
  }

  private static void writeU64Property(JsonGenerator g, U64Name name, U64 value) {
    g.writeName(name.encoded());
    writeU64(g, value);
    writeExactTwin(g, name.name(), value);
  }

  private static void writeExactTwin(JsonGenerator g, String name, U64 value) {
    if (value != null && Long.compareUnsigned(value.bits(), MAX_EXACT_DOUBLE) > 0) {
      g.writeStringProperty(name + "Exact", value.toString());
    }
  }

  /** Writes one member of a details object: its key, its value and, for a u64 past 2^53, its exact twin. */
  private static void writeField(JsonGenerator g, String name, Object value, char[] chars) {
    SerializableString key = key(name);
    g.writeName(key);
    writeValue(g, value, chars);
    if (value instanceof U64 u) {
      writeExactTwin(g, key.getValue(), u);
    }
  }

  /** Writes the fields an entry's details hand it to the generator set for that entry. */
  private static final class DetailsWriter implements BiConsumer<String, Object> {
    /** This thread's array for strings (see {@link #writeString(JsonGenerator, String, char[])}). */
    final char[] chars = new char[CHARS];
    JsonGenerator g;

    @Override
    public void accept(String key, Object value) {
      writeField(g, key, value, chars);
    }
  }

  private static final ThreadLocal<DetailsWriter> DETAILS_WRITER = ThreadLocal.withInitial(DetailsWriter::new);

  /** At most this many detail keys are kept encoded: the format's own names, a few dozen in all. */
  private static final int KEYS_KEPT = 1024;

  private static final ConcurrentHashMap<String, SerializableString> KEYS = new ConcurrentHashMap<>();

  /**
   * Returns {@code key} made well-formed and encoded, once per distinct key: details repeat the same
   * few names entry after entry. Keys read from an image (VHDX parent locators) may be new each
   * time, so the kept set is bounded; past it a key is encoded for its one use.
   */
  private static SerializableString key(String key) {
    SerializableString encoded = KEYS.get(key);
    if (encoded == null) {
      encoded = new SerializedString(wellFormed(key));
      if (KEYS.size() < KEYS_KEPT) {
        KEYS.putIfAbsent(key, encoded);
      }
    }
    return encoded;
  }

  /** Strings up to this length are checked and written through one reused array per thread. */
  private static final int CHARS = 1024;

  /** Writes a string, or null; see {@link #wellFormed}. */
  static void writeString(JsonGenerator g, String value) {
    writeString(g, value, null);
  }

  /** As above, through {@code chars} ({@link #CHARS} long), or this thread's array when null. */
  private static void writeString(JsonGenerator g, String value, char[] chars) {
    if (value == null) {
      g.writeNull();
      return;
    }
    int length = value.length();
    if (length <= CHARS) {
      // Copied out once, checked over the array and handed to Jackson as it is: a loop of charAt
      // calls was about 3% of a 1m run's CPU under C1, and Jackson copied the characters out again.
      char[] copy = copied(value, chars);
      if (!hasSurrogate(copy, length)) {
        g.writeString(copy, 0, length);
        return;
      }
    }
    g.writeString(wellFormed(value));
  }

  /**
   * Returns {@code chars}, or this thread's array when null ({@link #CHARS} long either way), holding
   * {@code s} (at most that long) from its start.
   */
  private static char[] copied(String s, char[] chars) {
    // One per-thread array serves both: each use is over before the next one copies into it.
    char[] into = chars != null ? chars : DETAILS_WRITER.get().chars;
    s.getChars(0, s.length(), into, 0);
    return into;
  }

  private static boolean hasSurrogate(char[] chars, int length) {
    for (int i = 0; i < length; i++) {
      if (Character.isSurrogate(chars[i])) {
        return true;
      }
    }
    return false;
  }

  /** Writes an unsigned 64-bit value as an exact JSON integer (never negative, never exponent form). */
  static void writeU64(JsonGenerator g, U64 value) {
    if (value == null) {
      g.writeNull();
    } else if (value.bits() >= 0) {
      g.writeNumber(value.bits());
    } else {
      g.writeNumber(value.toBigInteger());
    }
  }

  /**
   * Writes a details value generically: String, Number, Boolean, U64, List (any Iterable), Map or
   * null. Anything else is written as its string form, so a new kind of detail never breaks a run.
   */
  static void writeValue(JsonGenerator g, Object value) {
    writeValue(g, value, null);
  }

  /** As above, writing strings through {@code chars}, or this thread's array when null. */
  private static void writeValue(JsonGenerator g, Object value, char[] chars) {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      writeString(g, s, chars);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof U64 u) {
      writeU64(g, u);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof BigInteger n) {
      g.writeNumber(n);
    } else if (value instanceof BigDecimal n) {
      g.writeNumber(n);
    } else if (value instanceof Double || value instanceof Float) {
      g.writeNumber(((Number) value).doubleValue());
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        writeField(g, String.valueOf(e.getKey()), e.getValue(), chars);
      }
      g.writeEndObject();
    } else if (value instanceof Iterable<?> list) {
      g.writeStartArray();
      for (Object item : list) {
        writeValue(g, item, chars);
      }
      g.writeEndArray();
    } else {
      g.writeString(wellFormed(String.valueOf(value)));
    }
  }

  /**
   * Returns {@code s} with each unpaired surrogate replaced by U+FFFD. Such a string cannot be
   * encoded as UTF-8 and Jackson would fail the whole report on it; one odd name must not.
   */
  static String wellFormed(String s) {
    int length = s.length();
    if (length <= CHARS && !hasSurrogate(copied(s, null), length)) {
      // The usual answer, found over an array rather than by a charAt call a character.
      return s;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        if (!paired) {
          return replaceUnpaired(s);
        }
        i++;
      }
    }
    return s;
  }

  private static String replaceUnpaired(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }
}
