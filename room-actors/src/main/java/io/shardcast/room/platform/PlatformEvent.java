package io.shardcast.room.platform;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.shardcast.room.state.CborSerializable;

/**
 * One event from a platform's chat, as a relay sends it in a signed request
 * ({@code POST /api/rooms/{id}/platform-events}). {@code eventId} is the relay's id for it: the
 * room takes each id once.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
  @JsonSubTypes.Type(value = PlatformEvent.Comment.class, name = "comment"),
  @JsonSubTypes.Type(value = PlatformEvent.Gift.class, name = "gift"),
  @JsonSubTypes.Type(value = PlatformEvent.Like.class, name = "like"),
  @JsonSubTypes.Type(value = PlatformEvent.Viewers.class, name = "viewers"),
  @JsonSubTypes.Type(value = PlatformEvent.Order.class, name = "order")
})
public sealed interface PlatformEvent extends CborSerializable {

  String eventId();

  /** A viewer on the platform commented. */
  record Comment(String eventId, String userId, String userName, String text) implements PlatformEvent {}

  /** A viewer on the platform sent {@code count} of {@code gift}. */
  record Gift(String eventId, String userId, String userName, String gift, int count) implements PlatformEvent {}

  /** {@code count} likes on the platform since the relay's last like event. */
  record Like(String eventId, long count) implements PlatformEvent {}

  /** The platform's audience now: {@code viewers} watching, {@code joins} new since the relay's last report. */
  record Viewers(String eventId, long viewers, long joins) implements PlatformEvent {}

  /**
   * An order on the platform's own shop for one of the room's products ({@code priceCents} -1: not
   * given). It counts in the platform's numbers; the room's stock and sales are the room's own.
   */
  record Order(String eventId, String userId, String productId, int quantity, long priceCents)
      implements PlatformEvent {}
}
