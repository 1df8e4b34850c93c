package io.shardcast.bench.jmh;

import io.shardcast.room.fanout.Frame;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.function.Function;

/**
 * A frame's wire form as the viewer connection makes it: one WebSocket text frame. The encoder
 * ({@code io.shardcast.cluster.viewer.WebSocketCodec.textFrame}) is package-private in the cluster
 * module, so the benchmarks reach that same method through a constant method handle, which the JIT
 * inlines like a direct call, rather than measure a copy of it.
 */
final class ViewerWire {

  private static final MethodHandle TEXT_FRAME = textFrameHandle();

  /** What {@code ViewerConnection} hands {@link Frame#wire}: the first viewer encodes, the others share. */
  static final Function<Frame, byte[]> ENCODER = f -> textFrame(f.json);

  private ViewerWire() {}

  /** One unfragmented WebSocket text frame holding {@code json}. */
  static byte[] textFrame(String json) {
    try {
      return (byte[]) TEXT_FRAME.invokeExact(json);
    } catch (Throwable t) {
      throw new IllegalStateException("WebSocketCodec.textFrame failed", t);
    }
  }

  private static MethodHandle textFrameHandle() {
    try {
      Method m = Class.forName("io.shardcast.cluster.viewer.WebSocketCodec").getDeclaredMethod("textFrame", String.class);
      m.setAccessible(true);
      return MethodHandles.lookup().unreflect(m);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the viewer connection's encoder moved: update ViewerWire", e);
    }
  }
}
