package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The sales seen closed, so each closing is acted on once, and when the latest one closed. */
final class SaleClosings {

  private final Set<String> closed = new HashSet<>();
  private long lastClosedAtMillis = Long.MIN_VALUE;

  /** The sales of {@code calendar} that are closed and were not at the previous tick. */
  List<SaleWindow> closedNow(long now, List<SaleWindow> calendar) {
    // Forget sales that left the calendar, so the set stays the calendar's size.
    Set<String> listed = new HashSet<>();
    for (SaleWindow sale : calendar) {
      listed.add(key(sale));
    }
    closed.retainAll(listed);
    List<SaleWindow> newly = new ArrayList<>();
    for (SaleWindow sale : calendar) {
      if (sale.closed() && closed.add(key(sale))) {
        newly.add(sale);
        lastClosedAtMillis = now;
      }
    }
    return newly;
  }

  /** Whether a sale closed less than {@code millis} before {@code now}. */
  boolean closedWithin(long now, long millis) {
    return lastClosedAtMillis != Long.MIN_VALUE && now - lastClosedAtMillis < millis;
  }

  private static String key(SaleWindow sale) {
    return sale.roomId() + "/" + sale.saleId();
  }
}
