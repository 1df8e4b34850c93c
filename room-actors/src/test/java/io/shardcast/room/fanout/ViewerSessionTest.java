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
    ViewerSession s = new ViewerSession("r", "u", 8, 4, 0, new FanoutStats());
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
    ViewerSession s = new ViewerSession("r", "u", 4, 2, 0, new FanoutStats());
    for (long seq = 1; seq <= 5; seq++) {
      s.offer(sale(seq));
    }
    assertTrue(s.overflowed());
    assertNull(s.poll(), "nothing more is sent: the connection closes with a reconnect hint");
    assertEquals(-1, s.deliveredSeq(), "it resumes from what it really received");
  }

  @Test
  void replaysAreIdempotentAndResumeSkipsWhatTheViewerHas() {
    ViewerSession s = new ViewerSession("r", "u", 16, 16, 0, new FanoutStats());
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
    ViewerSession s = new ViewerSession("r", "u", 16, 16, 1000, new FanoutStats());
    long old = System.currentTimeMillis() - 5000;
    s.offer(chat(1, old));
    s.offer(new Frame(2, "{}", true, 0, false, old));
    s.offer(chat(3, System.currentTimeMillis()));
    assertEquals(List.of(2L, 3L), drain(s));
    assertEquals(1, s.chatDropped());
  }

  @Test
  void anEmptyQueueWakesItsConsumerOnTheNextOffer() {
    ViewerSession s = new ViewerSession("r", "u", 4, 4, 0, new FanoutStats());
    int[] wakes = {0};
    s.onWakeup(() -> wakes[0]++);
    assertNull(s.poll());
    s.offer(sale(1));
    s.offer(sale(2));
    assertEquals(1, wakes[0], "woken once, not per frame");
  }

  private static List<Long> drainEvents(ViewerSession s) {
    List<Long> seqs = new ArrayList<>();
    for (Frame f = s.poll(); f != null; f = s.poll()) {
      for (int i = 0; i < f.size(); i++) {
        seqs.add(f.part(i).seq);
      }
    }
    return seqs;
  }

  @Test
  void aBatchIsOneMessageWhoseJsonIsTheArrayOfItsEvents() {
    long now = System.currentTimeMillis();
    Frame[] events = {chat(1, now), sale(2), chat(3, now)};
    Frame b = Frame.batch(events, 0, 3);
    assertEquals("[" + events[0].json + "," + events[1].json + "," + events[2].json + "]", b.json);
    assertEquals(3, b.seq);
    assertEquals(1, b.firstSeq);
    assertSame(events[1], b.part(1));
    assertSame(events[1], b.withoutChat(), "a batch with one commerce event shrinks to that event");
    assertSame(b.withoutChat(), b.withoutChat(), "made once, shared by every viewer");
    assertSame(events[0], Frame.batch(events, 0, 1), "a batch of one is the event itself");
    assertNull(Frame.batch(new Frame[] {chat(4, now), chat(5, now)}, 0, 2).withoutChat());
  }

  @Test
  void aViewerThatIsBehindGetsTheCommerceOfABatchButNotItsChat() {
    ViewerSession s = new ViewerSession("r", "u", 8, 2, 0, new FanoutStats());
    long now = System.currentTimeMillis();
    s.offer(Frame.batch(new Frame[] {chat(1, now), chat(2, now)}, 0, 2));
    s.offer(Frame.batch(new Frame[] {chat(3, now), chat(4, now)}, 0, 2));
    s.offer(Frame.batch(new Frame[] {chat(5, now), sale(6), chat(7, now)}, 0, 3));
    s.offer(Frame.batch(new Frame[] {chat(8, now), chat(9, now)}, 0, 2));
    assertEquals(List.of(1L, 2L, 3L, 4L, 6L), drainEvents(s));
    assertEquals(4, s.chatDropped());
    assertEquals(6, s.deliveredSeq(), "the last event really handed to the socket");
  }

  @Test
  void aBatchOverlappingWhatTheViewerHasDeliversOnlyTheNewEvents() {
    ViewerSession s = new ViewerSession("r", "u", 16, 16, 0, new FanoutStats());
    s.resumeFrom(2);
    s.offer(Frame.batch(new Frame[] {sale(1), sale(2), sale(3), sale(4)}, 0, 4));
    s.offer(Frame.batch(new Frame[] {sale(3), sale(4)}, 0, 2));
    s.offer(Frame.batch(new Frame[] {sale(5), sale(6)}, 0, 2));
    assertEquals(List.of(3L, 4L, 5L, 6L), drainEvents(s));
  }

  @Test
  void aStaleBatchLosesItsChatButKeepsItsCommerce() {
    ViewerSession s = new ViewerSession("r", "u", 16, 16, 1000, new FanoutStats());
    long old = System.currentTimeMillis() - 5000;
    s.offer(Frame.batch(new Frame[] {chat(1, old), sale(2), chat(3, old)}, 0, 3));
    assertEquals(List.of(2L), drainEvents(s));
    assertEquals(2, s.chatDropped());
  }

  @Test
  void aSaleOpeningDoesNotWaitBehindQueuedChat() {
    ViewerSession s = new ViewerSession("r", "u", 16, 16, 0, new FanoutStats());
    long now = System.currentTimeMillis();
    s.offer(Frame.batch(new Frame[] {chat(1, now), sale(2)}, 0, 2));
    s.offer(Frame.batch(new Frame[] {chat(3, now), chat(4, now)}, 0, 2));
    Frame open = new Frame(5, "{\"type\":\"saleOpen\",\"seq\":5}", true, now, false, now);
    s.offer(open);
    assertEquals(List.of(2L, 5L), drainEvents(s), "queued chat goes, commerce stays in order");
    assertEquals(3, s.chatDropped());
  }
}
