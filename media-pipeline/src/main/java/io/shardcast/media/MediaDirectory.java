package io.shardcast.media;

import java.util.concurrent.CompletionStage;

/**
 * What the media plane asks of the rooms (the seam to the cluster): may this host publish, and
 * where does a room's media come from. The node implements it with the room entities; tests use
 * {@link StaticDirectory}.
 */
public interface MediaDirectory {

  enum Verdict {
    OK(200), BAD_REQUEST(400), FORBIDDEN(403), UNKNOWN_ROOM(404), NOT_LIVE(404), UNAVAILABLE(503);

    public final int httpStatus;

    Verdict(int httpStatus) {
      this.httpStatus = httpStatus;
    }
  }

  record Decision(Verdict verdict, String message) {
    public static final Decision OK = new Decision(Verdict.OK, "ok");

    public boolean ok() {
      return verdict == Verdict.OK;
    }
  }

  /** May the holder of {@code token} publish {@code key} into the room? */
  CompletionStage<Decision> authorizePublish(String roomId, String token, TrackKey key);

  /** A track of the room started ({@code live}) or stopped being ingested on this node. */
  void publishing(String roomId, TrackKey key, boolean live);

  /**
   * A viewer on this node wants a room that has no live track here: OK once its media is on the
   * way (relayed from the origin), NOT_LIVE when nobody publishes, UNKNOWN_ROOM when it does not exist.
   */
  CompletionStage<Decision> watch(String roomId);
}
