package io.shardcast.cluster.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.room.state.Policies;
import io.shardcast.room.state.ProductFacts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optional facts of a product body ({@code "attributes"}, {@code "variants"}, {@code "faq"}) and
 * the policies body, read from JSON: wrong shapes are a {@link Gateway.BadInput} saying which field;
 * the room checks the limits.
 */
final class ProductBody {

  private ProductBody() {}

  static ProductFacts facts(JsonNode b) {
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode a = b.get("attributes");
    if (a != null && !a.isNull()) {
      if (!a.isObject()) {
        throw bad("'attributes' must be an object of name to text");
      }
      a.fields().forEachRemaining(e -> {
        if (!e.getValue().isTextual()) {
          throw bad("attributes." + e.getKey() + " must be text");
        }
        attributes.put(e.getKey(), e.getValue().asText());
      });
    }
    List<ProductFacts.Variant> variants = new ArrayList<>();
    for (JsonNode v : array(b, "variants")) {
      if (!v.isObject()) {
        throw bad("each of 'variants' is {\"variantId\",\"size\"?,\"color\"?,\"stock\"}");
      }
      variants.add(new ProductFacts.Variant(Gateway.text(v, "variantId"), optional(v, "size"), optional(v, "color"),
          Gateway.intField(v, "stock", -1)));
    }
    List<ProductFacts.Faq> faq = new ArrayList<>();
    for (JsonNode f : array(b, "faq")) {
      if (!f.isObject()) {
        throw bad("each of 'faq' is {\"q\",\"a\"}");
      }
      faq.add(new ProductFacts.Faq(Gateway.text(f, "q"), Gateway.text(f, "a")));
    }
    return new ProductFacts(attributes, variants, faq);
  }

  static Policies policies(JsonNode b) {
    return new Policies(optional(b, "shipping"), optional(b, "returns"), optional(b, "delivery"));
  }

  private static List<JsonNode> array(JsonNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw bad("'" + field + "' must be an array");
    }
    List<JsonNode> out = new ArrayList<>();
    v.forEach(out::add);
    return out;
  }

  private static String optional(JsonNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw bad("'" + field + "' must be text");
    }
    return v.asText();
  }

  private static Gateway.BadInput bad(String message) {
    return new Gateway.BadInput("BAD_REQUEST", message);
  }
}
