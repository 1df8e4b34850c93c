package io.shardcast.room.assistant;

/**
 * What a room's assistant has done since it started, as the host and the benchmarks read it: the
 * comments it read, what it did with them, and how old each comment was when it read it (the
 * assistant keeping up with the chat), in fixed buckets. Updated without allocating.
 */
public final class AssistantLoad {

  /** Upper bounds of the age buckets, in milliseconds; the last bucket is everything older. */
  private static final long[] BOUNDS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};

  private long read;
  private long answered;
  private long handedOver;
  private long maxAgeMillis;
  private final long[] ages = new long[BOUNDS.length + 1];

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
    int i = 0;
    while (i < BOUNDS.length && age > BOUNDS[i]) {
      i++;
    }
    ages[i]++;
  }

  public long read() {
    return read;
  }

  /** The figures, frozen, for the room to show. */
  public Snapshot snapshot() {
    return new Snapshot(read, answered, handedOver, ageAt(0.5), ageAt(0.99), maxAgeMillis);
  }

  /** The bucket bound under which {@code q} of the comments were read (the max for the last bucket). */
  private long ageAt(double q) {
    long want = (long) Math.ceil(q * read);
    long seen = 0;
    for (int i = 0; i < ages.length; i++) {
      seen += ages[i];
      if (seen >= want && want > 0) {
        return i < BOUNDS.length ? Math.min(BOUNDS[i], maxAgeMillis) : maxAgeMillis;
      }
    }
    return 0;
  }

  /**
   * The assistant's figures: {@code read} comments of which {@code answered} had an answer and
   * {@code handedOver} went to the host; ages in ms (p50 and p99 are bucket bounds: at most that).
   */
  public record Snapshot(long read, long answered, long handedOver, long ageP50Millis, long ageP99Millis,
      long ageMaxMillis) {
    public static final Snapshot NONE = new Snapshot(0, 0, 0, 0, 0, 0);
  }
}
