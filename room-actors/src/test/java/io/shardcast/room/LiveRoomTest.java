package io.shardcast.room;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.shardcast.room.commerce.LuckyDraw;
import io.shardcast.room.reply.OrderResult;
import io.shardcast.room.reply.RoomReply;
import io.shardcast.room.reply.RoomReply.ClaimAnswer;
import io.shardcast.room.reply.RoomReply.ClaimResult;
import io.shardcast.room.reply.RoomReply.OrderAnswer;
import io.shardcast.room.reply.RoomReply.Reason;
import io.shardcast.room.reply.RoomReply.Rejected;
import io.shardcast.room.state.HostOp;
import io.shardcast.room.state.HostOp.*;
import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.*;
import io.shardcast.room.state.RoomState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The room's decisions as its host and buyers see them: typed answers, events in the journal. */
class LiveRoomTest {

  private static final String TOKEN = "host-secret";
  private static final String SECRET = "chat-secret-0123456789";
  private static ActorTestKit testKit;
  private static ManualTime time;
  private static RoomSettings settings;
  private EventSourcedBehaviorTestKit<LiveRoom.Command, RoomEvent, LiveRoom.State> room;
  private String roomId;

  @BeforeAll
  static void start() {
    // Timers (sale openings, lucky-bag draws) fire when the test moves the scheduler's time.
    testKit = ActorTestKit.create(ManualTime.config()
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
        .withFallback(ConfigFactory.load()));
    time = ManualTime.get(testKit.system());
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
    RoomReply.ToCreate created = room.<RoomReply.ToCreate>runCommand(
        r -> new LiveRoom.CreateRoom("Spring sale", HostToken.hash(TOKEN), r)).reply();
    assertEquals(new RoomReply.Created(roomId, 0, true), created);
    host(new AddProduct("p1", "Lipstick", 1999, 500));
  }

  private RoomReply.ToHost host(HostOp op) {
    return room.<RoomReply.ToHost>runCommand(r -> new LiveRoom.Host(TOKEN, op, r)).reply();
  }

  private RoomReply.ToOrder place(String orderId, String user, String sale, int qty) {
    return room.<RoomReply.ToOrder>runCommand(r -> new LiveRoom.PlaceOrder(orderId, user, sale, qty, r)).reply();
  }

  private OrderAnswer order(String orderId, String user, String sale, int qty) {
    RoomReply.ToOrder reply = place(orderId, user, sale, qty);
    assertInstanceOf(OrderAnswer.class, reply);
    return (OrderAnswer) reply;
  }

  private static Reason rejection(RoomReply reply) {
    return reply instanceof Rejected r ? r.reason() : null;
  }

  /**
   * Returns once every viewer command sent before is persisted: an order is answered only after
   * its batch is written, and batches are written in arrival order.
   */
  private void awaitGroupCommit() {
    place("sync-" + UUID.randomUUID(), "sync", "no-such-sale", 1);
  }

  @Test
  void aBuyerGetsEveryFlashSaleResultInTheRoomsOrderOfChecks() {
    long past = System.currentTimeMillis() - 1000;
    assertInstanceOf(RoomReply.HostDone.class, host(new AnnounceFlashSale("open", "p1", 3, 2, past)));
    assertInstanceOf(RoomReply.HostDone.class,
        host(new AnnounceFlashSale("later", "p1", 3, 2, System.currentTimeMillis() + 60_000)));

    assertEquals(OrderResult.UNKNOWN_SALE, order("o0", "alice", "nope", 1).result());
    assertEquals(OrderResult.NOT_STARTED, order("o1", "alice", "later", 1).result());
    assertEquals(OrderResult.CONFIRMED, order("o2", "alice", "open", 2).result());
    assertEquals(OrderResult.LIMIT_REACHED, order("o3", "alice", "open", 1).result());
    assertEquals(OrderResult.SOLD_OUT, order("o4", "bob", "open", 2).result());
    assertEquals(OrderResult.CONFIRMED, order("o5", "bob", "open", 1).result());
    assertEquals(OrderResult.SOLD_OUT, order("o6", "carol", "open", 1).result());

    RoomReply.ToOrders orders = room.<RoomReply.ToOrders>runCommand(r -> new LiveRoom.GetOrders("open", LiveRoom.OrdersReader.OPERATOR, null, r)).reply();
    RoomReply.SaleOrders list = assertInstanceOf(RoomReply.SaleOrders.class, orders);
    assertEquals(3, list.sold());
    assertEquals(List.of("o2", "o5"), list.orders().stream().map(RoomReply.SoldOrder::orderId).toList());
  }

  @Test
  void everyBuyersOrdersAreTheHostsAndOperatorsToReadAndEachBuyerReadsItsOwn() {
    host(new AnnounceFlashSale("open", "p1", 5, 2, System.currentTimeMillis() - 1));
    order("a1", "alice", "open", 1);
    order("b1", "bob", "open", 2);

    RoomReply.SaleOrders asHost = assertInstanceOf(RoomReply.SaleOrders.class, room.<RoomReply.ToOrders>runCommand(
        r -> new LiveRoom.GetOrders("open", LiveRoom.OrdersReader.HOST, TOKEN, r)).reply());
    assertEquals(List.of("alice", "bob"), asHost.orders().stream().map(RoomReply.SoldOrder::userId).sorted().toList());
    RoomReply.Rejected wrongHost = assertInstanceOf(RoomReply.Rejected.class, room.<RoomReply.ToOrders>runCommand(
        r -> new LiveRoom.GetOrders("open", LiveRoom.OrdersReader.HOST, "guess", r)).reply());
    assertEquals(RoomReply.Reason.FORBIDDEN, wrongHost.reason());
    RoomReply.SaleOrders asBob = assertInstanceOf(RoomReply.SaleOrders.class, room.<RoomReply.ToOrders>runCommand(
        r -> new LiveRoom.GetOrders("open", LiveRoom.OrdersReader.BUYER, "bob", r)).reply());
    assertEquals(List.of("b1"), asBob.orders().stream().map(RoomReply.SoldOrder::orderId).toList());
    assertEquals(3, asBob.sold()); // the sale's totals are public; the other buyers are not
  }

  @Test
  void repeatedOrderIdReturnsTheOriginalConfirmationAndTakesNoMoreStock() {
    host(new AnnounceFlashSale("s", "p1", 5, 5, System.currentTimeMillis() - 1));
    assertEquals(OrderResult.CONFIRMED, order("same", "alice", "s", 2).result());
    OrderAnswer again = order("same", "alice", "s", 2);
    assertEquals(OrderResult.CONFIRMED, again.result());
    assertEquals(3, again.remaining());
    // A retry is idempotent even with other parameters: the original order stands.
    OrderAnswer changed = order("same", "alice", "s", 1);
    assertEquals(2, changed.quantity());
    assertEquals(2, room.getState().room().sales.get("s").sold);
    assertEquals(1, room.getState().room().sales.get("s").orders.size());
  }

  @Test
  void badQuantitiesAreRejectedWithoutTouchingStock() {
    host(new AnnounceFlashSale("s", "p1", 5, 5, System.currentTimeMillis() - 1));
    assertEquals(Reason.BAD_QUANTITY, rejection(place("x", "alice", "s", -3)));
    assertEquals(0, room.getState().room().sales.get("s").sold);
    assertEquals(Reason.BAD_REQUEST, rejection(host(new AnnounceFlashSale("bad", "p1", -1, 1, 1))));
    assertEquals(Reason.BAD_REQUEST, rejection(host(new AddProduct("p2", "x", 1, -5))));
  }

  @Test
  void hostOperationsNeedTheHostToken() {
    RoomReply.ToHost wrong = room.<RoomReply.ToHost>runCommand(r -> new LiveRoom.Host("wrong", new Announce("hi"), r))
        .reply();
    assertEquals(Reason.FORBIDDEN, rejection(wrong));
    assertEquals(Reason.UNKNOWN_PRODUCT, rejection(host(new PinProduct("missing"))));
    assertInstanceOf(RoomReply.HostDone.class, host(new PinProduct("p1")));
    assertEquals("p1", room.getState().room().pinnedProductId);
  }

  @Test
  void aSecondCreateWithTheSameTokenIsAnsweredAsDoneAndAnotherTokenIsRefused() {
    RoomReply.ToCreate again = room.<RoomReply.ToCreate>runCommand(
        r -> new LiveRoom.CreateRoom("Spring sale", HostToken.hash(TOKEN), r)).reply();
    assertEquals(new RoomReply.Created(roomId, -1, false), again);
    RoomReply.ToCreate other = room.<RoomReply.ToCreate>runCommand(
        r -> new LiveRoom.CreateRoom("Mine now", HostToken.hash("another"), r)).reply();
    assertEquals(Reason.ROOM_EXISTS, rejection(other));
    assertEquals("Spring sale", room.getState().room().title);
  }

  @Test
  void couponsAreClaimedOncePerUserAndRunOut() {
    host(new IssueCoupon("c1", "p1", 500, 2));
    ClaimResult[] expected = {ClaimResult.CLAIMED, ClaimResult.ALREADY_CLAIMED, ClaimResult.CLAIMED,
        ClaimResult.EXHAUSTED};
    String[] users = {"alice", "alice", "bob", "carol"};
    for (int i = 0; i < users.length; i++) {
      String user = users[i];
      RoomReply.ToClaim r = room.<RoomReply.ToClaim>runCommand(ref -> new LiveRoom.ClaimCoupon(user, "c1", ref)).reply();
      assertEquals(expected[i], assertInstanceOf(ClaimAnswer.class, r).result(), "claim by " + user);
    }
    assertEquals(0, room.getState().room().coupons.get("c1").remaining());
  }

  @Test
  void aDestinationIsKeptWithItsKeyForTheOriginAloneAndShownWithout() {
    long seq = room.getState().room().seq;
    RoomReply.ToHost added = host(new AddDestination(null, "youtube", "rtmp://a.rtmp.example/live2", "key-123", null,
        SECRET, null));
    assertInstanceOf(RoomReply.Destinations.class, added);
    assertTrue(((RoomReply.Destinations) added).created());
    String shown = ((RoomReply.Destinations) added).json();
    assertTrue(shown.contains("\"destinationId\":\"youtube\"") && shown.contains("\"state\":\"idle\""), shown);
    assertFalse(shown.contains("key-123") || shown.contains(SECRET), "the stream key and chat secret are never shown: "
        + shown);
    // A second one on the same platform gets its own id; viewers see nothing of either.
    String second = ((RoomReply.Destinations) host(new AddDestination(null, "youtube", "rtmps://b.example:443/app",
        "other-key", "low", SECRET, null))).json();
    assertTrue(second.contains("youtube-2") && !second.contains("other-key"), second);
    assertEquals(seq, room.getState().room().seq, "no viewer-visible event");

    // The origin is told where to push, keys included; it reports how the pushes go.
    TestProbe<io.shardcast.room.media.MediaNode> router = testKit.createTestProbe();
    room.<RoomReply.ToMedia>runCommand(r -> new LiveRoom.MediaPublish(TOKEN, router.ref(), "origin:1", r));
    io.shardcast.room.media.MediaNode.Restream told = null;
    while (told == null) { // after the camera and the cues a new origin is told of
      if (router.receiveMessage() instanceof io.shardcast.room.media.MediaNode.Restream r) {
        told = r;
      }
    }
    assertEquals(List.of("key-123", "other-key"), told.destinations().stream().map(RoomState.Destination::streamKey)
        .toList());
    room.runCommand(new LiveRoom.RestreamStatus("origin:1", List.of(new io.shardcast.room.media.MediaNode.PushState(
        "youtube", "LIVE", 1_000_000, 2_500_000, 1, "the server closed the connection", 5, 0))));
    String live = ((RoomReply.Destinations) host(new ListDestinations())).json();
    assertTrue(live.contains("\"state\":\"live\"") && live.contains("\"kbps\":2500")
        && live.contains("\"reconnects\":1"), live);

    // Kept through recovery; removed on request; refused with a reason when malformed.
    room.restart();
    assertEquals(2, room.getState().room().destinations.size());
    assertInstanceOf(RoomReply.Destinations.class, host(new RemoveDestination("youtube-2")));
    assertEquals(List.of("youtube"), List.copyOf(room.getState().room().destinations.keySet()));
    Rejected ftp = (Rejected) host(new AddDestination(null, "x", "ftp://files.example/up", "k", null, SECRET, null));
    assertEquals(Reason.BAD_REQUEST, ftp.reason());
    assertTrue(ftp.message().contains("rtmp://"), ftp.message());
    assertEquals(Reason.UNKNOWN_DESTINATION, ((Rejected) host(new RemoveDestination("nope"))).reason());
    assertEquals(Reason.DESTINATION_EXISTS,
        ((Rejected) host(new AddDestination("youtube", "youtube", "rtmp://a.example/live", "k", null, SECRET, null))).reason());
  }

  @Test
  void aShowStartsWithItsFirstOriginAndEndsWhenNoneIsHeardOfForTheGrace() throws Exception {
    RoomSettings quick = RoomSettings.from(ConfigFactory.parseString(
        "shardcast.room { media-route-expiry = 100ms, media-route-settle = 0s, show-end-grace = 300ms }")
        .withFallback(testKit.system().settings().config()));
    String showId = "show-" + UUID.randomUUID();
    EventSourcedBehaviorTestKit<LiveRoom.Command, RoomEvent, LiveRoom.State> show = EventSourcedBehaviorTestKit.create(
        testKit.system(), LiveRoom.create(showId, quick),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    show.<RoomReply.ToCreate>runCommand(r -> new LiveRoom.CreateRoom("Show", HostToken.hash(TOKEN), r));
    TestProbe<io.shardcast.room.media.MediaNode> router = testKit.createTestProbe();
    show.<RoomReply.ToMedia>runCommand(r -> new LiveRoom.MediaPublish(TOKEN, router.ref(), "origin:1", r));
    show.runCommand(new LiveRoom.MediaOrigin(router.ref(), "origin:1", true, -1, -1));
    assertTrue(show.getState().room().onAir);
    java.util.function.Supplier<List<RoomEvent>> journal = () -> {
      List<RoomEvent> events = new ArrayList<>();
      show.persistenceTestKit().persistedInStorage("LiveRoom|" + showId).forEach(e -> events.add((RoomEvent) e));
      return events;
    };
    assertEquals(1, journal.get().stream().filter(e -> e instanceof ShowStarted).count(), "one start, however many refreshes");
    assertEquals(0, journal.get().stream().filter(e -> e.seq() > 0 && (e instanceof ShowStarted)).count(), "seq 0");

    // No origin heard of: once the grace has passed on the wall clock (the room reads it for an
    // origin's last sign), the next check of the room's timers ends the show.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (show.getState().room().onAir && System.nanoTime() < deadline) {
      time.timePasses(Duration.ofSeconds(5)); // the room's check runs every 5 s of its timers' time
      Thread.sleep(50);
    }
    ShowEnded ended = (ShowEnded) journal.get().stream().filter(e -> e instanceof ShowEnded).findFirst().orElseThrow();
    assertTrue(ended.atMillis() - ended.lastMediaAtMillis() >= 300, "after the grace: " + ended);
    show.runCommand(new LiveRoom.MediaOrigin(router.ref(), "origin:2", true, -1, -1));
    assertEquals(2, journal.get().stream().filter(e -> e instanceof ShowStarted).count(), "a new show");
  }

  @Test
  void aProductsFactsAndTheShopsPoliciesAreKeptAndTheirPublicPartShown() throws Exception {
    io.shardcast.room.state.ProductFacts facts = new io.shardcast.room.state.ProductFacts(
        Map.of("material", "silk", "care", "hand wash"),
        List.of(new io.shardcast.room.state.ProductFacts.Variant("red-m", "M", "red", 3),
            new io.shardcast.room.state.ProductFacts.Variant("red-xl", "XL", "red", 0)),
        List.of(new io.shardcast.room.state.ProductFacts.Faq("有大码吗", "有 XL")));
    assertInstanceOf(RoomReply.HostDone.class, host(new AddProduct("scarf", "Silk scarf", 1500, 3, facts)));
    assertInstanceOf(RoomReply.HostDone.class, host(new SetPolicies(new io.shardcast.room.state.Policies(
        "顺丰包邮", "7 days, unworn", null))));
    room.restart();
    RoomState.Product kept = room.getState().room().products.get("scarf");
    assertEquals(facts, kept.facts, "kept through recovery");
    assertEquals("顺丰包邮", room.getState().room().policies.shipping());
    String snapshot = ((RoomReply.Snapshot) room.<RoomReply.ToSnapshot>runCommand(LiveRoom.GetSnapshot::new).reply())
        .json();
    assertTrue(snapshot.contains("\"variantId\":\"red-xl\"") && snapshot.contains("\"material\":\"silk\"")
        && snapshot.contains("\"shipping\":\"顺丰包邮\""), snapshot);
    assertFalse(snapshot.contains("有 XL"), "the FAQ is the assistant's, not every joining viewer's");

    io.shardcast.room.state.ProductFacts twice = new io.shardcast.room.state.ProductFacts(Map.of(), List.of(
        new io.shardcast.room.state.ProductFacts.Variant("a", "M", null, 1),
        new io.shardcast.room.state.ProductFacts.Variant("a", "L", null, 1)), List.of());
    assertEquals(Reason.BAD_REQUEST, rejection(host(new AddProduct("p9", "x", 1, 1, twice))), "a variant id twice");
    assertEquals(Reason.BAD_REQUEST, rejection(host(new SetPolicies(io.shardcast.room.state.Policies.NONE))),
        "no policy at all");
  }

  @Test
  void aProductWrittenBeforeFactsExistedIsReadBackWithNone() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper cbor = org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider
        .get(testKit.system()).getOrCreate("jackson-cbor", java.util.Optional.empty());
    byte[] old = cbor.writeValueAsBytes(Map.of("t", "product", "seq", 1, "productId", "p", "name", "Bag",
        "priceCents", 100, "stock", 2));
    ProductAdded read = (ProductAdded) cbor.readValue(old, RoomEvent.class);
    assertNull(read.facts());
    RoomState state = new RoomState();
    state.apply(read, 10);
    assertEquals(io.shardcast.room.state.ProductFacts.NONE, state.products.get("p").facts);
  }

  @Test
  void visibleEventsGetGapFreeSeqThatSurvivesRecovery() {
    host(new Announce("welcome"));
    room.runCommand(new LiveRoom.PostComment("alice", "hello"));
    host(new SwitchCamera("close-up"));
    awaitGroupCommit();
    long before = room.getState().room().seq;
    room.restart();
    assertEquals(before, room.getState().room().seq);
    assertEquals("close-up", room.getState().room().camera);
    host(new AddCohost("guest"));
    assertEquals(before + 1, room.getState().room().seq);
  }

  @Test
  void luckyBagDrawIsVerifiableFromTheJournal() {
    assertInstanceOf(RoomReply.HostDone.class, host(new StartLuckyBag("bag1", "lucky", 1000, 2, "gift box")));
    for (String user : List.of("u1", "u2", "u3", "u2", "u4")) {
      room.runCommand(new LiveRoom.PostComment(user, "me lucky please"));
    }
    room.runCommand(new LiveRoom.PostComment("u5", "no keyword here"));
    awaitGroupCommit();
    assertNull(room.getState().room().bags.get("bag1").drawnWinners, "not drawn before the window closes");
    time.timePasses(Duration.ofMillis(1000).plus(settings.luckyBagGrace()));
    awaitGroupCommit();
    RoomState.LuckyBag bag = room.getState().room().bags.get("bag1");
    assertNotNull(bag.drawnWinners, "drawn once the window and its grace have passed");
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
  void commentsOverTheBroadcastRateAreKeptButNotShownAndSeqStaysGapFree() {
    for (int i = 0; i < 200; i++) {
      room.runCommand(new LiveRoom.PostComment("u" + i, "comment " + i));
    }
    awaitGroupCommit();
    List<RoomEvent> journal = replayedEvents();
    List<CommentPosted> comments =
        journal.stream().filter(e -> e instanceof CommentPosted).map(e -> (CommentPosted) e).toList();
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
    assertTrue(room.getState().room().recentComments.stream().allMatch(c -> c.seq() > 0));
  }

  @Test
  void theHostTakesACommentOffAndAMutedUsersCommentsReachNobodyUntilTheMuteIsLifted() {
    room.runCommand(new LiveRoom.PostComment("spammer", "cheap watches"));
    room.runCommand(new LiveRoom.PostComment("fan", "hello"));
    awaitGroupCommit();
    long spam = room.getState().room().recentComments.getFirst().seq();
    assertInstanceOf(RoomReply.HostDone.class, host(new RemoveComment(spam)));
    assertEquals(List.of("hello"), room.getState().room().recentComments.stream().map(RoomState.RecentComment::text).toList());
    assertEquals(Reason.BAD_REQUEST, rejection(host(new RemoveComment(9_999))), "a seq the room never gave");

    assertInstanceOf(RoomReply.HostDone.class, host(new MuteUser("spammer", 60_000)));
    room.runCommand(new LiveRoom.PostComment("spammer", "again"));
    awaitGroupCommit();
    assertTrue(replayedEvents().stream().noneMatch(e -> e instanceof CommentPosted c && c.text().equals("again")),
        "a muted user's comment is not even kept");
    assertEquals(Reason.BAD_REQUEST, rejection(host(new MuteUser("spammer", 8L * 24 * 3600 * 1000))),
        "a mute of more than a week");
    assertInstanceOf(RoomReply.HostDone.class, host(new MuteUser("spammer", 0)));
    room.runCommand(new LiveRoom.PostComment("spammer", "sorry"));
    awaitGroupCommit();
    assertTrue(room.getState().room().recentComments.stream().anyMatch(c -> c.text().equals("sorry")));
  }

  private List<RoomEvent> replayedEvents() {
    List<RoomEvent> events = new ArrayList<>();
    for (Object e : room.persistenceTestKit().persistedInStorage("LiveRoom|" + roomId)) {
      events.add((RoomEvent) e);
    }
    return events;
  }

  @Test
  void concurrentBuyersNeverOversellAndBatchTheirWrites() {
    String hot = "hot-" + UUID.randomUUID();
    AtomicInteger orderWrites = new AtomicInteger();
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    journal.withPolicy((String persistenceId, JournalOperation op) -> {
      if (persistenceId.endsWith(hot) && op instanceof WriteEvents w
          && w.getBatch().stream().anyMatch(e -> e instanceof OrderConfirmed)) {
        orderWrites.incrementAndGet();
      }
      return ProcessingSuccess$.MODULE$;
    });
    try {
      ActorRef<LiveRoom.Command> ref = testKit.spawn(LiveRoom.create(hot, settings));
      TestProbe<RoomReply> probe = testKit.createTestProbe();
      ref.tell(new LiveRoom.CreateRoom("hot", HostToken.hash(TOKEN), probe.ref().narrow()));
      probe.expectMessageClass(RoomReply.Created.class);
      ref.tell(new LiveRoom.Host(TOKEN, new AddProduct("p", "Phone", 100, 100), probe.ref().narrow()));
      ref.tell(new LiveRoom.Host(TOKEN, new AnnounceFlashSale("s", "p", 100, 1, System.currentTimeMillis() - 1),
          probe.ref().narrow()));
      probe.receiveSeveralMessages(2);
      int buyers = 2000;
      for (int i = 0; i < buyers; i++) {
        ref.tell(new LiveRoom.PlaceOrder("o" + i, "user" + i, "s", 1, probe.ref().narrow()));
      }
      Map<OrderResult, Integer> results = new HashMap<>();
      for (RoomReply r : probe.receiveSeveralMessages(buyers, Duration.ofSeconds(30))) {
        results.merge(((OrderAnswer) r).result(), 1, Integer::sum);
      }
      assertEquals(100, results.get(OrderResult.CONFIRMED));
      assertEquals(buyers - 100, results.get(OrderResult.SOLD_OUT));
      ref.tell(new LiveRoom.GetOrders("s", LiveRoom.OrdersReader.OPERATOR, null, probe.ref().narrow()));
      assertEquals(100, ((RoomReply.SaleOrders) probe.receiveMessage()).orders().size());
      // 2,000 orders sent at once are written in a few group commits, not one write per order.
      assertTrue(orderWrites.get() >= 1 && orderWrites.get() < 100,
          "100 confirmations took " + orderWrites.get() + " journal writes");
    } finally {
      journal.resetPolicy();
    }
  }

  @Test
  void anEdgeAskingForFramesItNeverHadGetsTheRoomsRecentOnesOrLearnsTheyAreGone() {
    for (int k = 0; k < 4; k++) {
      assertInstanceOf(RoomReply.HostDone.class, host(new Announce("news " + k)));
    }
    long seq = room.getState().room().seq;
    TestProbe<io.shardcast.room.RoomEdge.Command> edge = testKit.createTestProbe();
    room.runCommand(new LiveRoom.GetFrames(seq - 3, edge.ref()));
    var history = edge.expectMessageClass(io.shardcast.room.RoomEdge.History.class);
    assertTrue(history.complete(), "the room still has them");
    assertEquals(List.of(seq - 2, seq - 1, seq), history.frames().stream().map(f -> f.seq).toList());
    assertTrue(history.frames().get(2).json.contains("news 3"), history.frames().get(2).json);

    room.runCommand(new LiveRoom.GetFrames(seq + 5, edge.ref()));
    assertFalse(edge.expectMessageClass(io.shardcast.room.RoomEdge.History.class).complete(),
        "a seq the room never reached is not answered as if it were");
  }
}
