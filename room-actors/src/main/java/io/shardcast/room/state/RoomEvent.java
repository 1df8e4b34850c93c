package io.shardcast.room.state;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What happened in a room, as written to the journal. Events a viewer sees carry the room's
 * gap-free {@code seq} (1, 2, 3, ...); events only the room needs carry {@code seq = 0}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
  @JsonSubTypes.Type(value = RoomEvent.RoomCreated.class, name = "created"),
  @JsonSubTypes.Type(value = RoomEvent.ProductAdded.class, name = "product"),
  @JsonSubTypes.Type(value = RoomEvent.ProductPinned.class, name = "pin"),
  @JsonSubTypes.Type(value = RoomEvent.CouponIssued.class, name = "coupon"),
  @JsonSubTypes.Type(value = RoomEvent.CouponClaimed.class, name = "claim"),
  @JsonSubTypes.Type(value = RoomEvent.LuckyBagStarted.class, name = "bag"),
  @JsonSubTypes.Type(value = RoomEvent.LuckyBagDrawn.class, name = "draw"),
  @JsonSubTypes.Type(value = RoomEvent.FlashSaleAnnounced.class, name = "sale"),
  @JsonSubTypes.Type(value = RoomEvent.FlashSaleOpened.class, name = "open"),
  @JsonSubTypes.Type(value = RoomEvent.OrderConfirmed.class, name = "order"),
  @JsonSubTypes.Type(value = RoomEvent.SaleProgress.class, name = "progress"),
  @JsonSubTypes.Type(value = RoomEvent.CommentPosted.class, name = "comment"),
  @JsonSubTypes.Type(value = RoomEvent.LikesTallied.class, name = "likes"),
  @JsonSubTypes.Type(value = RoomEvent.GiftSent.class, name = "gift"),
  @JsonSubTypes.Type(value = RoomEvent.HostAnnounced.class, name = "announce"),
  @JsonSubTypes.Type(value = RoomEvent.CameraSwitched.class, name = "camera"),
  @JsonSubTypes.Type(value = RoomEvent.CohostAdded.class, name = "cohost"),
  @JsonSubTypes.Type(value = RoomEvent.CommentRemoved.class, name = "uncomment"),
  @JsonSubTypes.Type(value = RoomEvent.UserMuted.class, name = "mute"),
  @JsonSubTypes.Type(value = RoomEvent.DestinationAdded.class, name = "destination"),
  @JsonSubTypes.Type(value = RoomEvent.DestinationRemoved.class, name = "undestination"),
  @JsonSubTypes.Type(value = RoomEvent.PlatformCommentPosted.class, name = "pcomment"),
  @JsonSubTypes.Type(value = RoomEvent.PlatformGiftSent.class, name = "pgift"),
  @JsonSubTypes.Type(value = RoomEvent.PlatformLiked.class, name = "plike"),
  @JsonSubTypes.Type(value = RoomEvent.HostReplied.class, name = "reply"),
  @JsonSubTypes.Type(value = RoomEvent.ShowStarted.class, name = "onair"),
  @JsonSubTypes.Type(value = RoomEvent.ShowEnded.class, name = "offair"),
  @JsonSubTypes.Type(value = RoomEvent.AudienceSampled.class, name = "audience"),
  @JsonSubTypes.Type(value = RoomEvent.PlatformAudience.class, name = "paudience"),
  @JsonSubTypes.Type(value = RoomEvent.PlatformOrdered.class, name = "porder"),
  @JsonSubTypes.Type(value = RoomEvent.PoliciesSet.class, name = "policies"),
  @JsonSubTypes.Type(value = RoomEvent.AssistantModeSet.class, name = "assistantmode"),
  @JsonSubTypes.Type(value = RoomEvent.AssistantAnswered.class, name = "assistant")
})
public sealed interface RoomEvent extends CborSerializable {

  /** The room sequence number viewers see, or 0 for an event not shown to viewers. */
  long seq();

  record RoomCreated(long seq, String title, String hostTokenHash, long atMillis) implements RoomEvent {}

  /** A product put on sale, or put again (it replaces the earlier one); {@code facts} null in older journals. */
  record ProductAdded(long seq, String productId, String name, long priceCents, int stock, ProductFacts facts)
      implements RoomEvent {}

  record ProductPinned(long seq, String productId) implements RoomEvent {}

  record CouponIssued(long seq, String couponId, String productId, long discountCents, int count)
      implements RoomEvent {}

  record CouponClaimed(long seq, String couponId, String userId, int remaining) implements RoomEvent {}

  record LuckyBagStarted(long seq, String bagId, String keyword, long endsAtMillis, int winners, String prize)
      implements RoomEvent {}

  /** The draw: {@code seedHex} is derived from the entrants, so anyone can re-run it from the journal. */
  record LuckyBagDrawn(long seq, String bagId, int entrants, String seedHex, List<String> winners)
      implements RoomEvent {}

  record FlashSaleAnnounced(
      long seq,
      String saleId,
      String productId,
      int quantity,
      int perUserLimit,
      long priceCents,
      long revealAtMillis)
      implements RoomEvent {}

  /** Persisted shortly before revealAt; edges hold it back until revealAt so every node opens together. */
  record FlashSaleOpened(long seq, String saleId, long revealAtMillis) implements RoomEvent {}

  record OrderConfirmed(long seq, String saleId, String orderId, String userId, int quantity, long atMillis)
      implements RoomEvent {}

  /** One per sale per persisted batch of orders: stock left and a few recent buyers ("just bought"). */
  record SaleProgress(long seq, String saleId, int remaining, int soldInBatch, List<String> recentBuyers)
      implements RoomEvent {}

  record CommentPosted(long seq, String userId, String text, long atMillis) implements RoomEvent {}

  record LikesTallied(long seq, long delta, long total) implements RoomEvent {}

  record GiftSent(long seq, String userId, String gift, int count) implements RoomEvent {}

  record HostAnnounced(long seq, String text) implements RoomEvent {}

  record CameraSwitched(long seq, String camera) implements RoomEvent {}

  record CohostAdded(long seq, String userId) implements RoomEvent {}

  /** The host took the comment {@code commentSeq} off the chat. */
  record CommentRemoved(long seq, long commentSeq) implements RoomEvent {}

  /** The host muted {@code userId} until {@code untilMillis}; 0 lifts the mute. */
  record UserMuted(long seq, String userId, long untilMillis) implements RoomEvent {}

  /**
   * The room is restreamed to {@code url} + "/" + {@code streamKey} (seq 0: viewers never see it;
   * the key is read back from the journal by the room alone). {@code chatSecret} signs the
   * destination's platform events in and the host's replies out (null: no chat from it);
   * {@code replyUrl} is where replies go (null: none).
   */
  record DestinationAdded(long seq, String destinationId, String platform, String url, String streamKey, String layer,
      String chatSecret, String replyUrl)
      implements RoomEvent {}

  record DestinationRemoved(long seq, String destinationId) implements RoomEvent {}

  /**
   * A comment from a platform's chat, relayed by the destination's signed webhook: in the room's
   * sequence like a local one (seq 0 when over the chat broadcast rate). {@code userId} is the
   * platform's, {@code eventId} the relay's id for the event (a repeat of it is dropped).
   */
  record PlatformCommentPosted(long seq, String destinationId, String platform, String eventId, String userId,
      String userName, String text, long atMillis)
      implements RoomEvent {}

  /** A gift sent on a platform, relayed like a comment. */
  record PlatformGiftSent(long seq, String destinationId, String platform, String eventId, String userId,
      String userName, String gift, int count, long atMillis)
      implements RoomEvent {}

  /** Likes on a platform (seq 0: they reach viewers in the room's next likes tally). */
  record PlatformLiked(long seq, String destinationId, String platform, String eventId, long count, long atMillis)
      implements RoomEvent {}

  /**
   * The host answered in the chat: shown in the room and sent to {@code destinationIds}' platforms.
   * {@code inReplyToSeq} is the comment answered (0: none).
   */
  record HostReplied(long seq, String text, long inReplyToSeq, List<String> destinationIds, long atMillis)
      implements RoomEvent {}

  /** The room went live: its first origin (seq 0: viewers see the video, not this event). */
  record ShowStarted(long seq, long atMillis) implements RoomEvent {}

  /** The room's show ended: no origin for the show-end grace ({@code lastMediaAtMillis}: the last sign of one). */
  record ShowEnded(long seq, long atMillis, long lastMediaAtMillis) implements RoomEvent {}

  /**
   * The room's own audience while the show is on (seq 0), every 15 s: the viewers connected now,
   * and how many the edges took in since the last sample.
   */
  record AudienceSampled(long seq, int viewers, long joins, long atMillis) implements RoomEvent {}

  /** A platform's audience as its relay reported it (seq 0): viewers now, and new viewers since its last report. */
  record PlatformAudience(long seq, String destinationId, String platform, String eventId, long viewers, long joins,
      long atMillis)
      implements RoomEvent {}

  /**
   * An order taken on a platform's own shop, as its relay reported it (seq 0: the room's stock is
   * not touched; it counts in the platform's numbers). {@code priceCents} -1 when not given.
   */
  record PlatformOrdered(long seq, String destinationId, String platform, String eventId, String userId,
      String productId, int quantity, long priceCents, long atMillis)
      implements RoomEvent {}

  /** The host set the room's shop policies (seq 0: read by the assistant, not pushed to viewers). */
  record PoliciesSet(long seq, Policies policies) implements RoomEvent {}

  /** The host switched the room's assistant: {@code off}, {@code on} or {@code suggest} (seq 0). */
  record AssistantModeSet(long seq, String mode) implements RoomEvent {}

  /**
   * The assistant answered in the chat, from the room's facts: {@code askers} (names as shown) asked
   * the questions {@code questionSeqs}. {@code approvedByHost} when the host approved a suggestion.
   */
  record AssistantAnswered(long seq, String text, String intent, String productId, List<String> askers,
      List<Long> questionSeqs, boolean approvedByHost, long atMillis)
      implements RoomEvent {}
}
