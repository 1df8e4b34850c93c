package io.shardcast.room.assistant;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The assistant's manners in a busy chat, on a clock the test moves. */
class ReplyPolicyTest {

  private static Answer sizes(String text) {
    return new Answer(Answer.Kind.ANSWER, Intent.SIZE, "dress", Language.ZH, text);
  }

  @Test
  void tenCopiesOfOneQuestionGetOneReplyNamingTheAskersAndNoneAgainInTheWindow() {
    ReplyPolicy policy = new ReplyPolicy();
    long t = 1_000_000;
    for (int i = 0; i < 10; i++) {
      assertTrue(policy.offer(sizes("有 S、XL"), "user" + (i % 7), i + 1, t + i * 10, t + i * 10));
    }
    assertEquals(List.of(), policy.due(t + 100), "still gathering");
    List<ReplyPolicy.Reply> replies = policy.due(t + ReplyPolicy.GATHER_MILLIS + 100);
    assertEquals(1, replies.size());
    assertEquals(7, replies.get(0).askers().size(), "each asker once");
    assertEquals(10, replies.get(0).seqs().size());
    assertEquals(t, replies.get(0).firstAskedAtMillis(), "the first asker's wait is the reply's delay");
    assertFalse(policy.offer(sizes("有 S、XL"), "late", 11, t + 5_000, t + 5_000), "in the chat already");
    assertTrue(policy.offer(sizes("有 S、XL"), "later", 12, t + 31_000, t + 31_000), "after the window, again");
  }

  @Test
  void staleQuestionsAreDroppedAndTheBudgetCapsTheRepliesAMinute() {
    ReplyPolicy policy = new ReplyPolicy();
    long t = 2_000_000;
    assertFalse(policy.offer(sizes("x"), "u", 1, t - ReplyPolicy.STALE_MILLIS - 1, t), "asked too long ago");
    for (int i = 0; i < 10; i++) {
      policy.offer(sizes("answer " + i), "u" + i, i, t, t);
    }
    assertEquals(ReplyPolicy.BUDGET, policy.due(t + 1_000).size());
    policy.offer(sizes("another"), "v", 20, t + 2_000, t + 2_000);
    assertEquals(0, policy.due(t + 3_000).size(), "over the minute's budget");
    policy.offer(sizes("another"), "v", 21, t + 61_500, t + 61_500);
    assertEquals(1, policy.due(t + 62_000).size(), "a new minute");
    assertEquals(-1, policy.nextDueMillis());
  }

  @Test
  void aHandoverIsNoReply() {
    assertFalse(new ReplyPolicy().offer(Answer.handover(Intent.PRICE, null, Language.EN), "u", 1, 0, 0));
  }
}
