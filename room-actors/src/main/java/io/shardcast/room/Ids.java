package io.shardcast.room;

/** The rule for ids of rooms, users, products, coupons, sales and orders: 1..64 of [A-Za-z0-9_-]. */
public final class Ids {

  private static final int MAX_LENGTH = 64;

  private Ids() {}

  public static boolean valid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char ch = id.charAt(i);
      boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'
          || ch == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
