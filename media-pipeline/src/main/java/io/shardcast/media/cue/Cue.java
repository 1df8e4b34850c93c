package io.shardcast.media.cue;

/**
 * A commerce moment the room marks in its stream (a pin, an announcement, a sale's "the link is
 * live"): it rides on the first video frame the origin ingests at or after {@code atMillis} (epoch
 * milliseconds on the cluster's clock), so players show it with the frame the host said it on.
 *
 * @param seq the room event it marks (its sequence number), so a page joins the in-stream cue with
 *     the event it received over its socket
 * @param fieldsJson the event as viewers receive it: a JSON object, rendered by the room
 */
public record Cue(long atMillis, long seq, String type, String fieldsJson) {

  public Cue {
    if (fieldsJson == null || !fieldsJson.startsWith("{") || !fieldsJson.endsWith("}")) {
      throw new IllegalArgumentException("a cue's fields are a JSON object, not " + fieldsJson);
    }
  }
}
