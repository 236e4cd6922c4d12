// Hand-written JSON output for the simulated REST API (the sim uses the JDK and Curator only).
package flinksim;

import java.util.Collection;
import java.util.Iterator;

/** Builds JSON text: obj("key", value, ...) where a value is null, a String, Number, Boolean or Raw. */
final class Json {
  private Json() {}

  /** Already rendered JSON, inserted as is. */
  static final class Raw {
    final String text;

    Raw(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  static Raw raw(String text) {
    return new Raw(text);
  }

  static Raw obj(Object... keyValues) {
    if (keyValues.length % 2 != 0) throw new IllegalArgumentException("odd number of key/values");
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < keyValues.length; i += 2) {
      if (i > 0) s.append(',');
      quote(s, (String) keyValues[i]);
      s.append(':');
      value(s, keyValues[i + 1]);
    }
    return new Raw(s.append('}').toString());
  }

  static Raw arr(Collection<?> values) {
    StringBuilder s = new StringBuilder("[");
    for (Iterator<?> it = values.iterator(); it.hasNext(); ) {
      value(s, it.next());
      if (it.hasNext()) s.append(',');
    }
    return new Raw(s.append(']').toString());
  }

  static void value(StringBuilder s, Object v) {
    if (v == null) {
      s.append("null");
    } else if (v instanceof Raw) {
      s.append(((Raw) v).text);
    } else if (v instanceof String) {
      quote(s, (String) v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      // Flink writes non-finite statistics as the string "NaN".
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        quote(s, "NaN");
      } else {
        s.append(d);
      }
    } else if (v instanceof Number || v instanceof Boolean) {
      s.append(v);
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass());
    }
  }

  static String quote(String text) {
    StringBuilder s = new StringBuilder();
    quote(s, text);
    return s.toString();
  }

  private static void quote(StringBuilder s, String text) {
    s.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"': s.append("\\\""); break;
        case '\\': s.append("\\\\"); break;
        case '\n': s.append("\\n"); break;
        case '\r': s.append("\\r"); break;
        case '\t': s.append("\\t"); break;
        default:
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
      }
    }
    s.append('"');
  }
}
