package io.shardcast.room.media;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.room.reply.RoomReply.Route;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The media route of a room that has just started on a node (moved by a rebalance, or its node lost):
 * until its origin refreshes, a node asked to play the room must not be told "not live" for good.
 */
class MediaRouteTest {

  static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aRoomJustStartedIsSettlingUntilItsOriginRefreshes() {
    MediaRoute route = new MediaRoute("r1", 10_000, 3_000, 1_000);
    TestProbe<MediaNode> origin = KIT.createTestProbe();
    TestProbe<MediaNode> edge = KIT.createTestProbe();

    Route asked = route.watch(edge.ref(), "edge:1", "main", 1_200);
    assertFalse(asked.live());
    assertTrue(asked.settling(), "an edge asking before the origin's refresh is told to ask again");

    route.origin(origin.ref(), "origin:1", "main", 2_000);
    // The edge that asked is already a subscriber: the origin is told to relay to it.
    assertEquals(new MediaNode.RelayTo("r1", "edge:1"), origin.receiveMessage());
    Route live = route.watch(edge.ref(), "edge:1", "main", 2_100);
    assertTrue(live.live());
    assertFalse(live.settling());
    assertEquals("origin:1", live.origin());
  }

  @Test
  void aRoomNobodyPublishesToIsNotLiveOnceTheSettleTimeHasPassed() {
    MediaRoute route = new MediaRoute("r2", 10_000, 3_000, 1_000);
    assertTrue(route.describe("main", 3_999).settling());
    Route later = route.describe("main", 4_000);
    assertFalse(later.live());
    assertFalse(later.settling(), "after the settle time no origin means not live");
  }

  @Test
  void anOriginThatStopsRightAfterTheStartIsNotLiveAtOnce() {
    MediaRoute route = new MediaRoute("r3", 10_000, 3_000, 1_000);
    TestProbe<MediaNode> origin = KIT.createTestProbe();
    route.origin(origin.ref(), "origin:1", "main", 1_100);
    route.originGone("origin:1");
    Route gone = route.describe("main", 1_200);
    assertFalse(gone.live());
    assertFalse(gone.settling(), "the room heard from its origin: its leaving is final");
  }

  @Test
  void aCameraSwitchThatReachedNobodyWhileTheRoomMovedReachesEachNodeAtItsFirstRefresh() {
    // The room has just started on another node: its route knows no node yet, so the host's switch
    // is told to nobody.
    MediaRoute moved = new MediaRoute("r4", 10_000, 3_000, 1_000);
    TestProbe<MediaNode> origin = KIT.createTestProbe();
    TestProbe<MediaNode> edge = KIT.createTestProbe();
    moved.cameraSwitched("close-up");

    moved.origin(origin.ref(), "origin:1", "close-up", 1_500);
    assertEquals(new MediaNode.CameraIs("r4", "close-up"), origin.receiveMessage());
    moved.watch(edge.ref(), "edge:1", "close-up", 1_600);
    assertEquals(new MediaNode.RelayTo("r4", "edge:1"), origin.receiveMessage());
    assertEquals(new MediaNode.CameraIs("r4", "close-up"), edge.receiveMessage());

    // Refreshes of nodes it knows are not answered again.
    moved.origin(origin.ref(), "origin:1", "close-up", 3_500);
    moved.watch(edge.ref(), "edge:1", "close-up", 3_600);
    assertEquals(new MediaNode.RelayTo("r4", "edge:1"), origin.receiveMessage());
    origin.expectNoMessage(java.time.Duration.ofMillis(100));
    edge.expectNoMessage(java.time.Duration.ofMillis(100));
  }

  @Test
  void theMediaTimeRunsOnFromTheOriginsClockAndStopsWithTheOrigin() {
    MediaRoute route = new MediaRoute("r5", 10_000, 3_000, 1_000);
    TestProbe<MediaNode> origin = KIT.createTestProbe();
    assertEquals(-1, route.mediaTimeAt(5_000), "no origin, no media time");
    route.origin(origin.ref(), "origin:1", "main", 2_000);
    origin.receiveMessage(); // the camera
    route.anchor(40_000, 2_000); // the frame at 40 s was taken at 2,000 ms
    assertEquals(40_500, route.mediaTimeAt(2_500));
    assertEquals(43_000, route.mediaTimeAt(5_000), "a sale's reveal a little ahead");
    route.originGone("origin:1");
    assertEquals(-1, route.mediaTimeAt(2_500), "the stream stopped: events say nothing of it");
  }

  @Test
  void aMomentStillToComeIsCuedAgainOnAnOriginThatTakesOver() {
    MediaRoute route = new MediaRoute("r6", 10_000, 3_000, 1_000);
    TestProbe<MediaNode> first = KIT.createTestProbe();
    TestProbe<MediaNode> second = KIT.createTestProbe();
    route.origin(first.ref(), "origin:1", "main", 2_000);
    first.receiveMessage(); // the camera
    MediaNode.Cue pin = new MediaNode.Cue("r6", 2_100, 7, "pin", "{}");
    MediaNode.Cue reveal = new MediaNode.Cue("r6", 9_000, 8, "saleOpen", "{}");
    route.cue(pin, 2_100);
    route.cue(reveal, 2_100);
    assertEquals(pin, first.receiveMessage());
    assertEquals(reveal, first.receiveMessage());
    route.originGone("origin:1");
    route.origin(second.ref(), "origin:2", "main", 5_000);
    assertEquals(reveal, second.receiveMessage(), "the reveal is still to come: the new origin marks it");
    assertEquals(new MediaNode.CameraIs("r6", "main"), second.receiveMessage());
    second.expectNoMessage();
  }
}
