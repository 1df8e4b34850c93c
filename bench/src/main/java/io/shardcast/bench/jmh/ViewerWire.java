package io.shardcast.bench.jmh;

import io.shardcast.room.fanout.Frame;
import io.shardcast.wire.WebSocket;
import java.util.function.Function;

/** A frame's wire form as the viewer connection makes it: one WebSocket text frame, by the wire module's encoder. */
final class ViewerWire {

  /** What {@code ViewerConnection} hands {@link Frame#wire}: the first viewer encodes, the others share. */
  static final Function<Frame, byte[]> ENCODER = f -> textFrame(f.json);

  private ViewerWire() {}

  /** One unfragmented WebSocket text frame holding {@code json}. */
  static byte[] textFrame(String json) {
    return WebSocket.textFrame(json);
  }
}
