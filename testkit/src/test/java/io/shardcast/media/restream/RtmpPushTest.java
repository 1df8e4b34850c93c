package io.shardcast.media.restream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.StaticDirectory;
import io.shardcast.media.serve.MediaServer;
import io.shardcast.media.serve.MediaSettings;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.NginxRtmp;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room pushed to a platform, played by nginx with its RTMP module standing in for the
 * platform's ingest: what ffprobe and ffmpeg read back from nginx is the room's stream; the push
 * comes back by itself when nginx goes away and returns; a refused stream key is reported and
 * waits before the next try, and the key shows in no status.
 */
class RtmpPushTest {

  @TempDir Path dir;
  private MediaHub hub;
  private MediaServer server;
  private Process publisher;
  private NginxRtmp nginx;
  private RtmpPush push;
  private HttpServer hook;

  @BeforeEach
  void start() throws Exception {
    hub = new MediaHub(1024);
    server = MediaServer.start(hub, new StaticDirectory(hub).room("r1", "secret"),
        MediaSettings.from(ConfigFactory.load()).withPorts(0, 0));
    publisher = Ffmpeg.publishRtmp("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1?token=secret", "640x360", 25,
        25, "800k", dir.resolve("publisher.log"));
    await(Duration.ofSeconds(20), () -> {
      MediaRoom room = hub.existing("r1");
      return room != null && room.live() && room.tracks().get(0).lastKeyframeSeq() >= 0;
    }, () -> "room r1 live; its publisher's log: " + read(dir.resolve("publisher.log")));
  }

  @AfterEach
  void stop() {
    if (push != null) {
      push.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    if (hook != null) {
      hook.stop(0);
    }
    publisher.destroyForcibly();
    server.close();
  }

  @Test
  void thePlatformPlaysTheRoomAsIngestedAndGetsItBackAfterItsIngestWasAway() throws Exception {
    nginx = NginxRtmp.start(dir.resolve("nginx"));
    String played = "rtmp://127.0.0.1:" + nginx.port + "/live/show-1";
    push = new RtmpPush(hub, "r1", "nginx", RtmpUrl.parse("rtmp://127.0.0.1:" + nginx.port + "/live", "show-1"), null)
        .start();
    await(Duration.ofSeconds(20), () -> push.status().state() == RtmpPush.State.LIVE, () -> "live: " + push.status());

    List<String> streams = Ffmpeg.streams(played, dir, "probe");
    assertEquals(List.of("h264,video", "aac,audio"), streams.stream().sorted((a, b) -> b.compareTo(a)).toList(),
        "the stream as ingested, not transcoded; nginx: " + nginx.log());
    Ffmpeg.Decoded decoded = Ffmpeg.decode(played, 4, dir, "decode");
    assertTrue(decoded.clean(), "decoded from nginx without an error: " + decoded.errors());
    assertTrue(decoded.videoFrames() >= 50, "4 s of the room's video from nginx: " + decoded.videoFrames());

    // The platform's ingest goes away mid-show, and comes back on the same address.
    nginx.stop();
    await(Duration.ofSeconds(20), () -> push.status().state() == RtmpPush.State.RETRYING,
        () -> "the push notices: " + push.status());
    RtmpPush.Status away = push.status();
    assertTrue(away.reconnects() >= 1 && away.lastError() != null && away.lastErrorAtMillis() > 0, "reported: " + away);
    nginx.startAgain();
    await(Duration.ofSeconds(30), () -> push.status().state() == RtmpPush.State.LIVE, () -> "live again: " + push.status());
    Ffmpeg.Decoded again = Ffmpeg.decode(played, 3, dir, "again");
    assertTrue(again.clean() && again.videoFrames() >= 30, "the show goes on at the platform: " + again.videoFrames()
        + " frames, " + again.errors());
    await(Duration.ofSeconds(10), () -> push.status().bitsPerSecond() > 200_000, () -> "its rate: " + push.status());
    assertTrue(push.status().bytes() > 500_000, "bytes pushed: " + push.status());
  }

  @Test
  void aRefusedStreamKeyIsReportedAndNotTriedAgainAtOnce() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/publish", x -> {
      asked.incrementAndGet();
      boolean right = new String(x.getRequestBody().readAllBytes()).contains("name=the-right-key");
      x.sendResponseHeaders(right ? 200 : 403, -1);
      x.close();
    });
    hook.start();
    nginx = NginxRtmp.start(dir.resolve("nginx"), "http://127.0.0.1:" + hook.getAddress().getPort() + "/publish");
    push = new RtmpPush(hub, "r1", "nginx", RtmpUrl.parse("rtmp://127.0.0.1:" + nginx.port + "/live", "a-wrong-key"),
        null).start();
    await(Duration.ofSeconds(20), () -> push.status().state() == RtmpPush.State.RETRYING,
        () -> "waiting to try again: " + push.status());
    RtmpPush.Status refused = push.status();
    assertTrue(refused.lastError().contains("refused"), "says the key was refused: " + refused.lastError());
    assertFalse(refused.toString().contains("a-wrong-key"), "the key is in no status: " + refused);
    assertTrue(refused.nextAttemptAtMillis() - refused.lastErrorAtMillis() >= RtmpPush.REFUSED_BACKOFF_MILLIS,
        "the next try waits at least 30 s: " + refused);
    assertEquals(1, asked.get(), "the platform was asked once");
  }

  private static void await(Duration timeout, BooleanSupplier condition, Supplier<String> what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what.get());
      }
      Thread.sleep(20);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
