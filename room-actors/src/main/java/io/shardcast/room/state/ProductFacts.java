package io.shardcast.room.state;

import java.util.List;
import java.util.Map;

/**
 * What a host tells about a product beyond its name, price and stock, for the room's shopping
 * assistant to answer from: free attributes ({@code "material": "silk"}), the variants with their
 * own stock, and the host's own answers to frequent questions. Immutable; empty, never null.
 */
public record ProductFacts(Map<String, String> attributes, List<Variant> variants, List<Faq> faq) {

  public static final ProductFacts NONE = new ProductFacts(Map.of(), List.of(), List.of());

  public ProductFacts {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    variants = variants == null ? List.of() : List.copyOf(variants);
    faq = faq == null ? List.of() : List.copyOf(faq);
  }

  /** One size and/or colour of the product, with its own stock. */
  public record Variant(String variantId, String size, String color, int stock) {}

  /** A question the host answers ahead: {@code q} as viewers ask it, {@code a} the answer. */
  public record Faq(String q, String a) {}
}
