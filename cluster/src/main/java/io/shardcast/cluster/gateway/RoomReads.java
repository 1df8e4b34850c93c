package io.shardcast.cluster.gateway;

import io.shardcast.cluster.ask.Resend;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.reply.RoomReply;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Reads of a room (a snapshot, its orders, its media route): nothing changes, so a copy may be
 * answered twice, and each is sent again every {@code read-resend-interval} until one is answered
 * or the ask timeout has passed. A request sent while the room's node is being lost goes to that
 * node and is gone; a copy sent after the cluster has removed the node waits in the shard region
 * and is answered as soon as the room is back elsewhere, instead of the client waiting out the
 * timeout. Writes are never sent twice (an order is retried by its client, with its orderId).
 */
public final class RoomReads {

  private final ClusterSharding sharding;
  private final Duration timeout;
  private final Duration every;

  public RoomReads(ActorSystem<?> system, GatewaySettings settings) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = settings.askTimeout();
    this.every = settings.readResendInterval();
  }

  /** Asks room {@code roomId} with {@code command}, again every interval until answered or timed out. */
  public <R extends RoomReply> CompletionStage<R> ask(String roomId, Function<ActorRef<R>, LiveRoom.Command> command) {
    var room = sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId);
    return Resend.untilAnswered(left -> room.ask(command::apply, left), timeout, every);
  }
}
