package io.shardcast.media.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.StaticDirectory;
import io.shardcast.media.TrackKey;
import io.shardcast.media.tools.Ffmpeg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One node's media plane with real ffmpeg: publish over RTMP, watch over HTTP-FLV and RTMP. */
class MediaServerTest {

  @TempDir Path dir;
  private MediaHub hub;
  private MediaServer server;
  private Process publisher;

  @BeforeEach
  void start() throws Exception {
    hub = new MediaHub(1024);
    StaticDirectory directory = new StaticDirectory(hub).room("r1", "secret");
    MediaSettings settings = MediaSettings.from(ConfigFactory.load()).withPorts(0, 0);
    server = MediaServer.start(hub, directory, settings);
  }

  @AfterEach
  void stop() {
    if (publisher != null) {
      publisher.destroyForcibly();
    }
    server.close();
  }

  private void publish(String query) throws Exception {
    publisher = Ffmpeg.publishRtmp("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1?token=secret" + query,
        "640x360", 25, 25, "800k", dir.resolve("publisher.log"));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      MediaRoom room = hub.existing("r1");
      if (room != null && room.live() && room.tracks().get(0).lastKeyframeSeq() >= 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the publisher never got a keyframe in: " + Files.readString(dir.resolve("publisher.log")));
  }

  @Test
  void ffmpegWatchesOverHttpFlvAndRtmpAndDecodesEveryFrame() throws Exception {
    publish("");
    Ffmpeg.Decoded flv = Ffmpeg.decode("http://127.0.0.1:" + server.httpPort() + "/live/r1.flv", 4, dir, "flv");
    assertEquals(0, flv.exitCode(), flv.errors());
    assertTrue(flv.errors().isBlank(), flv.errors());
    assertTrue(flv.videoFrames() >= 90, "decoded only " + flv.videoFrames() + " frames in 4 s at 25 fps");
    Ffmpeg.Decoded rtmp = Ffmpeg.decode("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1", 4, dir, "rtmp");
    assertEquals(0, rtmp.exitCode(), rtmp.errors());
    assertTrue(rtmp.errors().isBlank(), rtmp.errors());
    assertTrue(rtmp.videoFrames() >= 90, "decoded only " + rtmp.videoFrames() + " frames in 4 s at 25 fps");
    assertEquals(TrackKey.DEFAULT_CAMERA, hub.existing("r1").tracks().get(0).key.camera());
  }
}
