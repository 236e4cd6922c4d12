// JSON output for the simulated REST API, through Jackson (Debian's libjackson2-databind-java,
// beside the Curator and ZooKeeper jars the sim already takes from /usr/share/java).
package flinksim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Collection;

/** Builds JSON trees: obj("key", value, ...) where a value is null, a String, Number, Boolean or Raw. */
final class Json {
  private Json() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A JSON value built here; text() renders it. Not modified once built. */
  static final class Raw {
    final JsonNode node;

    Raw(JsonNode node) {
      this.node = node;
    }

    String text() {
      try {
        return MAPPER.writeValueAsString(node);
      } catch (IOException e) {
        throw new IllegalStateException("cannot render JSON", e);
      }
    }

    @Override
    public String toString() {
      return text();
    }
  }

  static Raw obj(Object... keyValues) {
    return with(new Raw(NODES.objectNode()), keyValues);
  }

  /** A copy of the object o with more keys (a key already there is replaced). */
  static Raw with(Raw o, Object... keyValues) {
    if (keyValues.length % 2 != 0) throw new IllegalArgumentException("odd number of key/values");
    ObjectNode n = ((ObjectNode) o.node).deepCopy();
    for (int i = 0; i < keyValues.length; i += 2) {
      n.set((String) keyValues[i], node(keyValues[i + 1]));
    }
    return new Raw(n);
  }

  static Raw arr(Collection<?> values) {
    ArrayNode a = NODES.arrayNode();
    for (Object v : values) a.add(node(v));
    return new Raw(a);
  }

  private static JsonNode node(Object v) {
    if (v == null) return NODES.nullNode();
    if (v instanceof Raw) return ((Raw) v).node;
    if (v instanceof String) return NODES.textNode((String) v);
    if (v instanceof Boolean) return NODES.booleanNode((Boolean) v);
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      // Flink writes non-finite statistics as the string "NaN".
      if (Double.isNaN(d) || Double.isInfinite(d)) return NODES.textNode("NaN");
      return NODES.numberNode(d);
    }
    if (v instanceof Long) return NODES.numberNode((Long) v);
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return NODES.numberNode(((Number) v).intValue());
    }
    throw new IllegalArgumentException("not a JSON value: " + v.getClass());
  }
}
