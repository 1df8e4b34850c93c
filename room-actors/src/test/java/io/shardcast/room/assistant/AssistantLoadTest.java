package io.shardcast.room.assistant;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The figures the host and the benchmarks read: what the assistant read, and how long askers waited. */
class AssistantLoadTest {

  @Test
  void theFiguresCountWhatWasReadAndHowLongTheRepliesTook() {
    AssistantLoad load = new AssistantLoad();
    assertEquals(AssistantLoad.Snapshot.NONE, load.snapshot(), "nothing yet");
    for (int i = 0; i < 98; i++) {
      load.read(3, i % 2 == 0 ? Answer.Kind.ANSWER : Answer.Kind.IGNORE);
    }
    load.read(40, Answer.Kind.HANDOVER);
    load.read(700, Answer.Kind.HANDOVER);
    load.replied(420);
    load.replied(430);
    load.replied(1_900);
    AssistantLoad.Snapshot s = load.snapshot();
    assertEquals(100, s.read());
    assertEquals(49, s.answered());
    assertEquals(2, s.handedOver());
    assertEquals(5, s.ageP50Millis(), "at most the bucket's bound");
    assertEquals(50, s.ageP99Millis());
    assertEquals(700, s.ageMaxMillis());
    assertEquals(3, s.replies());
    assertEquals(500, s.replyP50Millis());
    assertEquals(1_900, s.replyP99Millis(), "the bound, or the most when it is lower");
    assertEquals(1_900, s.replyMaxMillis());
  }
}
