package io.shardcast.media.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.StaticDirectory;
import io.shardcast.media.play.SignedPlayUrl;
import io.shardcast.testkit.media.Ffmpeg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed playback with real ffmpeg: a live room plays over HTTP-FLV, WebSocket-FLV and RTMP only
 * with a URL signed for it that has not expired; every other request is told why, and the stream
 * goes on for those who may watch. Publishing still takes the host token alone.
 */
class PlayAuthTest {

  static final byte[] SECRET = "a-play-secret-the-nodes-share-32b+".getBytes(StandardCharsets.UTF_8);
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path dir;
  static MediaHub hub;
  static MediaServer server;
  static Process publisher;
  static SignedPlayUrl urls = new SignedPlayUrl(SECRET, null);

  @BeforeAll
  static void start() throws Exception {
    hub = new MediaHub(1024);
    server = MediaServer.start(hub, new StaticDirectory(hub).room("r1", "secret"),
        MediaSettings.from(ConfigFactory.load()).withPorts(0, 0), urls);
    publisher = Ffmpeg.publishRtmp("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1?token=secret", "320x180", 25,
        25, "300k", dir.resolve("publisher.log"));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      MediaRoom room = hub.existing("r1");
      if (room != null && room.live() && room.tracks().get(0).lastKeyframeSeq() >= 0) {
        break;
      }
      assertTrue(System.nanoTime() < deadline, "r1 never went live: " + Files.readString(dir.resolve("publisher.log")));
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stop() {
    if (publisher != null) {
      publisher.destroyForcibly();
    }
    server.close();
  }

  static String refusal(String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + JSON.readTree(r.body()).path("code").asText();
  }

  @Test
  void onlyASignedUnexpiredUrlForTheRoomPlays() throws Exception {
    long now = System.currentTimeMillis();
    String signed = urls.query("r1", now + 60_000);
    assertEquals("401 PLAY_UNAUTHORIZED", refusal("/live/r1.flv"));
    assertEquals("401 PLAY_UNAUTHORIZED", refusal("/live/r1.flv?" + signed.replace("sig=", "sig=x")));
    assertEquals("401 PLAY_UNAUTHORIZED", refusal("/live/r1.flv?" + urls.query("r2", now + 60_000)));
    assertEquals("403 PLAY_EXPIRED", refusal("/live/r1.flv?" + urls.query("r1", now - 1_000)));

    Ffmpeg.Decoded flv = Ffmpeg.decode("http://127.0.0.1:" + server.httpPort() + "/live/r1.flv?" + signed, 2, dir,
        "flv");
    assertEquals(0, flv.exitCode(), flv.errors());
    assertTrue(flv.videoFrames() >= 40, "decoded " + flv.videoFrames() + " frames in 2 s at 25 fps");
    Ffmpeg.Decoded rtmp = Ffmpeg.decode("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1?" + signed, 2, dir,
        "rtmp");
    assertEquals(0, rtmp.exitCode(), rtmp.errors());
    assertTrue(rtmp.videoFrames() >= 40, "decoded " + rtmp.videoFrames() + " frames in 2 s at 25 fps");
    Ffmpeg.Decoded unsigned = Ffmpeg.decode("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1", 2, dir,
        "rtmp-unsigned");
    assertEquals(0, unsigned.videoFrames(), "an unsigned RTMP player got frames");
  }

  @Test
  void aWebSocketPlayerNeedsTheSignatureToo() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.httpPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET /ws/live/r1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
          + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
      assertTrue(answer.contains("PLAY_UNAUTHORIZED"), answer);
    }
  }
}
