package io.shardcast.room.reply;

import io.shardcast.room.state.CborSerializable;
import java.util.List;

/**
 * What a room answers, as values: the gateway maps each to an HTTP status and a JSON body, the
 * media router and the viewer listener read their fields. Every request's answer type is sealed,
 * so a caller's {@code switch} over it is checked complete by the compiler.
 */
public sealed interface RoomReply extends CborSerializable {

  /** The answers to {@code CreateRoom}. */
  sealed interface ToCreate extends RoomReply {}

  /** The answers to a host operation. */
  sealed interface ToHost extends RoomReply {}

  /** The answers to an order. */
  sealed interface ToOrder extends RoomReply {}

  /** The answers to a coupon claim. */
  sealed interface ToClaim extends RoomReply {}

  /** The answers to a snapshot read. */
  sealed interface ToSnapshot extends RoomReply {}

  /** The answers to a read of a sale's orders. */
  sealed interface ToOrders extends RoomReply {}

  /** The answers to a media publish, watch or route read. */
  sealed interface ToMedia extends RoomReply {}

  /** The answers to a platform's signed chat events. */
  sealed interface ToPlatform extends RoomReply {}

  /** Why a room turned a request down; the name is the error code clients see. */
  enum Reason {
    ROOM_NOT_FOUND, ROOM_EXISTS, FORBIDDEN, BAD_REQUEST, BAD_TITLE, BAD_QUANTITY,
    UNKNOWN_PRODUCT, UNKNOWN_COUPON, UNKNOWN_SALE, COUPON_EXISTS, BAG_EXISTS, SALE_EXISTS,
    UNKNOWN_DESTINATION, DESTINATION_EXISTS, TOO_MANY_DESTINATIONS, BAD_SIGNATURE, REPLAYED, UNKNOWN_SUGGESTION
  }

  /** A request turned down; nothing changed in the room. */
  record Rejected(Reason reason, String message)
      implements ToCreate, ToHost, ToOrder, ToClaim, ToSnapshot, ToOrders, ToMedia, ToPlatform {}

  /** The room exists; {@code isNew} false when it existed already with the same host token (seq then -1). */
  record Created(String roomId, long seq, boolean isNew) implements ToCreate {}

  /**
   * The room's restream destinations as JSON (no stream key), with each push's state as the origin
   * last reported it; {@code created} when the operation added one.
   */
  record Destinations(String json, boolean created) implements ToHost {}

  /**
   * A platform's events are in the room's journal: {@code accepted} new ones, {@code duplicates}
   * the room had already taken (a relay's retry).
   */
  record PlatformAccepted(String destinationId, int accepted, int duplicates) implements ToPlatform {}

  /** A reply the assistant suggests, waiting for the host's approval. */
  record Suggestion(long id, String text, String intent, String productId, List<String> askers,
      List<Long> questionSeqs, long atMillis) {}

  /** The room's assistant as its host reads it, as JSON (mode, suggestions, questions handed over). */
  record AssistantView(String json) implements ToHost {}

  /** A host operation persisted as the room's event {@code seq}. */
  record HostDone(String roomId, long seq) implements ToHost {}

  /** An order's outcome; {@code remaining} is the sale's stock left, -1 when unknown. */
  record OrderAnswer(String orderId, String saleId, String userId, int quantity, OrderResult result, int remaining)
      implements ToOrder {}

  /** How a coupon claim went. */
  enum ClaimResult { CLAIMED, ALREADY_CLAIMED, EXHAUSTED }

  /** A claim's outcome; {@code remaining} is the coupons left after a claim, -1 otherwise. */
  record ClaimAnswer(String couponId, String userId, ClaimResult result, int remaining) implements ToClaim {}

  /**
   * The room as a viewer's first frame shows it: {@code json} is that frame (the viewer protocol's
   * snapshot, rendered once by the room), {@code seq} the last event it includes.
   */
  record Snapshot(long seq, String json) implements ToSnapshot {}

  /** One confirmed order of a sale. */
  record SoldOrder(String orderId, String userId, int quantity, long atMillis) {}

  /** A sale's stock and every confirmed order. */
  record SaleOrders(String roomId, String saleId, int quantity, int sold, int remaining, List<SoldOrder> orders)
      implements ToOrders {}

  /**
   * Where the room's media comes from: {@code origin} is the publishing node's relay endpoint (null
   * when nobody publishes), {@code settling} true while the room has just started on its node and
   * no origin has announced itself yet (one may be publishing all the same).
   */
  record Route(boolean live, boolean settling, String camera, String origin, List<String> subscribers)
      implements ToMedia {}
}
