package io.shardcast.room;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.shardcast.room.HostOp.*;
import io.shardcast.room.RoomEvent.*;
import io.shardcast.room.commerce.LuckyDraw;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LiveRoomTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "host-secret";
  private static ActorTestKit testKit;
  private static RoomSettings settings;
  private EventSourcedBehaviorTestKit<LiveRoom.Command, RoomEvent, RoomState> room;
  private String roomId;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
        .withFallback(ConfigFactory.load()));
    settings = RoomSettings.from(testKit.system().settings().config());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newRoom() {
    roomId = "room-" + UUID.randomUUID();
    room = EventSourcedBehaviorTestKit.create(testKit.system(),
        LiveRoom.create(roomId, settings),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    Reply created = room.<Reply>runCommand(r -> new LiveRoom.CreateRoom("Spring sale", HostToken.hash(TOKEN), r)).reply();
    assertEquals(201, created.status());
    host(new AddProduct("p1", "Lipstick", 1999, 500));
  }

  private Reply host(HostOp op) {
    return room.<Reply>runCommand(r -> new LiveRoom.Host(TOKEN, op, r)).reply();
  }

  private JsonNode order(String orderId, String user, String sale, int qty) throws Exception {
    Reply reply = room.<Reply>runCommand(r -> new LiveRoom.PlaceOrder(orderId, user, sale, qty, r)).reply();
    assertEquals(200, reply.status(), reply.body());
    return JSON.readTree(reply.body());
  }

  @Test
  void everyFlashSaleResult() throws Exception {
    long past = System.currentTimeMillis() - 1000;
    assertEquals(200, host(new AnnounceFlashSale("open", "p1", 3, 2, past)).status());
    assertEquals(200, host(new AnnounceFlashSale("later", "p1", 3, 2, System.currentTimeMillis() + 60_000)).status());

    assertEquals("UNKNOWN_SALE", order("o0", "alice", "nope", 1).get("result").asText());
    assertEquals("NOT_STARTED", order("o1", "alice", "later", 1).get("result").asText());
    assertEquals("CONFIRMED", order("o2", "alice", "open", 2).get("result").asText());
    assertEquals("LIMIT_REACHED", order("o3", "alice", "open", 1).get("result").asText());
    assertEquals("SOLD_OUT", order("o4", "bob", "open", 2).get("result").asText());
    assertEquals("CONFIRMED", order("o5", "bob", "open", 1).get("result").asText());
    assertEquals("SOLD_OUT", order("o6", "carol", "open", 1).get("result").asText());

    Reply orders = room.<Reply>runCommand(r -> new LiveRoom.GetOrders("open", r)).reply();
    JsonNode list = JSON.readTree(orders.body());
    assertEquals(3, list.get("sold").asInt());
    assertEquals(2, list.get("orders").size());
  }

  @Test
  void repeatedOrderIdReturnsTheOriginalConfirmationAndTakesNoMoreStock() throws Exception {
    host(new AnnounceFlashSale("s", "p1", 5, 5, System.currentTimeMillis() - 1));
    assertEquals("CONFIRMED", order("same", "alice", "s", 2).get("result").asText());
    JsonNode again = order("same", "alice", "s", 2);
    assertEquals("CONFIRMED", again.get("result").asText());
    assertEquals(3, again.get("remaining").asInt());
    // A retry is idempotent even with other parameters: the original order stands.
    JsonNode changed = order("same", "alice", "s", 1);
    assertEquals(2, changed.get("quantity").asInt());
    assertEquals(2, room.getState().sales.get("s").sold);
    assertEquals(1, room.getState().sales.get("s").orders.size());
  }

  @Test
  void badQuantitiesAreRejectedWithoutTouchingStock() throws Exception {
    host(new AnnounceFlashSale("s", "p1", 5, 5, System.currentTimeMillis() - 1));
    Reply negative = room.<Reply>runCommand(r -> new LiveRoom.PlaceOrder("x", "alice", "s", -3, r)).reply();
    assertEquals(400, negative.status());
    assertEquals(0, room.getState().sales.get("s").sold);
    assertEquals(400, host(new AnnounceFlashSale("bad", "p1", -1, 1, 1)).status());
    assertEquals(400, host(new AddProduct("p2", "x", 1, -5)).status());
  }

  @Test
  void hostOperationsNeedTheHostToken() {
    Reply reply = room.<Reply>runCommand(r -> new LiveRoom.Host("wrong", new Announce("hi"), r)).reply();
    assertEquals(403, reply.status());
    assertTrue(reply.body().contains("FORBIDDEN"));
    assertEquals(404, host(new PinProduct("missing")).status());
    assertEquals(200, host(new PinProduct("p1")).status());
    assertEquals("p1", room.getState().pinnedProductId);
  }

  @Test
  void couponsAreClaimedOncePerUserAndRunOut() throws Exception {
    host(new IssueCoupon("c1", "p1", 500, 2));
    String[] expected = {"CLAIMED", "ALREADY_CLAIMED", "CLAIMED", "EXHAUSTED"};
    String[] users = {"alice", "alice", "bob", "carol"};
    for (int i = 0; i < users.length; i++) {
      String user = users[i];
      Reply r = room.<Reply>runCommand(ref -> new LiveRoom.ClaimCoupon(user, "c1", ref)).reply();
      assertEquals(expected[i], JSON.readTree(r.body()).get("result").asText(), "claim by " + user);
    }
    assertEquals(0, room.getState().coupons.get("c1").remaining());
  }

  @Test
  void visibleEventsGetGapFreeSeqThatSurvivesRecovery() {
    host(new Announce("welcome"));
    room.runCommand(new LiveRoom.PostComment("alice", "hello"));
    host(new SwitchCamera("close-up"));
    long before = room.getState().seq;
    room.restart();
    assertEquals(before, room.getState().seq);
    assertEquals("close-up", room.getState().camera);
    host(new AddCohost("guest"));
    assertEquals(before + 1, room.getState().seq);
  }

  @Test
  void luckyBagDrawIsVerifiableFromTheJournal() throws Exception {
    CommandResultWithReply<LiveRoom.Command, RoomEvent, RoomState, Reply> started =
        room.runCommand(r -> new LiveRoom.Host(TOKEN, new StartLuckyBag("bag1", "lucky", 1000, 2, "gift box"), r));
    assertEquals(200, started.reply().status());
    for (String user : List.of("u1", "u2", "u3", "u2", "u4")) {
      room.runCommand(new LiveRoom.PostComment(user, "me lucky please"));
    }
    room.runCommand(new LiveRoom.PostComment("u5", "no keyword here"));
    long deadline = System.currentTimeMillis() + 10_000;
    while (room.getState().bags.get("bag1").drawnWinners == null && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    RoomState.LuckyBag bag = room.getState().bags.get("bag1");
    assertNotNull(bag.drawnWinners, "draw happened after the window");
    assertEquals(2, bag.drawnWinners.size());

    // Re-run the draw from the journal alone.
    List<RoomEvent> journal = new ArrayList<>();
    room.restart();
    journal.addAll(replayedEvents());
    LuckyBagStarted start = null;
    LuckyBagDrawn drawn = null;
    LinkedHashSet<String> entrants = new LinkedHashSet<>();
    for (RoomEvent e : journal) {
      if (e instanceof LuckyBagStarted s) {
        start = s;
      } else if (e instanceof CommentPosted c && start != null && drawn == null
          && c.atMillis() <= start.endsAtMillis() && c.text().contains(start.keyword())) {
        entrants.add(c.userId());
      } else if (e instanceof LuckyBagDrawn d) {
        drawn = d;
      }
    }
    assertNotNull(drawn);
    assertEquals(List.of("u1", "u2", "u3", "u4"), List.copyOf(entrants));
    LuckyDraw.Outcome recomputed = LuckyDraw.draw("bag1", entrants, 2);
    assertEquals(drawn.winners(), recomputed.winners());
    assertEquals(drawn.seedHex(), recomputed.seedHex());
  }

  @Test
  void commentsOverTheBroadcastRateAreKeptButNotShownAndSeqStaysGapFree() throws Exception {
    for (int i = 0; i < 200; i++) {
      room.runCommand(new LiveRoom.PostComment("u" + i, "comment " + i));
    }
    // Comments are group-committed by a message the room sends itself: wait for the last write.
    long deadline = System.currentTimeMillis() + 10_000;
    List<RoomEvent> journal = replayedEvents();
    List<CommentPosted> comments = List.of();
    while (System.currentTimeMillis() < deadline) {
      journal = replayedEvents();
      comments = journal.stream().filter(e -> e instanceof CommentPosted).map(e -> (CommentPosted) e).toList();
      if (comments.size() >= 200) {
        break;
      }
      Thread.sleep(20);
    }
    assertEquals(200, comments.size(), "every accepted comment is persisted");
    long shown = comments.stream().filter(c -> c.seq() > 0).count();
    assertTrue(shown >= settings.chatBroadcastRate() / 2 && shown < 200,
        "a burst is shown up to the broadcast rate's burst, the rest kept unseen: shown " + shown);
    long expected = 1;
    for (RoomEvent e : journal) {
      if (e.seq() > 0) {
        assertEquals(expected++, e.seq(), "visible events stay gap-free");
      }
    }
    assertTrue(room.getState().recentComments.stream().allMatch(c -> c.seq() > 0));
  }

  private List<RoomEvent> replayedEvents() {
    List<RoomEvent> events = new ArrayList<>();
    for (Object e : room.persistenceTestKit().persistedInStorage("LiveRoom|" + roomId)) {
      events.add((RoomEvent) e);
    }
    return events;
  }

  @Test
  void concurrentBuyersNeverOversellAndBatchTheirWrites() throws Exception {
    ActorRef<LiveRoom.Command> ref = testKit.spawn(LiveRoom.create("hot-" + UUID.randomUUID(), settings));
    TestProbe<Reply> probe = testKit.createTestProbe();
    ref.tell(new LiveRoom.CreateRoom("hot", HostToken.hash(TOKEN), probe.ref()));
    probe.expectMessageClass(Reply.class);
    ref.tell(new LiveRoom.Host(TOKEN, new AddProduct("p", "Phone", 100, 100), probe.ref()));
    ref.tell(new LiveRoom.Host(TOKEN, new AnnounceFlashSale("s", "p", 100, 1, System.currentTimeMillis() - 1), probe.ref()));
    probe.receiveSeveralMessages(2);
    int buyers = 2000;
    for (int i = 0; i < buyers; i++) {
      ref.tell(new LiveRoom.PlaceOrder("o" + i, "user" + i, "s", 1, probe.ref()));
    }
    Map<String, Integer> results = new HashMap<>();
    for (Reply r : probe.receiveSeveralMessages(buyers, Duration.ofSeconds(30))) {
      results.merge(JSON.readTree(r.body()).get("result").asText(), 1, Integer::sum);
    }
    assertEquals(100, results.get("CONFIRMED"));
    assertEquals(buyers - 100, results.get("SOLD_OUT"));
    ref.tell(new LiveRoom.GetOrders("s", probe.ref()));
    assertEquals(100, JSON.readTree(probe.receiveMessage().body()).get("orders").size());
  }

  @Test
  void anEdgeAskingForFramesItNeverHadGetsTheRoomsRecentOnesOrLearnsTheyAreGone() {
    for (int k = 0; k < 4; k++) {
      assertEquals(200, host(new Announce("news " + k)).status());
    }
    long seq = room.getState().seq;
    TestProbe<io.shardcast.room.fanout.RoomEdge.Command> edge = testKit.createTestProbe();
    room.runCommand(new LiveRoom.GetFrames(seq - 3, edge.ref()));
    var history = edge.expectMessageClass(io.shardcast.room.fanout.RoomEdge.History.class);
    assertTrue(history.complete(), "the room still has them");
    assertEquals(List.of(seq - 2, seq - 1, seq), history.frames().stream().map(f -> f.seq).toList());
    assertTrue(history.frames().get(2).json.contains("news 3"), history.frames().get(2).json);

    room.runCommand(new LiveRoom.GetFrames(seq + 5, edge.ref()));
    assertFalse(edge.expectMessageClass(io.shardcast.room.fanout.RoomEdge.History.class).complete(),
        "a seq the room never reached is not answered as if it were");
  }
}
