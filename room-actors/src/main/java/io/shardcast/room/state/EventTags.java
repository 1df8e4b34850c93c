package io.shardcast.room.state;

import io.shardcast.room.state.RoomEvent.*;
import java.util.Set;

/**
 * The tags a room's events carry in the journal, for what reads them from outside the room (the
 * webhooks to a platform's back office, the per-platform numbers): every room's events go to one of
 * {@link #STREAMS} tags by room id, so each tag is a stream in which a room's events keep their order.
 * Only the events those readers use are tagged; the rest cost the journal nothing more.
 */
public final class EventTags {

  /** How many tagged streams the rooms' events are spread over. Fixed: a tag never changes room. */
  public static final int STREAMS = 4;

  private static final String PREFIX = "room-events-";

  private EventTags() {}

  /** The tag of stream {@code i} (0..STREAMS-1). */
  public static String tag(int i) {
    return PREFIX + i;
  }

  /** The tag of the room's stream. */
  public static String tagOf(String roomId) {
    return tag(Math.floorMod(roomId.hashCode(), STREAMS));
  }

  /** The tags of {@code event} in room {@code roomId}: its stream's, or none. */
  public static Set<String> of(String roomId, RoomEvent event) {
    return readOutside(event) ? Set.of(tagOf(roomId)) : Set.of();
  }

  /** Whether a reader outside the room uses the event. */
  static boolean readOutside(RoomEvent e) {
    return e instanceof RoomCreated || e instanceof ShowStarted || e instanceof ShowEnded
        || e instanceof FlashSaleAnnounced || e instanceof FlashSaleOpened || e instanceof SaleProgress
        || e instanceof OrderConfirmed || e instanceof CouponClaimed || e instanceof LuckyBagDrawn
        || e instanceof ProductAdded || e instanceof CommentPosted || e instanceof PlatformCommentPosted
        || e instanceof GiftSent || e instanceof PlatformGiftSent || e instanceof LikesTallied
        || e instanceof PlatformLiked || e instanceof HostReplied || e instanceof AudienceSampled
        || e instanceof PlatformAudience || e instanceof PlatformOrdered;
  }
}
