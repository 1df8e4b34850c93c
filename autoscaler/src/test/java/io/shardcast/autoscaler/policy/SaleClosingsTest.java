package io.shardcast.autoscaler.policy;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sale's closing is acted on once: its capacity goes in one wave within the scale-in window after it. */
class SaleClosingsTest {

  @Test
  void eachClosingIsActedOnOnceAndRememberedForAWindow() {
    SaleClosings closings = new SaleClosings();
    SaleWindow open = new SaleWindow("room", "sale", 10_000, false, Double.NaN);
    SaleWindow closed = new SaleWindow("room", "sale", 10_000, true, Double.NaN);
    assertEquals(List.of(), closings.closedNow(20_000, List.of(open)));
    assertFalse(closings.closedWithin(20_000, 60_000));
    assertEquals(List.of(closed), closings.closedNow(30_000, List.of(closed)));
    assertEquals(List.of(), closings.closedNow(31_000, List.of(closed)), "acted on once");
    assertTrue(closings.closedWithin(89_999, 60_000));
    assertFalse(closings.closedWithin(90_000, 60_000));
  }
}
