package io.shardcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.shardcast.bench.AudienceReport.Latencies;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two client processes' reports merged: counts added, percentiles of every sample together, through JSON. */
class AudienceReportTest {

  /** {@code count} samples of {@code millis} each, per pair. */
  static Latencies samples(long... millisAndCount) {
    long[] perMillisecond = new long[1000];
    for (int i = 0; i < millisAndCount.length; i += 2) {
      perMillisecond[(int) millisAndCount[i]] += millisAndCount[i + 1];
    }
    return Latencies.of(perMillisecond);
  }

  // One client saw a slow tail (2 of 100 at 500 ms), the other none: alone their p99 are 500 and 30 ms.
  static final AudienceReport FIRST = new AudienceReport(5000, 4990, 4980, 150_000, 30_000, 1, 20_000,
      samples(10, 98, 500, 2), samples(8, 100));
  static final AudienceReport SECOND = new AudienceReport(5000, 5000, 5000, 151_000, 31_000, 2, 19_000,
      samples(30, 100), samples(25, 50, 40, 50));

  @Test
  void mergedPercentilesAreThoseOfEverySampleNotAnAverage() {
    AudienceReport merged = AudienceReport.merge(List.of(FIRST, SECOND));

    assertEquals(500, FIRST.commentLatency().quantile(0.99));
    assertEquals(30, SECOND.commentLatency().quantile(0.99));
    // 200 samples: 98 at 10 ms, 100 at 30 ms, 2 at 500 ms. The 100th is 30 ms, the 198th 30 ms,
    // the 199th 500 ms; the averaged p99 would have been 265 ms.
    assertEquals(200, merged.commentLatency().count());
    assertEquals(30, merged.commentLatency().quantile(0.5));
    assertEquals(30, merged.commentLatency().quantile(0.99));
    assertEquals(500, merged.commentLatency().quantile(0.995));
    assertEquals(10, merged.commentLatency().quantile(0.4));
    assertEquals(500, merged.commentLatency().quantile(1.0));
    // Room -> viewer: 100 at 8, 50 at 25, 50 at 40 ms.
    assertEquals(200, merged.roomToViewer().count());
    assertEquals(8, merged.roomToViewer().quantile(0.5));
    assertEquals(40, merged.roomToViewer().quantile(0.99));
  }

  @Test
  void mergedCountsAreSums() {
    AudienceReport merged = AudienceReport.merge(List.of(FIRST, SECOND));

    assertEquals(10_000, merged.viewers());
    assertEquals(9_990, merged.connected());
    assertEquals(9_980, merged.open(), "10 dropped by the first client, none by the second");
    assertEquals(301_000, merged.events());
    assertEquals(61_000, merged.messages());
    assertEquals(3, merged.outOfOrder());
    assertEquals(19_000, merged.openFilesLimit(), "the tightest client's");
  }

  @Test
  void aReportSurvivesItsJsonLine() {
    String line = FIRST.toJson();

    assertFalse(line.contains("\n"));
    AudienceReport back = AudienceReport.fromJson(line);
    assertEquals(FIRST, back);
    assertEquals(500, back.commentLatency().quantile(0.99));
  }

  @Test
  void noSamplesHaveNoPercentile() {
    AudienceReport merged = AudienceReport.merge(List.of(
        new AudienceReport(0, 0, 0, 0, 0, 0, -1, Latencies.NONE, Latencies.NONE),
        new AudienceReport(0, 0, 0, 0, 0, 0, -1, Latencies.NONE, Latencies.NONE)));

    assertEquals(-1, merged.commentLatency().quantile(0.99));
    assertEquals(0, merged.commentLatency().count());
    assertEquals(-1, merged.openFilesLimit(), "unknown when no client knew it");
  }
}
