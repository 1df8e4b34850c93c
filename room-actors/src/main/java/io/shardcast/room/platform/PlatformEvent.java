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
  @JsonSubTypes.Type(value = PlatformEvent.Like.class, name = "like")
})
public sealed interface PlatformEvent extends CborSerializable {

  String eventId();

  /** A viewer on the platform commented. */
  record Comment(String eventId, String userId, String userName, String text) implements PlatformEvent {}

  /** A viewer on the platform sent {@code count} of {@code gift}. */
  record Gift(String eventId, String userId, String userName, String gift, int count) implements PlatformEvent {}

  /** {@code count} likes on the platform since the relay's last like event. */
  record Like(String eventId, long count) implements PlatformEvent {}
}
