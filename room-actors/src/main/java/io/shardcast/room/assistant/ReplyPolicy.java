package io.shardcast.room.assistant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When the assistant speaks. A question older than {@link #STALE_MILLIS} is dropped (its asker has
 * moved on). Questions that get the same answer are gathered for {@link #GATHER_MILLIS} and answered
 * once, naming every asker; that answer is not given again for {@link #WINDOW_MILLIS} (it is in the
 * chat). The room gets at most {@link #BUDGET} replies a minute, so the assistant never floods the
 * chat. Pure: the caller gives the time.
 */
public final class ReplyPolicy {

  public static final long STALE_MILLIS = 5_000;
  public static final long GATHER_MILLIS = 400;
  public static final long WINDOW_MILLIS = 30_000;
  /** Replies a room gets at most, in any minute. */
  public static final int BUDGET = 6;

  /**
   * An answer to send, to the askers named (in the order they asked) for the questions of
   * {@code seqs}, the first of which was asked at {@code firstAskedAtMillis}.
   */
  public record Reply(Answer answer, List<String> askers, List<Long> seqs, long firstAskedAtMillis) {}

  private record Key(Intent intent, String productId, String text) {}

  private static final class Gathering {
    final Answer answer;
    final long firstAtMillis;
    long firstAskedAtMillis = Long.MAX_VALUE;
    final List<String> askers = new ArrayList<>();
    final List<Long> seqs = new ArrayList<>();

    Gathering(Answer answer, long firstAtMillis) {
      this.answer = answer;
      this.firstAtMillis = firstAtMillis;
    }
  }

  private final Map<Key, Gathering> gathering = new LinkedHashMap<>();
  private final Map<Key, Long> answeredAt = new HashMap<>();
  private final List<Long> sentAt = new ArrayList<>();

  /** Takes an answer to a question asked at {@code askedAtMillis}; false when it is dropped. */
  public boolean offer(Answer answer, String asker, long seq, long askedAtMillis, long nowMillis) {
    if (!answer.answered() || nowMillis - askedAtMillis > STALE_MILLIS) {
      return false;
    }
    Key key = new Key(answer.intent(), answer.productId(), answer.text());
    Long at = answeredAt.get(key);
    if (at != null && nowMillis - at < WINDOW_MILLIS) {
      return false; // answered a moment ago: it is in the chat
    }
    Gathering g = gathering.computeIfAbsent(key, k -> new Gathering(answer, nowMillis));
    if (!g.askers.contains(asker)) {
      g.askers.add(asker);
    }
    g.seqs.add(seq);
    g.firstAskedAtMillis = Math.min(g.firstAskedAtMillis, askedAtMillis);
    return true;
  }

  /** The replies due at {@code nowMillis}, within the budget; those over it are dropped. */
  public List<Reply> due(long nowMillis) {
    sentAt.removeIf(t -> nowMillis - t >= 60_000);
    answeredAt.values().removeIf(t -> nowMillis - t >= WINDOW_MILLIS);
    List<Reply> out = new ArrayList<>();
    var it = gathering.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      Gathering g = e.getValue();
      if (nowMillis - g.firstAtMillis < GATHER_MILLIS) {
        continue;
      }
      it.remove();
      if (sentAt.size() >= BUDGET) {
        continue; // over the budget: left for the host, who sees the questions
      }
      sentAt.add(nowMillis);
      answeredAt.put(e.getKey(), nowMillis);
      out.add(new Reply(g.answer, List.copyOf(g.askers), List.copyOf(g.seqs), g.firstAskedAtMillis));
    }
    return out;
  }

  /** When the next gathering is due (or -1 when none waits): the caller's timer. */
  public long nextDueMillis() {
    long next = -1;
    for (Gathering g : gathering.values()) {
      long due = g.firstAtMillis + GATHER_MILLIS;
      next = next < 0 ? due : Math.min(next, due);
    }
    return next;
  }
}
