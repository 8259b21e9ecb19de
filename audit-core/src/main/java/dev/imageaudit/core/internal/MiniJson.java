package dev.imageaudit.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for small metadata blobs read under a cap (LUKS2's JSON area): objects
 * become {@link LinkedHashMap}s, arrays {@link ArrayList}s, numbers {@link Long} when integral and
 * in range (else their text), strings {@link String}. Nesting is limited so that hostile input
 * cannot exhaust the stack; every error is a {@link JsonException} naming the offset.
 */
final class MiniJson {
  /** Deeper nesting than any metadata this project reads, shallow enough for any stack. */
  static final int MAX_DEPTH = 64;

  /** Thrown for text that is not one JSON value. */
  static final class JsonException extends Exception {
    JsonException(String message, int at) {
      super(message + " at offset " + at);
    }
  }

  private final String text;
  private int at;

  private MiniJson(String text) {
    this.text = text;
  }

  /** Parses {@code text}, which must hold exactly one JSON value (surrounding blanks allowed). */
  static Object parse(String text) throws JsonException {
    MiniJson json = new MiniJson(text);
    Object value = json.value(0);
    json.skipBlanks();
    if (json.at != text.length()) {
      throw new JsonException("trailing characters", json.at);
    }
    return value;
  }

  private Object value(int depth) throws JsonException {
    if (depth > MAX_DEPTH) {
      throw new JsonException("nesting deeper than " + MAX_DEPTH, at);
    }
    skipBlanks();
    if (at >= text.length()) {
      throw new JsonException("unexpected end", at);
    }
    char c = text.charAt(at);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw new JsonException("unexpected character '" + c + "'", at);
    }
  }

  private Map<String, Object> object(int depth) throws JsonException {
    Map<String, Object> map = new LinkedHashMap<>();
    at++;
    skipBlanks();
    if (peek() == '}') {
      at++;
      return map;
    }
    while (true) {
      skipBlanks();
      if (peek() != '"') {
        throw new JsonException("expected a member name", at);
      }
      String key = string();
      skipBlanks();
      expect(':');
      map.put(key, value(depth + 1));
      skipBlanks();
      char c = next();
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw new JsonException("expected ',' or '}'", at - 1);
      }
    }
  }

  private List<Object> array(int depth) throws JsonException {
    List<Object> list = new ArrayList<>();
    at++;
    skipBlanks();
    if (peek() == ']') {
      at++;
      return list;
    }
    while (true) {
      list.add(value(depth + 1));
      skipBlanks();
      char c = next();
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw new JsonException("expected ',' or ']'", at - 1);
      }
    }
  }

  private String string() throws JsonException {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw new JsonException("control character in a string", at - 1);
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (at + 4 > text.length()) {
            throw new JsonException("short \\u escape", at);
          }
          try {
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          } catch (NumberFormatException ex) {
            throw new JsonException("bad \\u escape", at);
          }
          at += 4;
        }
        default -> throw new JsonException("bad escape '\\" + e + "'", at - 1);
      }
    }
  }

  private Object number() throws JsonException {
    int start = at;
    if (peek() == '-') {
      at++;
    }
    boolean integral = true;
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c >= '0' && c <= '9') {
        at++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        at++;
      } else {
        break;
      }
    }
    String token = text.substring(start, at);
    if (token.equals("-") || token.isEmpty()) {
      throw new JsonException("bad number", start);
    }
    if (integral && token.length() <= 18) {
      return Long.parseLong(token);
    }
    return token;
  }

  private Object literal(String word, Object value) throws JsonException {
    if (!text.startsWith(word, at)) {
      throw new JsonException("bad literal", at);
    }
    at += word.length();
    return value;
  }

  private void skipBlanks() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      at++;
    }
  }

  private char peek() throws JsonException {
    if (at >= text.length()) {
      throw new JsonException("unexpected end", at);
    }
    return text.charAt(at);
  }

  private char next() throws JsonException {
    char c = peek();
    at++;
    return c;
  }

  private void expect(char c) throws JsonException {
    if (next() != c) {
      throw new JsonException("expected '" + c + "'", at - 1);
    }
  }
}
