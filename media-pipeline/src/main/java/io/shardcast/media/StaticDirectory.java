package io.shardcast.media;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A directory of rooms and host tokens held in memory: one node serving its own ingest (tests, benchmarks). */
public final class StaticDirectory implements MediaDirectory {

  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final MediaHub hub;

  public StaticDirectory(MediaHub hub) {
    this.hub = hub;
  }

  public StaticDirectory room(String roomId, String token) {
    tokens.put(roomId, token);
    return this;
  }

  @Override
  public CompletionStage<Decision> authorizePublish(String roomId, String token, TrackKey key) {
    String expected = tokens.get(roomId);
    if (expected == null) {
      return CompletableFuture.completedFuture(new Decision(Verdict.UNKNOWN_ROOM, "no room " + roomId));
    }
    if (!expected.equals(token)) {
      return CompletableFuture.completedFuture(new Decision(Verdict.FORBIDDEN, "wrong host token for room " + roomId));
    }
    return CompletableFuture.completedFuture(Decision.OK);
  }

  @Override
  public void publishing(String roomId, TrackKey key, boolean live) {}

  @Override
  public CompletionStage<Decision> watch(String roomId) {
    if (!tokens.containsKey(roomId)) {
      return CompletableFuture.completedFuture(new Decision(Verdict.UNKNOWN_ROOM, "no room " + roomId));
    }
    MediaRoom room = hub.existing(roomId);
    return CompletableFuture.completedFuture(room != null && room.live() ? Decision.OK
        : new Decision(Verdict.NOT_LIVE, "room " + roomId + " is not live"));
  }
}
