package io.shardcast.cluster.gateway;

import io.shardcast.room.LiveRoom;
import io.shardcast.room.platform.PlatformEvent;
import io.shardcast.room.platform.PlatformSignature;
import io.shardcast.room.reply.RoomReply;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/rooms/{id}/platform-events}: a platform relay's chat events, signed with the
 * destination's chat secret ({@link PlatformSignature}). Checked here: the size (64 KiB, else 413),
 * the signature headers (else 401), the timestamp (within 5 minutes of this node's clock, else 401)
 * and the body (else 400). Checked by the room, which holds the secret: the signature (401) and a
 * replay (409). Nothing refused is recorded; each refusal is logged with the room and destination.
 */
final class PlatformChatRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(PlatformChatRoutes.class);

  private final ClusterSharding sharding;
  private final GatewaySettings settings;

  PlatformChatRoutes(ClusterSharding sharding, GatewaySettings settings) {
    this.sharding = sharding;
    this.settings = settings;
  }

  Route events(String roomId) {
    return post(() -> withSizeLimit(PlatformEventsBody.MAX_BYTES, () ->
        optionalHeaderValueByName(PlatformSignature.DESTINATION_HEADER, destination ->
            optionalHeaderValueByName(PlatformSignature.TIMESTAMP_HEADER, timestamp ->
                optionalHeaderValueByName(PlatformSignature.SIGNATURE_HEADER, signature ->
                    entity(Unmarshaller.entityToByteArray(), body ->
                        take(roomId, destination, timestamp, signature, body)))))));
  }

  private Route take(String roomId, Optional<String> destination, Optional<String> timestamp,
      Optional<String> signature, byte[] body) {
    if (destination.isEmpty() || timestamp.isEmpty() || signature.isEmpty()) {
      return refuse(roomId, destination.orElse("?"), 401, "SIGNATURE_MISSING", "platform events need the headers "
          + PlatformSignature.DESTINATION_HEADER + ", " + PlatformSignature.TIMESTAMP_HEADER + " and "
          + PlatformSignature.SIGNATURE_HEADER + " (docs/api.md, \"Platform chat\")");
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.get().trim());
    } catch (NumberFormatException e) {
      return refuse(roomId, destination.get(), 401, "BAD_TIMESTAMP", PlatformSignature.TIMESTAMP_HEADER
          + " must be the signing time in Unix seconds");
    }
    long skew = Math.abs(System.currentTimeMillis() / 1000 - seconds);
    if (skew > PlatformSignature.WINDOW_SECONDS) {
      return refuse(roomId, destination.get(), 401, "STALE_TIMESTAMP", "the request was signed " + skew
          + " s from this node's time; at most " + PlatformSignature.WINDOW_SECONDS + " s either way is accepted");
    }
    List<PlatformEvent> events;
    try {
      events = PlatformEventsBody.parse(body);
    } catch (Gateway.BadInput e) {
      return refuse(roomId, destination.get(), e.status, e.code, e.getMessage());
    }
    CompletionStage<RoomReply.ToPlatform> reply = sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId)
        .ask(r -> new LiveRoom.PlatformEvents(destination.get(), seconds, signature.get(), body, events, r),
            settings.askTimeout());
    return onComplete(reply, t -> complete(t.isSuccess() ? RoomAnswers.http(t.get())
        : JsonReply.error(503, "TIMEOUT", "room " + roomId + " did not answer in time; retry with the same ids")));
  }

  private Route refuse(String roomId, String destination, int status, String code, String message) {
    log.info("room {}: platform events for destination {} refused: {} {}", roomId,
        destination.length() > 64 ? destination.substring(0, 64) + "..." : destination, status, code);
    return complete(JsonReply.error(status, code, message));
  }

  private Route complete(JsonReply reply) {
    return complete(HttpResponse.create().withStatus(reply.status())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, reply.body())));
  }
}
