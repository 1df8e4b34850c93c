package io.shardcast.bench;

import java.io.IOException;
import java.util.List;

/**
 * The receive-only viewers of a {@code bench fanout} run, wherever they run: in the bench's own JVM
 * ({@link LocalAudience}) or spread over client processes ({@link ClientProcesses}). Viewer
 * {@code j} is user {@code v<j>} on node {@code j % nodes}, whichever process holds it.
 */
interface FanoutAudience extends AutoCloseable {

  /** Connects every viewer to the room; returns once all are open, or when connecting gave up on the rest. */
  AudienceReport connect(String roomId) throws IOException, InterruptedException;

  /** Measuring starts now: what was received before (the warm-up) is forgotten. */
  AudienceReport measure() throws IOException, InterruptedException;

  /** What the viewers received since {@link #measure()}, and how many are open; cheap to ask every few seconds. */
  AudienceReport report() throws IOException, InterruptedException;

  /** The last report of each client process, in order (one, for the bench's own JVM). */
  List<AudienceReport> byClient();

  @Override
  void close() throws IOException;
}
