package io.shardcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.Viewer;
import io.shardcast.testkit.media.FlvTap;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.NginxRtmp;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The media plane across a real two-node cluster: ffmpeg publishes over RTMP to one node, and
 * ffmpeg and ffprobe on the other node (relayed over Aeron) decode every frame over HTTP-FLV and
 * RTMP, through a camera switch made by the host.
 */
class MediaClusterTest {

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  @TempDir static Path dataDir;
  @TempDir static Path work;
  static LocalCluster cluster;
  private final List<Process> publishers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(NodeProgram.of(Shardcast.class), 2, dataDir, 0, List.of("-Xms128m", "-Xmx384m", "-XX:TieredStopAtLevel=1",
        LocalCluster.FIXED_SIZE), List.of());
    cluster.awaitReady(Duration.ofSeconds(180));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
      cluster.copyLogs(Path.of("target", "node-logs", "media-cluster"));
    }
  }

  @org.junit.jupiter.api.AfterEach
  void stopPublishers() {
    publishers.forEach(Process::destroyForcibly);
  }

  private void publish(LocalCluster.Node node, RoomScript room, String query, String size, String name)
      throws Exception {
    publishers.add(Ffmpeg.publishRtmp(node.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken() + query, size,
        25, 25, "600k", work.resolve(name + ".log")));
  }

  private static void awaitLive(LocalCluster.Node node, RoomScript room) throws Exception {
    RestClient rest = new RestClient();
    long until = System.currentTimeMillis() + 30_000;
    while (true) {
      JsonNode route = rest.get(node.http() + "/api/rooms/" + room.roomId() + "/media", cluster.opsToken()).body();
      if (route.path("live").asBoolean()) {
        Thread.sleep(1500); // a first keyframe
        return;
      }
      assertTrue(System.currentTimeMillis() < until, "the room went live: " + route);
      Thread.sleep(200);
    }
  }

  @Test
  void theHostRestreamsTheShowToAPlatformThatPlaysItAndTheKeyIsShownNowhere() throws Exception {
    LocalCluster.Node origin = cluster.nodes().get(0);
    LocalCluster.Node other = cluster.nodes().get(1);
    RoomScript room = new RoomScript(origin.http()).create("Restreamed");
    try (NginxRtmp platform = NginxRtmp.start(work.resolve("platform-" + room.roomId()))) {
      RestClient rest = new RestClient();
      String destinations = other.http() + "/api/rooms/" + room.roomId() + "/destinations";
      String body = "{\"platform\":\"nginx\",\"url\":\"rtmp://127.0.0.1:" + platform.port
          + "/live\",\"streamKey\":\"show-secret-1\"}";
      RestClient.Response ftp = rest.post(destinations, room.hostToken(),
          "{\"platform\":\"x\",\"url\":\"ftp://files.example/up\",\"streamKey\":\"k\"}");
      assertEquals(400, ftp.status(), ftp.body().toString());
      assertTrue(ftp.body().path("message").asText().contains("rtmp://"), ftp.body().toString());
      assertEquals(401, rest.post(destinations, null, body).status(), "a destination is the host's to add");
      assertEquals(403, rest.post(destinations, "not-the-host", body).status());
      RestClient.Response added = rest.post(destinations, room.hostToken(), body);
      assertEquals(201, added.status(), added.body().toString());
      assertEquals("idle", added.body().path("destinations").get(0).path("state").asText(), "before the show starts");

      // The show starts on the origin: the push starts with it, from there, and the platform plays it.
      publish(origin, room, "", "640x360", "restreamed");
      JsonNode shown = rest.get(destinations, room.hostToken()).body();
      for (long until = System.currentTimeMillis() + 30_000; !shown.path("destinations").get(0).path("state").asText()
          .equals("live"); shown = rest.get(destinations, room.hostToken()).body()) {
        assertTrue(System.currentTimeMillis() < until, "the push went live: " + shown);
        Thread.sleep(200);
      }
      // The operator sees the same, from the ops CLI.
      OpsCommandTest.Run ops = OpsCommandTest.ops("restreams", room.roomId(), "--server", other.http(), "--token",
          cluster.opsToken());
      assertEquals(0, ops.code(), ops.err());
      assertTrue(ops.out().contains("nginx") && ops.out().contains("live") && !ops.out().contains("show-secret-1"),
          ops.out());
      String played = "rtmp://127.0.0.1:" + platform.port + "/live/show-secret-1";
      List<String> streams = Ffmpeg.streams(played, work, "platform-probe");
      assertTrue(streams.contains("h264,video") && streams.contains("aac,audio"), "as ingested: " + streams);
      Ffmpeg.Decoded decoded = Ffmpeg.decode(played, 3, work, "platform-decode");
      assertTrue(decoded.clean() && decoded.videoFrames() >= 40, "the platform plays the show: "
          + decoded.videoFrames() + " frames, " + decoded.errors());

      RestClient.Response removed = rest.delete(destinations + "/nginx", room.hostToken());
      assertEquals(200, removed.status(), removed.body().toString());
      assertEquals(0, removed.body().path("destinations").size());
      for (LocalCluster.Node n : cluster.nodes()) {
        assertTrue(!java.nio.file.Files.readString(n.log()).contains("show-secret-1"), "the key is in no log line");
      }
      assertTrue(!(added.body().toString() + shown + removed.body()).contains("show-secret-1"),
          "the key is in no answer");
    }
  }

  @Test
  void anotherNodesViewersDecodeEveryFrameOverHttpFlvAndRtmp() throws Exception {
    LocalCluster.Node origin = cluster.nodes().get(0);
    LocalCluster.Node edge = cluster.nodes().get(1);
    RoomScript room = new RoomScript(edge.http()).create("media test");
    publish(origin, room, "", "640x360", "pub");
    awaitLive(edge, room);
    // /join names a node's players beside its viewer socket: a page plays from the node it watches on.
    JsonNode join = new RestClient().get(edge.http() + "/api/rooms/" + room.roomId() + "/join").body();
    String viewerHost = java.net.URI.create(join.path("ws").asText().split("\\?")[0]).getAuthority();
    LocalCluster.Node named = null;
    for (LocalCluster.Node n : cluster.nodes()) {
      if (n.ws().endsWith("//" + viewerHost)) {
        named = n;
      }
    }
    assertNotNull(named, join.toString());
    assertEquals(named.media() + "/live/" + room.roomId() + ".flv", join.path("flv").asText(), join.toString());
    assertEquals(named.media().replace("http://", "ws://") + "/ws/live/" + room.roomId(), join.path("wsFlv").asText());

    CompletableFuture<Ffmpeg.Decoded> rtmp = CompletableFuture.supplyAsync(() -> {
      try {
        return Ffmpeg.decode(edge.rtmp() + "/" + room.roomId(), 5, work, "edge-rtmp");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    CompletableFuture<Ffmpeg.Decoded> flvPlay = CompletableFuture.supplyAsync(() -> {
      try {
        return Ffmpeg.decode(edge.media() + "/live/" + room.roomId() + ".flv", 5, work, "edge-flv");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // While both play, the ops CLI counts them on the edge's track, with the origin-to-edge lag.
    JsonNode seen = null;
    long mediaUntil = System.currentTimeMillis() + 4_000;
    while (seen == null && System.currentTimeMillis() < mediaUntil) {
      OpsCommandTest.Run media = OpsCommandTest.ops("media", room.roomId(), "--server", edge.http(), "--token",
          cluster.opsToken(), "-o", "json");
      assertEquals(0, media.code(), media.err());
      for (JsonNode n : new com.fasterxml.jackson.databind.ObjectMapper().readTree(media.out()).path("nodes")) {
        JsonNode layer = n.path("layers").path(0);
        if (n.path("node").asText().endsWith(edge.address()) && layer.path("viewers").asInt() == 2) {
          seen = n;
        }
      }
      Thread.sleep(200);
    }
    assertNotNull(seen, "ops media counts the edge's two players on its layer");
    assertEquals("main", seen.path("layers").path(0).path("camera").asText(), seen.toString());
    assertTrue(seen.path("layers").path(0).path("arrivalLagMs").isNumber(), "the origin-to-edge lag: " + seen);
    Ffmpeg.Decoded flv = flvPlay.get();
    assertTrue(flv.clean(), "HTTP-FLV from the edge decodes without error: " + flv);
    assertTrue(flv.videoFrames() >= 115, "5 s at 25 fps, decoded: " + flv.videoFrames());
    Ffmpeg.Decoded overRtmp = rtmp.get();
    assertTrue(overRtmp.clean(), "RTMP play from the edge decodes without error: " + overRtmp);
    assertTrue(overRtmp.videoFrames() >= 115, "5 s at 25 fps, decoded: " + overRtmp.videoFrames());

    // The edge's /metrics count what it received from the origin and what it wrote to viewers.
    long metricsUntil = System.currentTimeMillis() + 10_000;
    String metrics = "";
    while (!(metrics.contains("shardcast_media_relay_frames_total{direction=\"received\"}")
        && metrics.contains("shardcast_media_bytes_out"))) {
      assertTrue(System.currentTimeMillis() < metricsUntil, "media metrics on the edge: " + metrics.lines()
          .filter(l -> l.contains("media")).toList());
      Thread.sleep(500);
      metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(edge.http() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    JsonNode route = new RestClient().get(origin.http() + "/api/rooms/" + room.roomId() + "/media", cluster.opsToken()).body();
    assertEquals(origin.host() + ":" + origin.relayPort(), route.path("origin").asText(), route.toString());
    assertTrue(route.path("subscribers").toString().contains(":" + edge.relayPort()), route.toString());

    // A wrong token is refused and leaves the room's stream alone.
    Process intruder = Ffmpeg.publishRtmp(origin.rtmp() + "/" + room.roomId() + "?token=wrong", "320x240", 25, 25,
        "300k", work.resolve("intruder.log"));
    assertTrue(intruder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the intruder is turned away");
    assertTrue(intruder.exitValue() != 0, "ffmpeg reports the refusal");
    Ffmpeg.Decoded after = Ffmpeg.decode(edge.media() + "/live/" + room.roomId() + ".flv", 2, work, "after");
    assertTrue(after.clean() && after.videoFrames() >= 40, "the host's stream carries on: " + after);
  }

  @Test
  void aPinRidesOnTheFrameItHappenedOnInAnotherNodesStream() throws Exception {
    LocalCluster.Node origin = cluster.nodes().get(0);
    LocalCluster.Node edge = cluster.nodes().get(1);
    RoomScript room = new RoomScript(edge.http()).create("cues");
    room.host("products", RoomScript.body().put("productId", "scarf").put("name", "Silk scarf").put("priceCents", 9900)
        .put("stock", 10));
    publish(origin, room, "", "640x360", "cue-pub");
    awaitLive(edge, room);
    HttpClient http = HttpClient.newHttpClient();
    Viewer viewer = new Viewer("cue-watcher", null, true).connect(http, room.joinBase(), room.roomId(), -1).get();
    // The room learns the origin's media clock with the origin's next refresh: its events then say
    // where the stream stood.
    long clockUntil = System.currentTimeMillis() + 15_000;
    while (frameOf(viewer, "comment", -1) == null || !frameOf(viewer, "comment", -1).has("mediaTs")) {
      assertTrue(System.currentTimeMillis() < clockUntil, "comments carry the media time: " + viewer.frames());
      viewer.comment("tick");
      Thread.sleep(300);
    }

    FlvTap tap = FlvTap.open(http, edge.media() + "/live/" + room.roomId() + ".flv");
    try {
      long pinSeq = room.host("pin", RoomScript.body().put("productId", "scarf")).path("seq").asLong(-1);
      long until = System.currentTimeMillis() + 15_000;
      FlvTap.Tag found = null;
      while (found == null) {
        assertTrue(System.currentTimeMillis() < until, "the pin's cue point reached the edge's stream: " + tap.summary());
        found = tap.cuePoint("pin");
        Thread.sleep(100);
      }
      FlvTap.Tag cuePoint = found;
      long seq = Long.parseLong(String.valueOf(((Map<?, ?>) cuePoint.cuePoint().get("parameters")).get("seq")));
      assertTrue(pinSeq < 0 || seq == pinSeq, "the cue names the pin's event: " + seq + " vs " + pinSeq);
      // The same moment inside the video frame at the cue point's time, for players that read SEI.
      FlvTap.Tag frame = tap.videoAt(cuePoint.ts());
      assertNotNull(frame, "a video frame at the cue point's time " + cuePoint.ts());
      assertTrue(frame.sei().stream().anyMatch(m -> m.contains("\"type\":\"pin\"") && m.contains("\"seq\":" + seq)),
          "the frame carries the pin: " + frame.sei());
      assertTrue(frame.sei().stream().anyMatch(m -> m.startsWith("{\"t\":" + cuePoint.ts() + ",")),
          "with its time on the room's clock: " + frame.sei());
      // Every keyframe tells a player where it sits on the room's clock.
      List<FlvTap.Tag> keyframes = tap.keyframes();
      assertTrue(!keyframes.isEmpty(), tap.summary());
      for (FlvTap.Tag k : keyframes) {
        assertTrue(k.sei().contains("{\"t\":" + k.ts() + ",\"type\":\"clock\"}"), "keyframe at " + k.ts() + ": " + k.sei());
      }
      // The viewer socket's pin says where the stream stood when the host pinned: the frame it rides on.
      long waitPin = System.currentTimeMillis() + 5_000;
      while (frameOf(viewer, "pin", seq) == null && System.currentTimeMillis() < waitPin) {
        Thread.sleep(50);
      }
      JsonNode pin = frameOf(viewer, "pin", seq);
      assertNotNull(pin, "the viewer got the pin: " + viewer.frames());
      long mediaTs = pin.path("mediaTs").asLong(-1);
      assertTrue(Math.abs(mediaTs - cuePoint.ts()) < 1000,
          "the pin's media time " + mediaTs + " is the time of the frame it rides on, " + cuePoint.ts());
    } finally {
      tap.close();
      viewer.close();
    }
  }

  /** The viewer's last frame of {@code type} (with {@code seq} unless it is -1), or null. */
  private static JsonNode frameOf(Viewer viewer, String type, long seq) throws Exception {
    JsonNode found = null;
    for (String f : viewer.frames()) {
      JsonNode n = JSON.readTree(f);
      for (JsonNode e : n.isArray() ? n : List.of(n)) {
        if (type.equals(e.path("type").asText()) && (seq < 0 || e.path("seq").asLong() == seq)) {
          found = e;
        }
      }
    }
    return found;
  }

  @Test
  void ffmpegPublishesOverRtpAndAnotherNodeServesItOverHttpFlvRtmpAndRtp() throws Exception {
    LocalCluster.Node origin = cluster.nodes().get(0);
    LocalCluster.Node edge = cluster.nodes().get(1);
    RoomScript room = new RoomScript(origin.http()).create("rtp test");
    java.net.http.HttpResponse<String> reg = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(origin.media() + "/rtp/" + room.roomId() + "?token="
            + room.hostToken() + "&sampleRate=48000&channels=1")).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(201, reg.statusCode(), reg.body());
    int port = new com.fasterxml.jackson.databind.ObjectMapper().readTree(reg.body()).path("port").asInt();
    publishers.add(Ffmpeg.publishRtp(origin.host(), port, "640x360", 25, 25, "600k", work.resolve("rtp.log")));
    awaitLive(edge, room);

    Ffmpeg.Decoded flv = Ffmpeg.decode(edge.media() + "/live/" + room.roomId() + ".flv", 4, work, "rtp-edge-flv");
    assertTrue(flv.clean() && flv.videoFrames() >= 90, "RTP ingest, HTTP-FLV from the edge: " + flv);
    Ffmpeg.Decoded rtmp = Ffmpeg.decode(edge.rtmp() + "/" + room.roomId(), 4, work, "rtp-edge-rtmp");
    assertTrue(rtmp.clean() && rtmp.videoFrames() >= 90, "RTP ingest, RTMP from the edge: " + rtmp);
    try (io.shardcast.testkit.media.RtpPlayer player = new io.shardcast.testkit.media.RtpPlayer(
        new java.net.InetSocketAddress(edge.host(), edge.rtpPort()), room.roomId(), 250)) {
      // 3 s of video at 25 fps, however long a loaded machine takes to deliver it.
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (player.videoFramesComplete() < 75 && System.nanoTime() - until < 0) {
        Thread.sleep(100);
      }
      assertTrue(player.videoFramesComplete() >= 75 && player.videoFramesDropped() == 0,
          "RTP egress from the edge: " + player.videoFramesComplete() + " complete, " + player.videoFramesDropped()
              + " dropped");
    }
  }

  @Test
  void viewersFollowTheHostsCameraSwitchWithoutADecodeError() throws Exception {
    LocalCluster.Node origin = cluster.nodes().get(0);
    LocalCluster.Node edge = cluster.nodes().get(1);
    RoomScript room = new RoomScript(origin.http()).create("camera test");
    publish(origin, room, "&camera=main", "640x360", "main");
    publish(origin, room, "&camera=close-up", "320x240", "close-up");
    awaitLive(edge, room);
    Thread.sleep(1500);

    CompletableFuture<Ffmpeg.Probed> probe = CompletableFuture.supplyAsync(() -> {
      try {
        return Ffmpeg.frameWidths(edge.media() + "/live/" + room.roomId() + ".flv", 8, work, "switch");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(3000);
    room.host("camera", RoomScript.body().put("camera", "close-up"));
    Ffmpeg.Probed p = probe.get();
    assertEquals(0, p.exitCode(), p.errors());
    assertTrue(p.errors().isBlank(), "no decode error through the switch: " + p.errors());
    int first = p.widths().indexOf(320);
    if (!(first > 0 && p.widths().get(0) == 640)) {
      // What each node knew of the room's media, to tell a switch that never reached the edge from one it could not make.
      OpsCommandTest.Run media = OpsCommandTest.ops("media", room.roomId(), "--server", edge.http(), "--token",
          cluster.opsToken(), "-o", "json");
      JsonNode route = new RestClient().get(origin.http() + "/api/rooms/" + room.roomId() + "/media",
          cluster.opsToken()).body();
      throw new AssertionError("the viewer moved from main (640) to close-up (320): " + p.widths().size()
          + " frames, first " + p.widths().get(0) + ", 320 at " + first + "; route " + route + "; media " + media.out());
    }
    assertTrue(p.widths().subList(first, p.widths().size()).stream().allMatch(w -> w == 320),
        "and stayed there: " + p.widths());
    assertTrue(p.widths().size() >= 170, "8 s at 25 fps with no gap at the switch: " + p.widths().size());
  }
}
