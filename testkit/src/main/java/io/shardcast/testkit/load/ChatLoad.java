package io.shardcast.testkit.load;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Comments and likes at set rates, sent by a few real WebSocket viewers in 10 ms ticks. */
public final class ChatLoad {

  private static final long TICK_NANOS = 10_000_000;
  private static final int LIKES_PER_MESSAGE = 10;
  /** Every like message is the same: written once. */
  private static final String LIKES = JsonNodeFactory.instance.objectNode().put("type", "like")
      .put("count", LIKES_PER_MESSAGE).toString();

  private final List<Viewer> senders;
  private final int commentsPerSecond;
  private final int likesPerSecond;
  private List<String> texts;

  public ChatLoad(List<Viewer> senders, int commentsPerSecond, int likesPerSecond) {
    this.senders = senders;
    this.commentsPerSecond = commentsPerSecond;
    this.likesPerSecond = likesPerSecond;
  }

  /**
   * Every other comment is one of these texts, in turn, as a viewer writes it (no send time in it);
   * the others are stamped "bench" comments, which measure the latency. Each round through the
   * texts ends them with other whitespace ({@link #spacing}), so that, as in a real chat, a question
   * is seldom the same to the letter and nothing is answered from a cache of texts.
   */
  public ChatLoad withTexts(List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no texts");
    }
    this.texts = List.copyOf(texts);
    return this;
  }

  private void send(Viewer v, long n) {
    if (texts == null || n % 2 == 0) {
      v.comment("bench");
    } else {
      v.commentAsWritten(texts.get((int) (n / 2 % texts.size())) + spacing(n / 2 / texts.size()));
    }
  }

  /**
   * Whitespace that differs for each of 128 rounds: pairs of a space and an ideographic space, in
   * one order or the other (never a run of one character, which is spam).
   */
  static String spacing(long round) {
    StringBuilder b = new StringBuilder(14);
    for (int bit = 0; bit < 7; bit++) {
      b.append((round >> bit & 1) == 0 ? " \u3000" : "\u3000 ");
    }
    return b.toString();
  }

  /**
   * Senders needed so that none goes over the per-viewer rate limits (2 comments/s, 20 messages/s):
   * one per comment per second, at least 20.
   */
  public static int sendersFor(int viewers, int commentsPerSecond, int likesPerSecond) {
    return Math.min(viewers, Math.max(20, Math.max(commentsPerSecond, likesPerSecond / LIKES_PER_MESSAGE / 10)));
  }

  /** Sends for {@code seconds}; returns the comments sent. */
  public long drive(double seconds) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    double commentsPerTick = commentsPerSecond / 100.0;
    double likeMessagesPerTick = likesPerSecond / (double) LIKES_PER_MESSAGE / 100.0;
    long commentsSent = 0;
    double commentDebt = 0;
    double likeDebt = 0;
    long next = start;
    while (System.nanoTime() < end) {
      commentDebt += commentsPerTick;
      likeDebt += likeMessagesPerTick;
      while (commentDebt >= 1) {
        send(senders.get(ThreadLocalRandom.current().nextInt(senders.size())), commentsSent);
        commentDebt--;
        commentsSent++;
      }
      while (likeDebt >= 1) {
        senders.get(ThreadLocalRandom.current().nextInt(senders.size())).send(LIKES);
        likeDebt--;
      }
      next += TICK_NANOS;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
    }
    return commentsSent;
  }
}
