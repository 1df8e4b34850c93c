package io.shardcast.cluster.gateway;

import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.ViewerSession;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * The outbound side of one viewer WebSocket: drains the viewer's {@link ViewerSession} as the
 * socket has room. Each frame's wire message is made once and shared by every viewer.
 */
final class SessionSource extends GraphStage<SourceShape<Message>> {

  private static final Function<Frame, Message> ENCODE = f -> TextMessage.create(f.json);

  private final Outlet<Message> out = Outlet.create("ViewerSession.out");
  private final SourceShape<Message> shape = SourceShape.of(out);
  private final ViewerSession session;
  private final Runnable onStart;
  private final Runnable onStop;

  SessionSource(ViewerSession session, Runnable onStart, Runnable onStop) {
    this.session = session;
    this.onStart = onStart;
    this.onStop = onStop;
  }

  @Override
  public SourceShape<Message> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      {
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            deliver();
          }
        });
      }

      @Override
      public void preStart() {
        AsyncCallback<Boolean> wake = createAsyncCallback(ignored -> deliver());
        session.onWakeup(() -> wake.invoke(Boolean.TRUE));
        onStart.run();
      }

      @Override
      public void postStop() {
        onStop.run();
      }

      private void deliver() {
        if (!isAvailable(out)) {
          return;
        }
        Frame f = session.poll();
        if (f != null) {
          push(out, f.wire(ENCODE));
          FanoutStats.FRAMES_OUT.add(f.size());
          FanoutStats.MESSAGES_OUT.increment();
          return;
        }
        if (session.overflowed()) {
          push(out, TextMessage.create("{\"type\":\"reconnect\",\"reason\":\"slow-consumer\",\"since\":"
              + session.deliveredSeq() + "}"));
          completeStage();
          return;
        }
        Frame closing = session.closingNotice();
        if (closing != null) {
          push(out, TextMessage.create(closing.json));
          completeStage();
        }
      }
    };
  }
}
