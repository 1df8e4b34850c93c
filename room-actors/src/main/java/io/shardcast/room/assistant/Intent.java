package io.shardcast.room.assistant;

/** What a viewer's question asks about; {@link #NONE} for anything the assistant does not answer. */
public enum Intent {
  SIZE, COLOR, STOCK, PRICE, COUPON, SALE_TIME, SHIPPING, RETURNS, DELIVERY, MATERIAL, COMPARISON, NONE;

  /** The name the evaluation set and the API use: lower case ({@code size}, {@code sale_time}, ...). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
