package io.shardcast.room.assistant;

/**
 * What a room's assistant has done since it started, as the host and the benchmarks read it: the
 * comments it read, what it did with them, how old each comment was when it read it (the assistant
 * keeping up with the chat), and how long after the question each reply was given (what the asker
 * waits: the gathering of copies and any rewording included), in fixed buckets. Updated without
 * allocating.
 */
public final class AssistantLoad {

  /** Upper bounds of the age buckets, in milliseconds; the last bucket is everything older. */
  private static final long[] BOUNDS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};

  private long read;
  private long answered;
  private long handedOver;
  private long maxAgeMillis;
  private final long[] ages = new long[BOUNDS.length + 1];
  private long replied;
  private long maxReplyMillis;
  private final long[] replyDelays = new long[BOUNDS.length + 1];

  /** A comment read {@code ageMillis} after the room wrote it, and what became of it. */
  public void read(long ageMillis, Answer.Kind kind) {
    read++;
    if (kind == Answer.Kind.ANSWER) {
      answered++;
    } else if (kind == Answer.Kind.HANDOVER) {
      handedOver++;
    }
    long age = Math.max(0, ageMillis);
    maxAgeMillis = Math.max(maxAgeMillis, age);
    ages[bucket(age)]++;
  }

  /** A reply given {@code delayMillis} after the first question it answers was written. */
  public void replied(long delayMillis) {
    replied++;
    long delay = Math.max(0, delayMillis);
    maxReplyMillis = Math.max(maxReplyMillis, delay);
    replyDelays[bucket(delay)]++;
  }

  private static int bucket(long millis) {
    int i = 0;
    while (i < BOUNDS.length && millis > BOUNDS[i]) {
      i++;
    }
    return i;
  }

  public long read() {
    return read;
  }

  /** The figures, frozen, for the room to show. */
  public Snapshot snapshot() {
    return new Snapshot(read, answered, handedOver, at(ages, read, maxAgeMillis, 0.5),
        at(ages, read, maxAgeMillis, 0.99), maxAgeMillis, replied, at(replyDelays, replied, maxReplyMillis, 0.5),
        at(replyDelays, replied, maxReplyMillis, 0.99), maxReplyMillis);
  }

  /** The bucket bound under which {@code q} of the {@code n} counted fall (the max for the last bucket). */
  private static long at(long[] buckets, long n, long max, double q) {
    long want = (long) Math.ceil(q * n);
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (seen >= want && want > 0) {
        return i < BOUNDS.length ? Math.min(BOUNDS[i], max) : max;
      }
    }
    return 0;
  }

  /**
   * The assistant's figures: {@code read} comments of which {@code answered} had an answer and
   * {@code handedOver} went to the host; {@code replies} given (posted, or suggested to the host),
   * each answering one or more copies; ages and reply delays in ms (p50 and p99 are bucket bounds:
   * at most that).
   */
  public record Snapshot(long read, long answered, long handedOver, long ageP50Millis, long ageP99Millis,
      long ageMaxMillis, long replies, long replyP50Millis, long replyP99Millis, long replyMaxMillis) {
    public static final Snapshot NONE = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}
