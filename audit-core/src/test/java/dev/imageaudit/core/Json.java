package dev.imageaudit.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for the tools' recorded answers (qemu-img info --output=json): objects
 * become maps, arrays lists, integers Long, and true/false/null themselves.
 */
final class Json {
  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Parses one JSON value that fills {@code text}. */
  static Object parse(String text) {
    Json json = new Json(text);
    Object value = json.value();
    json.space();
    if (json.pos != text.length()) {
      throw new IllegalArgumentException("trailing text at " + json.pos);
    }
    return value;
  }

  /** Returns the value at a path of object keys, or {@code null} where a key is missing. */
  @SuppressWarnings("unchecked")
  static Object at(Object root, String... keys) {
    Object value = root;
    for (String key : keys) {
      if (!(value instanceof Map<?, ?> map)) {
        return null;
      }
      value = ((Map<String, Object>) map).get(key);
    }
    return value;
  }

  private Object value() {
    space();
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        return number();
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> map = new LinkedHashMap<>();
    pos++;
    space();
    if (text.charAt(pos) == '}') {
      pos++;
      return map;
    }
    while (true) {
      space();
      String key = string();
      space();
      expect(':');
      map.put(key, value());
      space();
      if (text.charAt(pos) == ',') {
        pos++;
      } else {
        expect('}');
        return map;
      }
    }
  }

  private List<Object> array() {
    List<Object> list = new ArrayList<>();
    pos++;
    space();
    if (text.charAt(pos) == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value());
      space();
      if (text.charAt(pos) == ',') {
        pos++;
      } else {
        expect(']');
        return list;
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c == '\\') {
        char e = text.charAt(pos++);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> out.append(e);
        }
      } else {
        out.append(c);
      }
    }
  }

  private Object number() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    String n = text.substring(start, pos);
    if (n.isEmpty()) {
      throw new IllegalArgumentException("unexpected '" + text.charAt(pos) + "' at " + pos);
    }
    return n.matches("-?\\d+") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw new IllegalArgumentException("expected " + word + " at " + pos);
    }
    pos += word.length();
    return value;
  }

  private void expect(char c) {
    if (text.charAt(pos) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + pos);
    }
    pos++;
  }

  private void space() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }
}
