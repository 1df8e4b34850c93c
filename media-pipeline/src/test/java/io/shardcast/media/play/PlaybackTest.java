package io.shardcast.media.play;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.Track;
import io.shardcast.media.TrackKey;
import io.shardcast.media.flv.Flv;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a viewer is sent: a late joiner's first picture, a slow viewer's drops, a camera switch. */
class PlaybackTest {

  private static final byte[] VIDEO_CONFIG = {0x17, 0, 0, 0, 0, 1, 0x42, 0, 0x1e, (byte) 0xff, (byte) 0xe1, 0};
  private static final byte[] AUDIO_CONFIG = {(byte) 0xaf, 0, 0x11, (byte) 0x90};

  /** One sent tag: kind, time, and whether it is a keyframe or a sequence header. */
  record Sent(int kind, long ts, boolean keyframe, boolean config) {}

  private final MediaHub hub = new MediaHub(1024);

  private static MediaFrame video(long ts, boolean key) {
    return new MediaFrame(Flv.VIDEO, ts, new byte[] {(byte) (key ? 0x17 : 0x27), 1, 0, 0, 0, 9, 9, 9}, 0);
  }

  private static MediaFrame audio(long ts) {
    return new MediaFrame(Flv.AUDIO, ts, new byte[] {(byte) 0xaf, 1, 5, 5}, 0);
  }

  /** Publishes {@code seconds} of 25 fps video (keyframe each second) and 50 audio frames/s from {@code from}. */
  private static void stream(Track t, long from, int seconds) {
    for (long ms = from; ms < from + seconds * 1000L; ms += 20) {
      if (ms % 40 == 0) {
        t.publish(video(ms, ms % 1000 == 0));
      }
      t.publish(audio(ms));
    }
  }

  private static Track start(MediaHub hub, String camera) {
    Track t = hub.openOrigin("r", new TrackKey(camera, "source"));
    t.publish(new MediaFrame(Flv.VIDEO, 0, VIDEO_CONFIG, 0));
    t.publish(new MediaFrame(Flv.AUDIO, 0, AUDIO_CONFIG, 0));
    return t;
  }

  private static List<Sent> drain(Playback p, int max) {
    List<Sent> out = new ArrayList<>();
    ByteBuffer b;
    while (out.size() < max && (b = p.next(0)) != null) {
      int kind = b.get(0);
      long ts = ((b.get(4) & 0xFFL) << 16) | ((b.get(5) & 0xFFL) << 8) | (b.get(6) & 0xFFL) | ((b.get(7) & 0xFFL) << 24);
      boolean config = b.get(12) == 0 && kind != Flv.SCRIPT;
      boolean key = kind == Flv.VIDEO && (b.get(11) & 0xF0) == 0x10 && !config;
      out.add(new Sent(kind, ts, key, config));
    }
    return out;
  }

  private Playback viewer(MediaRoom room) {
    return new Playback(room, null, null, MediaFrame.FLV, 0, 1, 1500, null);
  }

  @Test
  void aLateJoinerStartsWithSequenceHeadersAndTheLatestKeyframe() {
    Track t = start(hub, "main");
    stream(t, 0, 3);
    List<Sent> sent = drain(viewer(hub.room("r")), 1000);
    assertTrue(sent.get(0).config() && sent.get(0).kind() == Flv.VIDEO, "video sequence header first: " + sent.get(0));
    assertTrue(sent.get(1).config() && sent.get(1).kind() == Flv.AUDIO, "then the audio one: " + sent.get(1));
    assertTrue(sent.get(2).keyframe() && sent.get(2).ts() == 2000, "then the latest keyframe: " + sent.get(2));
  }

  @Test
  void aViewerThatFallsBehindDropsVideoToTheNewestKeyframeWhileAudioFlows() {
    Track t = start(hub, "main");
    stream(t, 0, 1);
    Playback p = viewer(hub.room("r"));
    List<Sent> before = drain(p, 1000);
    Sent last = before.get(before.size() - 1);
    stream(t, 1000, 4); // the viewer writes nothing for 4 s: 4 s behind, past the 1.5 s bound
    List<Sent> after = drain(p, 10_000);
    List<Sent> video = after.stream().filter(s -> s.kind() == Flv.VIDEO).toList();
    assertTrue(video.get(0).keyframe() && video.get(0).ts() == 4000,
        "video resumes at the newest keyframe (4 s), not at " + video.get(0));
    long audioFrames = after.stream().filter(s -> s.kind() == Flv.AUDIO).count();
    assertTrue(audioFrames >= 190, "audio kept flowing through the drop: " + audioFrames + " frames after " + last);
    assertTrue(p.droppedVideo() >= 70, "video frames were dropped: " + p.droppedVideo());
  }

  @Test
  void aCameraSwitchWaitsForTheNewCamerasNextKeyframeAndResendsItsHeaders() {
    Track a = start(hub, "main");
    Track b = start(hub, "close-up");
    together(a, b, 0, 2500);
    Playback p = viewer(hub.room("r"));
    drain(p, 10_000);
    hub.room("r").activeCamera("close-up");
    together(a, b, 2500, 2980);
    List<Sent> mid = drain(p, 10_000);
    assertTrue(mid.stream().noneMatch(Sent::config) && mid.size() > 30,
        "main goes on until close-up has a keyframe newer than what was shown (its latest is at 2 s): " + mid.size());
    together(a, b, 3000, 4000);
    List<Sent> after = drain(p, 10_000);
    assertTrue(after.get(0).config() && after.get(1).config(), "close-up's sequence headers first: " + after.subList(0, 3));
    Sent key = after.get(2);
    assertTrue(key.keyframe() && key.ts() == 3000, "then its next keyframe: " + key);
    assertTimeRunsOn(after.subList(2, after.size()));
    assertEquals(1, p.switches());
  }

  @Test
  void aCameraWhoseClockRunsBehindHoldsThePictureUntilItsTimeComesThenIsSwitchedTo() {
    Track a = start(hub, "main");
    stream(a, 0, 3);
    Playback p = viewer(hub.room("r"));
    drain(p, 10_000); // shown up to 2.96 s
    Track b = start(hub, "close-up");
    stream(b, 0, 2); // its encoder's clock is a second behind main's
    hub.room("r").activeCamera("close-up");
    stream(a, 3000, 1);
    assertEquals(List.of(), drain(p, 10_000), "main holds: showing on would stay ahead of every close-up keyframe");
    stream(b, 2000, 2);
    List<Sent> after = drain(p, 10_000);
    assertTrue(after.get(0).config() && after.get(2).keyframe() && after.get(2).ts() == 3000,
        "close-up from its first keyframe past what was shown: " + after.subList(0, 3));
    assertTimeRunsOn(after.subList(2, after.size()));
    assertEquals(1, p.switches());
  }

  @Test
  void aCameraWithNoPictureYetOrFarBehindDoesNotHoldThePicture() {
    Track a = start(hub, "main");
    stream(a, 0, 3);
    Playback p = viewer(hub.room("r"));
    drain(p, 10_000);
    Track b = start(hub, "close-up"); // on the air before its first keyframe is here
    hub.room("r").activeCamera("close-up");
    stream(a, 3000, 1);
    assertTrue(drain(p, 10_000).size() > 50, "main goes on while close-up has nothing to show");
    stream(b, 0, 1); // three seconds behind: beyond what a picture may hold
    stream(a, 4000, 1);
    assertTrue(drain(p, 10_000).size() > 50, "main goes on");
    assertEquals(0, p.switches());
  }

  @Test
  void aWebRtcViewerGetsNoStaleSoundWhileAnFlvViewerGetsTheWholeGop() {
    Track t = start(hub, "main");
    for (long ms = 0; ms < 1900; ms += 20) { // a second GOP 900 ms old when the viewers join
      if (ms % 40 == 0) {
        t.publish(video(ms, ms % 1000 == 0));
      }
      t.publish(audio(ms));
      byte[] opus = new byte[Flv.OPUS_HEADER_BYTES + 3];
      Flv.opusHeader(opus);
      t.publish(new MediaFrame(Flv.AUDIO, ms, opus, 0));
    }
    Playback webrtc = new Playback(hub.room("r"), null, null, MediaFrame.FLV, 0, 1, 1500, null).opusAudio();
    long firstSound = -1;
    int pictures = 0;
    for (MediaFrame f; (f = webrtc.nextFrame(0)) != null; ) {
      if (f.isAudio() && !f.config && firstSound < 0) {
        firstSound = f.timestamp;
      }
      pictures += f.isVideo() && !f.config ? 1 : 0;
    }
    assertEquals(23, pictures, "the whole GOP's pictures, from its keyframe at 1 s (the decoder needs them)");
    assertTrue(firstSound >= 1880 - Playback.MAX_OPUS_LAG_MILLIS, "sound from near the newest frame: " + firstSound);
    List<Sent> flv = drain(viewer(hub.room("r")), 10_000);
    assertEquals(1000, flv.stream().filter(x -> x.kind() == Flv.AUDIO && !x.config()).findFirst().orElseThrow().ts(),
        "an FLV player's buffer takes the GOP's sound as it is");
  }

  @Test
  void aFreshStartViewerWaitsForANewKeyframeRatherThanTakeAnOldGopAtOnce() {
    Track t = start(hub, "main");
    stream(t, 0, 1);
    for (long ms = 1000; ms < 1900; ms += 20) { // the newest keyframe (1 s) is 880 ms behind the newest frame
      if (ms % 40 == 0) {
        t.publish(video(ms, ms == 1000));
      }
      t.publish(audio(ms));
    }
    Playback p = new Playback(hub.room("r"), null, null, MediaFrame.FLV, 0, 1, 1500, null).freshStart(400);
    assertEquals(null, p.nextFrame(10_000), "no old GOP at once");
    t.publish(video(1920, true));
    MediaFrame first = null;
    for (MediaFrame f; (f = p.nextFrame(10_100)) != null; ) {
      if (f.isVideo() && !f.config && first == null) {
        first = f;
      }
    }
    assertEquals(1920, first.timestamp, "the new keyframe is the first picture");
    Playback late = new Playback(hub.room("r"), null, null, MediaFrame.FLV, 0, 1, 1500, null).freshStart(1);
    for (long ms = 1940; ms < 2400; ms += 40) {
      t.publish(video(ms, false));
    }
    assertEquals(null, late.nextFrame(20_000));
    assertTrue(late.nextFrame(20_000 + Playback.FRESH_WAIT_MILLIS) != null, "no new keyframe in time: the last one");
  }

  /** Both cameras live at once, frame by frame, on one clock, from {@code from} to {@code until} ms. */
  private static void together(Track a, Track b, long from, long until) {
    for (long ms = from; ms < until; ms += 20) {
      for (Track t : List.of(a, b)) {
        if (ms % 40 == 0) {
          t.publish(video(ms, ms % 1000 == 0));
        }
        t.publish(audio(ms));
      }
    }
  }

  private static void assertTimeRunsOn(List<Sent> sent) {
    long lastVideo = -1;
    for (Sent s : sent) {
      if (s.kind() == Flv.VIDEO) {
        assertTrue(s.ts() > lastVideo, "time never runs backwards: " + s.ts() + " after " + lastVideo);
        lastVideo = s.ts();
      }
    }
  }
}
