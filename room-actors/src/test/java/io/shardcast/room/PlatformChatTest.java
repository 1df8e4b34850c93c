package io.shardcast.room;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.shardcast.room.platform.PlatformEvent;
import io.shardcast.room.platform.PlatformSignature;
import io.shardcast.room.reply.RoomReply;
import io.shardcast.room.reply.RoomReply.PlatformAccepted;
import io.shardcast.room.reply.RoomReply.Reason;
import io.shardcast.room.reply.RoomReply.Rejected;
import io.shardcast.room.state.HostOp;
import io.shardcast.room.state.HostOp.*;
import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.*;
import io.shardcast.room.state.RoomState;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One chat across platforms, as the room sees it: a relay's signed events enter the room's sequence
 * beside local comments, each once; anything unsigned, wrongly signed or replayed is refused and
 * recorded nowhere; the host's replies reach the platform's relay signed, and are retried.
 */
class PlatformChatTest {

  private static final String TOKEN = "host-secret";
  private static final String TIKTOK_SECRET = "tiktok-chat-secret-0123";
  private static final String SHOP_SECRET = "shop-chat-secret-456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ActorTestKit testKit;
  private static ManualTime time;
  private static RoomSettings settings;
  private EventSourcedBehaviorTestKit<LiveRoom.Command, RoomEvent, LiveRoom.State> room;
  private String roomId;
  private HttpServer relay;
  /** What the relay received: path, headers and body. */
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  /** The relay answers 503 to this many requests first. */
  private final AtomicInteger failFirst = new AtomicInteger();

  record Received(String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  @BeforeAll
  static void start() {
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
  void newRoom() throws Exception {
    relay = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    relay.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      int status = failFirst.getAndDecrement() > 0 ? 503 : 204;
      if (status == 204) {
        received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    relay.start();
    roomId = "chat-" + UUID.randomUUID();
    room = EventSourcedBehaviorTestKit.create(testKit.system(), LiveRoom.create(roomId, settings),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    room.<RoomReply.ToCreate>runCommand(r -> new LiveRoom.CreateRoom("Across platforms", HostToken.hash(TOKEN), r));
    String base = "http://127.0.0.1:" + relay.getAddress().getPort();
    host(new AddDestination("tiktok", "tiktok", "rtmp://a.example/live", "k1", null, TIKTOK_SECRET, base + "/tiktok"));
    host(new AddDestination("shop", "shopee", "rtmp://b.example/live", "k2", null, SHOP_SECRET, base + "/shop"));
  }

  @AfterEach
  void stopRelay() {
    relay.stop(0);
  }

  private RoomReply.ToHost host(HostOp op) {
    return room.<RoomReply.ToHost>runCommand(r -> new LiveRoom.Host(TOKEN, op, r)).reply();
  }

  /** A relay's request, signed with {@code secret} at {@code timestamp} as docs/api.md says. */
  private RoomReply.ToPlatform relayed(String destinationId, String secret, long timestamp, PlatformEvent... events) {
    byte[] body = ("{\"events\":" + events.length + "}").getBytes(StandardCharsets.UTF_8);
    String signature = PlatformSignature.sign(secret, roomId, destinationId, timestamp, body);
    return signedAs(destinationId, timestamp, signature, body, events);
  }

  private RoomReply.ToPlatform signedAs(String destinationId, long timestamp, String signature, byte[] body,
      PlatformEvent... events) {
    return room.<RoomReply.ToPlatform>runCommand(r -> new LiveRoom.PlatformEvents(destinationId, timestamp, signature,
        body, List.of(events), r)).reply();
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static PlatformEvent.Comment comment(String id, String user, String text) {
    return new PlatformEvent.Comment(id, user, "Name " + user, text);
  }

  private List<RoomEvent> journal() {
    List<RoomEvent> events = new ArrayList<>();
    for (Object e : room.persistenceTestKit().persistedInStorage("LiveRoom|" + roomId)) {
      events.add((RoomEvent) e);
    }
    return events;
  }

  @Test
  void platformCommentsEnterTheRoomsSequenceBesideLocalOnesMarkedWithTheirPlatform() throws Exception {
    room.runCommand(new LiveRoom.PostComment("alice", "hello from the room"));
    PlatformAccepted first = (PlatformAccepted) relayed("tiktok", TIKTOK_SECRET, now(),
        comment("t-1", "u9", "is the red one in stock?"), comment("t-2", "u7", "nice"));
    assertEquals(new PlatformAccepted("tiktok", 2, 0), first);
    relayed("shop", SHOP_SECRET, now(), comment("s-1", "b1", "发什么快递"),
        new PlatformEvent.Gift("s-2", "b1", "Buyer One", "rocket", 2));

    List<RoomState.RecentComment> chat = List.copyOf(room.getState().room().recentComments);
    assertEquals(List.of("hello from the room", "is the red one in stock?", "nice", "发什么快递"),
        chat.stream().map(RoomState.RecentComment::text).toList(), "one chat, in the room's order");
    assertEquals(java.util.Arrays.asList(null, "tiktok", "tiktok", "shopee"),
        chat.stream().map(RoomState.RecentComment::platform).toList());
    long expected = 1;
    for (RoomEvent e : journal()) {
      if (e.seq() > 0) {
        assertEquals(expected++, e.seq(), "one gap-free sequence for every platform's events");
      }
    }
    // Viewers get them as comments (and a gift) marked with the platform, in the same frames as local ones.
    JsonNode tiktok = JSON.readTree(room.getState().recent().get(chat.get(1).seq()).json);
    assertEquals("comment", tiktok.get("type").asText());
    assertEquals("tiktok", tiktok.get("platform").asText());
    assertEquals("Name u9", tiktok.get("name").asText());
    assertEquals("tiktok:u9", tiktok.get("userId").asText(), "a platform user's id in the room");
    JsonNode gift = JSON.readTree(room.getState().recent().get(room.getState().room().seq).json);
    assertEquals("gift", gift.get("type").asText());
    assertEquals("shopee", gift.get("platform").asText());
  }

  @Test
  void aRetryAddsNothingAndAReplayUnsignedOrWronglySignedRequestIsRefusedAndRecordedNowhere() {
    long ts = now();
    relayed("tiktok", TIKTOK_SECRET, ts, comment("t-1", "u1", "first"));
    assertEquals(new PlatformAccepted("tiktok", 1, 1), relayed("tiktok", TIKTOK_SECRET, ts + 1,
        comment("t-1", "u1", "first"), comment("t-2", "u1", "second")), "a relay's retry: the new one only");
    int journaled = journal().size();
    long seq = room.getState().room().seq;

    assertEquals(Reason.REPLAYED, ((Rejected) relayed("tiktok", TIKTOK_SECRET, ts, comment("t-1", "u1", "first")))
        .reason(), "the same request again");
    assertEquals(Reason.BAD_SIGNATURE, ((Rejected) relayed("tiktok", SHOP_SECRET, ts, comment("t-9", "u1", "x")))
        .reason(), "another destination's secret");
    assertEquals(Reason.BAD_SIGNATURE, ((Rejected) signedAs("tiktok", ts, null, new byte[0],
        comment("t-9", "u1", "x"))).reason(), "unsigned");
    byte[] body = "{\"events\":1}".getBytes(StandardCharsets.UTF_8);
    String forOtherTime = PlatformSignature.sign(TIKTOK_SECRET, roomId, "tiktok", ts, body);
    assertEquals(Reason.BAD_SIGNATURE, ((Rejected) signedAs("tiktok", ts + 60, forOtherTime, body,
        comment("t-9", "u1", "x"))).reason(), "a signature moved to another timestamp");
    assertEquals(Reason.UNKNOWN_DESTINATION, ((Rejected) relayed("nope", TIKTOK_SECRET, ts,
        comment("t-9", "u1", "x"))).reason());
    assertEquals(journaled, journal().size(), "refused requests are recorded nowhere");
    assertEquals(seq, room.getState().room().seq);

    room.restart();
    assertEquals(Reason.REPLAYED, ((Rejected) relayed("tiktok", TIKTOK_SECRET, ts, comment("t-1", "u1", "first")))
        .reason(), "a replay after the room moved: the ids come back from the journal");
  }

  @Test
  void aMutedPlatformUserReachesNobodyAndPlatformLikesCountInTheRoomsLikes() {
    assertInstanceOf(RoomReply.HostDone.class, host(new MuteUser("tiktok:spam", 60_000)));
    relayed("tiktok", TIKTOK_SECRET, now(), comment("t-1", "spam", "cheap watches"), comment("t-2", "fan", "hi"),
        new PlatformEvent.Like("t-3", 40));
    assertEquals(List.of("hi"), room.getState().room().recentComments.stream().map(RoomState.RecentComment::text)
        .toList());
    room.runCommand(new LiveRoom.EdgeLikes(2));
    time.timePasses(settings.likesTallyInterval().plusMillis(1));
    assertEquals(42, room.getState().room().likes, "the room's likes are its own and every platform's");
  }

  @Test
  void theHostsReplyIsShownInTheRoomAndReachesThePlatformsRelaySignedAndRetried() throws Exception {
    relayed("tiktok", TIKTOK_SECRET, now(), comment("t-1", "u9", "is the red one in stock?"));
    long asked = room.getState().room().recentComments.getLast().seq();
    failFirst.set(1); // the relay is down for the first try

    assertInstanceOf(RoomReply.HostDone.class, host(new Reply("Yes, 12 left!", null, asked)));
    RoomState.RecentComment shown = room.getState().room().recentComments.getLast();
    assertTrue(shown.host() && shown.text().equals("Yes, 12 left!"), "shown in the room's chat: " + shown);

    Received got = received.poll(15, TimeUnit.SECONDS);
    assertNotNull(got, "the reply reached the tiktok relay after a retry");
    assertEquals("/tiktok", got.path(), "only to the platform asked on");
    long ts = Long.parseLong(got.header("Shardcast-Timestamp"));
    assertTrue(PlatformSignature.verify(TIKTOK_SECRET, roomId, "tiktok", ts, got.body(),
        got.header("Shardcast-Signature")), "signed with the destination's chat secret");
    assertEquals(roomId + ":" + shown.seq() + ":tiktok", got.header("Idempotency-Key"));
    JsonNode body = JSON.readTree(got.body());
    assertEquals("Yes, 12 left!", body.get("text").asText());
    assertEquals("t-1", body.at("/inReplyTo/eventId").asText());
    assertEquals("u9", body.at("/inReplyTo/userId").asText());
    assertNull(received.poll(200, TimeUnit.MILLISECONDS), "once");

    // A reply to nobody in particular goes to every platform with a reply URL.
    host(new Reply("Sale in 5 minutes", null, 0));
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Received r = received.poll(10, TimeUnit.SECONDS);
      assertNotNull(r, "a reply to all reached both relays");
      paths.add(r.path());
    }
    assertEquals(List.of("/shop", "/tiktok"), paths.stream().sorted().toList());

    assertEquals(Reason.UNKNOWN_DESTINATION, ((Rejected) host(new Reply("hi", "nope", 0))).reason());
    assertEquals(Reason.BAD_REQUEST, ((Rejected) host(new Reply("hi", null, 9_999))).reason(), "no such comment");
    assertEquals(Reason.BAD_REQUEST, ((Rejected) host(new AddDestination(null, "x", "rtmp://c.example/live", "k3",
        null, "short", null))).reason(), "a chat secret too short to be one");
    assertEquals(Reason.BAD_REQUEST, ((Rejected) host(new AddDestination(null, "x", "rtmp://c.example/live", "k3",
        null, TIKTOK_SECRET, "ftp://relay.example/"))).reason(), "a reply URL that is not http(s)");
  }
}
