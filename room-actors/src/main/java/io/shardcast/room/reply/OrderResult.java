package io.shardcast.room.reply;

/** Outcome of a flash-sale order, as the buyer sees it. */
public enum OrderResult {
  /** Persisted: the buyer has the goods. Repeating the same orderId returns this again. */
  CONFIRMED,
  /** Not enough stock left for the requested quantity. */
  SOLD_OUT,
  /** The buyer would exceed the sale's per-user limit. */
  LIMIT_REACHED,
  /** The sale's revealAt instant has not come yet. */
  NOT_STARTED,
  /** No sale with that id in this room. */
  UNKNOWN_SALE
}
