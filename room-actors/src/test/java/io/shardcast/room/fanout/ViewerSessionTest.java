package io.shardcast.room.fanout;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-viewer queue policy: what a slow viewer loses (only chat) and what it never loses. */
class ViewerSessionTest {

  private static Frame chat(long seq, long createdAt) {
    return new Frame(seq, "{\"type\":\"comment\",\"seq\":" + seq + "}", false, 0, false, createdAt);
  }

  private static Frame sale(long seq) {
    return new Frame(seq, "{\"type\":\"saleProgress\",\"seq\":" + seq + "}", true, 0, false, System.currentTimeMillis());
  }

  private static List<Long> drain(ViewerSession s) {
    List<Long> seqs = new ArrayList<>();
    for (Frame f = s.poll(); f != null; f = s.poll()) {
      seqs.add(f.seq);
    }
    return seqs;
  }

  @Test
  void chatIsSampledWhenTheQueueFillsButCommerceIsNot() {
    ViewerSession s = new ViewerSession("r", "u", 8, 4, 0);
    long now = System.currentTimeMillis();
    for (long seq = 1; seq <= 6; seq++) {
      s.offer(chat(seq, now));
    }
    s.offer(sale(7));
    s.offer(sale(8));
    assertEquals(List.of(1L, 2L, 3L, 4L, 7L, 8L), drain(s));
    assertEquals(2, s.chatDropped());
    assertFalse(s.overflowed());
  }

  @Test
  void aViewerTooSlowForCommerceIsClosedToResumeNotSilentlyShortchanged() {
    ViewerSession s = new ViewerSession("r", "u", 4, 2, 0);
    for (long seq = 1; seq <= 5; seq++) {
      s.offer(sale(seq));
    }
    assertTrue(s.overflowed());
    assertNull(s.poll(), "nothing more is sent: the connection closes with a reconnect hint");
    assertEquals(-1, s.deliveredSeq(), "it resumes from what it really received");
  }

  @Test
  void replaysAreIdempotentAndResumeSkipsWhatTheViewerHas() {
    ViewerSession s = new ViewerSession("r", "u", 16, 16, 0);
    s.resumeFrom(3);
    for (long seq = 1; seq <= 5; seq++) {
      s.offer(sale(seq));
    }
    s.offer(sale(4));
    assertEquals(List.of(4L, 5L), drain(s));
    assertEquals(5, s.deliveredSeq());
  }

  @Test
  void lateChatIsDroppedAtSendTimeButLateCommerceIsStillSent() {
    ViewerSession s = new ViewerSession("r", "u", 16, 16, 1000);
    long old = System.currentTimeMillis() - 5000;
    s.offer(chat(1, old));
    s.offer(new Frame(2, "{}", true, 0, false, old));
    s.offer(chat(3, System.currentTimeMillis()));
    assertEquals(List.of(2L, 3L), drain(s));
    assertEquals(1, s.chatDropped());
  }

  @Test
  void anEmptyQueueWakesItsConsumerOnTheNextOffer() {
    ViewerSession s = new ViewerSession("r", "u", 4, 4, 0);
    int[] wakes = {0};
    s.onWakeup(() -> wakes[0]++);
    assertNull(s.poll());
    s.offer(sale(1));
    s.offer(sale(2));
    assertEquals(1, wakes[0], "woken once, not per frame");
  }
}
