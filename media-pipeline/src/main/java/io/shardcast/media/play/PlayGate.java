package io.shardcast.media.play;

import java.util.Map;

/**
 * Who may watch a room's media (HTTP-FLV, WebSocket-FLV, RTMP play), asked with the player's
 * query parameters before the room is looked up. Publishing is not asked here: it takes the host
 * token.
 */
@FunctionalInterface
public interface PlayGate {

  /** Everyone may watch. */
  PlayGate OPEN = (roomId, params, nowMillis) -> null;

  /**
   * Null when the player may watch {@code roomId}, else why not.
   *
   * @param params the player's query parameters (an HTTP query, or an RTMP stream name's)
   */
  Refused check(String roomId, Map<String, String> params, long nowMillis);

  /** Why a player may not watch: an HTTP status and an error code, as the player is told. */
  record Refused(int status, String code, String message) {}
}
