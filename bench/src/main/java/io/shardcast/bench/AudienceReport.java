package io.shardcast.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardcast.testkit.load.LatencyRecorder;
import java.util.Arrays;
import java.util.List;

/**
 * What the receive-only viewers of one fan-out client (the bench's own JVM, or one of its client
 * processes) measured, or of several added together. Latencies travel as 1 ms histograms, so the
 * percentiles of a sum are those of every sample together, never an average of percentiles. A
 * client process sends one as a JSON line.
 *
 * @param viewers the viewers the client was given
 * @param connected of those, how many were open when connecting ended
 * @param open how many are open now
 * @param events events received since measuring started (a batch counts each event it carries)
 * @param messages WebSocket messages received since measuring started
 * @param outOfOrder events whose seq was not above the last one the viewer had (the whole run)
 * @param openFilesLimit how many files the client process may open (of a sum, the least); -1 unknown
 * @param commentLatency comment -> viewer, from the sender's stamp, since measuring started
 * @param roomToViewer room accept -> viewer, since measuring started
 */
record AudienceReport(int viewers, long connected, long open, long events, long messages, long outOfOrder,
    long openFilesLimit, Latencies commentLatency, Latencies roomToViewer) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The reports of several clients as one: counts added, histograms merged, the tightest open-files limit. */
  static AudienceReport merge(List<AudienceReport> reports) {
    int viewers = 0;
    long connected = 0;
    long open = 0;
    long events = 0;
    long messages = 0;
    long outOfOrder = 0;
    long limit = -1;
    Latencies comments = Latencies.NONE;
    Latencies room = Latencies.NONE;
    for (AudienceReport r : reports) {
      viewers += r.viewers;
      connected += r.connected;
      open += r.open;
      events += r.events;
      messages += r.messages;
      outOfOrder += r.outOfOrder;
      if (r.openFilesLimit >= 0) {
        limit = limit < 0 ? r.openFilesLimit : Math.min(limit, r.openFilesLimit);
      }
      comments = comments.plus(r.commentLatency);
      room = room.plus(r.roomToViewer);
    }
    return new AudienceReport(viewers, connected, open, events, messages, outOfOrder, limit, comments, room);
  }

  /** This report as one line of JSON. */
  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audience report could not be written as JSON", e);
    }
  }

  /** The report in a line {@link #toJson()} wrote. */
  static AudienceReport fromJson(String line) {
    try {
      return JSON.readValue(line, AudienceReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an audience report: " + line, e);
    }
  }

  /**
   * Latency samples in 1 ms buckets, only those holding samples: {@code millis[i]} (ascending)
   * was measured {@code counts[i]} times.
   */
  record Latencies(long[] millis, long[] counts) {

    static final Latencies NONE = new Latencies(new long[0], new long[0]);

    Latencies {
      if (millis.length != counts.length) {
        throw new IllegalArgumentException("latencies need a count for each millisecond value");
      }
    }

    /** The samples of a histogram with one count per millisecond ({@link LatencyRecorder#counts()}). */
    static Latencies of(long[] perMillisecond) {
      int n = 0;
      for (long c : perMillisecond) {
        n += c != 0 ? 1 : 0;
      }
      long[] millis = new long[n];
      long[] counts = new long[n];
      int k = 0;
      for (int ms = 0; ms < perMillisecond.length; ms++) {
        if (perMillisecond[ms] != 0) {
          millis[k] = ms;
          counts[k++] = perMillisecond[ms];
        }
      }
      return new Latencies(millis, counts);
    }

    /** These samples and {@code other}'s together. */
    Latencies plus(Latencies other) {
      long last = Math.max(millis.length == 0 ? -1 : millis[millis.length - 1],
          other.millis.length == 0 ? -1 : other.millis[other.millis.length - 1]);
      return of(other.addTo(addTo(new long[(int) last + 1])));
    }

    /** Adds these samples to a histogram with one count per millisecond (long enough for them); returns it. */
    long[] addTo(long[] perMillisecond) {
      for (int i = 0; i < millis.length; i++) {
        perMillisecond[(int) millis[i]] += counts[i];
      }
      return perMillisecond;
    }

    long count() {
      long n = 0;
      for (long c : counts) {
        n += c;
      }
      return n;
    }

    /** The q-quantile (0..1) in ms, as {@link LatencyRecorder} computes it; -1 with no samples. */
    long quantile(double q) {
      int length = millis.length == 0 ? 1 : (int) millis[millis.length - 1] + 1;
      return LatencyRecorder.quantileBetween(null, addTo(new long[length]), q);
    }

    // Two histograms are equal when they hold the same samples (a record compares arrays by identity).
    @Override
    public boolean equals(Object o) {
      return o instanceof Latencies l && Arrays.equals(millis, l.millis) && Arrays.equals(counts, l.counts);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(millis) + Arrays.hashCode(counts);
    }
  }
}
