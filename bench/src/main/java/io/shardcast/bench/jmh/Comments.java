package io.shardcast.bench.jmh;

import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.FrameRenderer;
import io.shardcast.room.state.RoomEvent.CommentPosted;

/** The commonest room event in the benchmarks: a viewer's comment, about 200 bytes as viewer JSON. */
final class Comments {

  /** A typical shopping question; with its envelope the rendered JSON is about 200 bytes. */
  static final String TEXT =
      "Is the 256 GB one still in stock in midnight blue? Ordered the silver last week, it came in two days. Show the back?";
  static final String USER = "viewer-48213";

  private Comments() {}

  static CommentPosted event(long seq) {
    return new CommentPosted(seq, USER, TEXT, System.currentTimeMillis());
  }

  /** The comment {@code seq} as the room renders it. */
  static Frame rendered(long seq) {
    return FrameRenderer.render(event(seq));
  }

  /**
   * The comment {@code seq} stamped {@code createdAtMillis}: a viewer queue samples away chat older
   * than its max-chat-age, so a benchmark that reuses frames for minutes stamps them ahead.
   */
  static Frame createdAt(long seq, long createdAtMillis) {
    Frame r = rendered(seq);
    return new Frame(r.seq, r.json, r.priority, r.releaseAtMillis, r.snapshot, createdAtMillis);
  }
}
