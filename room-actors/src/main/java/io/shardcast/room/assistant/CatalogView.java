package io.shardcast.room.assistant;

import io.shardcast.room.state.Policies;
import io.shardcast.room.state.ProductFacts;
import io.shardcast.room.state.RoomState;
import java.util.ArrayList;
import java.util.List;

/**
 * The room's live facts at the moment a question is answered, and nothing else: the products in the
 * order the host put them up (so "1号链接" is the first), their prices, stock, variants, attributes
 * and FAQ, the pinned product, the coupons left, the sales and the policies. Taken from the room's
 * state on the room's thread, read by the assistant on its own.
 */
public record CatalogView(List<Product> products, String pinnedProductId, List<Coupon> coupons, List<Sale> sales,
    Policies policies, long nowMillis) {

  /** A product and its number in the room (1-based, the order it was put up in). */
  public record Product(int number, String productId, String name, long priceCents, int stock, ProductFacts facts) {

    /** Units left: its variants' together when it has variants, else its own stock. */
    public int unitsLeft() {
      return facts.variants().isEmpty() ? stock : facts.variants().stream().mapToInt(ProductFacts.Variant::stock).sum();
    }
  }

  /** A coupon with some left; {@code productId} null: for anything in the room. */
  public record Coupon(String couponId, String productId, long discountCents, int remaining) {}

  /** A flash sale: open (with what is left) or announced (opening at {@code revealAtMillis}). */
  public record Sale(String saleId, String productId, long priceCents, long revealAtMillis, boolean open, int remaining) {}

  public static CatalogView of(RoomState state, long nowMillis) {
    List<Product> products = new ArrayList<>();
    int n = 1;
    for (RoomState.Product p : state.products.values()) {
      products.add(new Product(n++, p.productId, p.name, p.priceCents, p.stock, p.facts));
    }
    List<Coupon> coupons = new ArrayList<>();
    for (RoomState.Coupon c : state.coupons.values()) {
      if (c.remaining() > 0) {
        coupons.add(new Coupon(c.couponId, c.productId, c.discountCents, c.remaining()));
      }
    }
    List<Sale> sales = new ArrayList<>();
    for (RoomState.FlashSale s : state.sales.values()) {
      if (s.remaining() > 0) {
        sales.add(new Sale(s.saleId, s.productId, s.priceCents, s.revealAtMillis, nowMillis >= s.revealAtMillis,
            s.remaining()));
      }
    }
    return new CatalogView(List.copyOf(products), state.pinnedProductId, List.copyOf(coupons), List.copyOf(sales),
        state.policies, nowMillis);
  }

  /** The same facts, read at {@code now} (a sale's minutes to its opening are counted from it). */
  public CatalogView at(long now) {
    List<Sale> opened = new ArrayList<>(sales.size());
    for (Sale s : sales) {
      opened.add(new Sale(s.saleId(), s.productId(), s.priceCents(), s.revealAtMillis(), now >= s.revealAtMillis(),
          s.remaining()));
    }
    return new CatalogView(products, pinnedProductId, coupons, List.copyOf(opened), policies, now);
  }

  /** The names of the room's products. */
  public List<String> productNames() {
    return products.stream().map(Product::name).toList();
  }

  public Product product(String productId) {
    for (Product p : products) {
      if (p.productId().equals(productId)) {
        return p;
      }
    }
    return null;
  }
}
