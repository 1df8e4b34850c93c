package io.shardcast.media.cue;

import io.shardcast.media.amf.Amf0;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cues as FLV players and tools expect them: an {@code onCuePoint} script-data tag (an event cue
 * point: name, time in seconds, parameters) at the frame's timestamp, in the same stream as the
 * video, for players that read script data rather than SEI.
 */
public final class CuePoint {

  private static final byte[] NAME = {Amf0.STRING, 0, 10, 'o', 'n', 'C', 'u', 'e', 'P', 'o', 'i', 'n', 't'};

  private CuePoint() {}

  /** The tag body for {@code cue} on a frame at {@code timestamp} (ms on the room's clock). */
  public static byte[] encode(Cue cue, long timestamp) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("seq", String.valueOf(cue.seq()));
    parameters.put("event", cue.fieldsJson());
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("name", cue.type());
    point.put("time", timestamp / 1000.0);
    point.put("type", "event");
    point.put("parameters", parameters);
    return Amf0.encode("onCuePoint", point);
  }

  /** True for an {@code onCuePoint} script tag body (it travels in order with the frames, unlike metadata). */
  public static boolean is(byte[] scriptBody) {
    if (scriptBody.length < NAME.length) {
      return false;
    }
    for (int i = 0; i < NAME.length; i++) {
      if (scriptBody[i] != NAME[i]) {
        return false;
      }
    }
    return true;
  }
}
