package io.shardcast.testkit.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the lean viewers counted, shared by their selector threads: events, messages, anomalies,
 * connections and latencies. What every event brings is counted per thread in a {@link Local}
 * and added here once per select round; anomalies (gaps, events out of order) are rare and
 * counted here at once, so a check that follows sees them.
 */
final class AudienceStats {

  /** Comment latency from the sender's stamp in the text; null when nobody measures it. */
  final LatencyRecorder commentLatency;
  /** Comment latency from the room's timestamp (when it accepted them) to these viewers. */
  final LatencyRecorder roomToViewer = new LatencyRecorder();
  final LatencyRecorder saleOpenDelay = new LatencyRecorder();
  final LongAdder saleOpenEarly = new LongAdder();
  final LongAccumulator saleOpenMax = new LongAccumulator(Math::max, Long.MIN_VALUE);
  final LongAccumulator saleOpenMin = new LongAccumulator(Math::min, Long.MAX_VALUE);
  final LongAdder events = new LongAdder();
  final LongAdder messages = new LongAdder();
  final LongAdder outOfOrder = new LongAdder();
  final AtomicLong open = new AtomicLong();
  final LongAdder reconnects = new LongAdder();
  final LongAdder gaps = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder gaveUp = new LongAdder();
  final LongAdder lost = new LongAdder();
  final LongAdder resumeSnapshots = new LongAdder();
  final LongAccumulator firstHintMillis = new LongAccumulator(Math::min, Long.MAX_VALUE);
  final LongAccumulator lastHintMillis = new LongAccumulator(Math::max, Long.MIN_VALUE);

  AudienceStats(LatencyRecorder commentLatency) {
    this.commentLatency = commentLatency;
  }

  /** A viewer saw a sale open {@code delayMillis} after its announced instant (negative: before it). */
  void saleOpened(long delayMillis) {
    if (delayMillis < 0) {
      saleOpenEarly.increment();
    }
    saleOpenDelay.record(delayMillis);
    saleOpenMax.accumulate(delayMillis);
    saleOpenMin.accumulate(delayMillis);
  }

  /** A viewer was told to move by a node's drain at {@code nowMillis}. */
  void drainHint(long nowMillis) {
    firstHintMillis.accumulate(nowMillis);
    lastHintMillis.accumulate(nowMillis);
  }

  Local local() {
    return new Local();
  }

  /**
   * One selector thread's counts of what every event brings, kept in plain fields: two threads
   * counting 300,000 events a second on shared atomics spent more CPU on that than on reading
   * the sockets. Used by its thread only.
   */
  final class Local {
    final LatencyRecorder.Local commentLatency = AudienceStats.this.commentLatency == null ? null
        : AudienceStats.this.commentLatency.local();
    final LatencyRecorder.Local roomToViewer = AudienceStats.this.roomToViewer.local();
    long events;
    long messages;

    /** Adds what was counted since the last flush to the shared totals. */
    void flush() {
      if (commentLatency != null) {
        commentLatency.flush();
      }
      roomToViewer.flush();
      if (events != 0) {
        AudienceStats.this.events.add(events);
        events = 0;
      }
      if (messages != 0) {
        AudienceStats.this.messages.add(messages);
        messages = 0;
      }
    }
  }
}
