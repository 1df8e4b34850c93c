package io.shardcast.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.media.ClockPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Glass to glass in a real browser. A camera burns the wall clock's milliseconds into each frame
 * ({@link ClockPublisher}'s block pattern): ffmpeg publishing over RTMP, or a Chromium page
 * publishing a canvas over WHIP, each with a tone (a real show has sound, and players hold the
 * picture back to keep it in sync with the sound). Chromium pages play the room over WHEP from the origin node and
 * from the other node, and over WebSocket-FLV (the viewer page), read the clock back from each
 * presented frame ({@code requestVideoFrameCallback} and a canvas) and subtract it from the
 * frame's display time on the same machine's clock. The samples per path go to
 * {@code target/bench/glass-to-glass.json}; BENCHMARKS.md reports p50/p95/p99. The test asserts
 * what a viewer needs (the picture arrives and the clock reads back), not the latency.
 */
class GlassToGlassTest {

  static final int SECONDS = Integer.getInteger("shardcast.bench.seconds", 6);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  @TempDir static Path work;
  static BrowserCluster env;
  static LocalCluster cluster;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    env = BrowserCluster.start(2, dataDir, "glass");
    cluster = env.cluster();
    chromium = env.chromium();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** Reads the clock from every frame {@code video} (an expression) presents into window.glass. */
  static final String READER = """
      (videoExpression) => {
        const v = eval(videoExpression);
        const c = document.createElement('canvas');
        c.width = 64; c.height = 40;
        const g = c.getContext('2d', { willReadFrequently: true });
        window.glass = { samples: [], bad: 0, frames: 0 };
        const read = () => {
          g.drawImage(v, 0, 0, 64, 40);
          const d = g.getImageData(0, 0, 64, 40).data;
          const bit = i => d[(((Math.floor(i / 8) * 8 + 4) * 64) + (i % 8) * 8 + 4) * 4 + 1] > 128 ? 1 : 0;
          let value = 0;
          for (let i = 0; i < 32; i++) { value = value * 2 + bit(i); }
          let sum = 0;
          for (let i = 32; i < 40; i++) { sum = sum * 2 + bit(i); }
          const bytes = Math.floor(value / 16777216) + (Math.floor(value / 65536) % 256) + (Math.floor(value / 256) % 256) + (value % 256);
          return bytes % 256 === sum ? value : null;
        };
        const step = (now, meta) => {
          window.glass.frames++;
          const value = read();
          const shown = performance.timeOrigin + (meta.expectedDisplayTime ?? now);
          if (value === null) {
            window.glass.bad++;
          } else {
            const late = ((shown % 4294967296) - value + 4294967296) % 4294967296;
            if (late < 60000) { window.glass.samples.push(late); } else { window.glass.bad++; }
          }
          v.requestVideoFrameCallback(step);
        };
        v.requestVideoFrameCallback(step);
      }""";

  /** A WHIP publisher page: the clock pattern drawn on a canvas, sent as H.264. Returns 'ok' or the refusal. */
  static final String CANVAS_CAMERA = """
      async ([url, token]) => {
        const c = document.createElement('canvas');
        c.width = 640; c.height = 360;
        document.body.appendChild(c);
        const g = c.getContext('2d');
        const draw = () => {
          const v = Date.now() % 4294967296;
          const sum = (Math.floor(v / 16777216) + (Math.floor(v / 65536) % 256) + (Math.floor(v / 256) % 256) + (v % 256)) % 256;
          for (let i = 0; i < 40; i++) {
            const one = i < 32 ? Math.floor(v / 2 ** (31 - i)) % 2 : Math.floor(sum / 2 ** (39 - i)) % 2;
            g.fillStyle = one ? '#ebebeb' : '#101010';
            g.fillRect((i % 8) * 80, Math.floor(i / 8) * 72, 80, 72);
          }
        };
        draw();
        setInterval(draw, 4);
        const stream = c.captureStream(30);
        // A tone beside the picture, as a host's microphone: players sync the picture to the sound.
        const audio = new AudioContext();
        const tone = audio.createOscillator();
        const out = audio.createMediaStreamDestination();
        tone.connect(out);
        tone.start();
        const pc = new RTCPeerConnection();
        const t = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', streams: [out.stream] });
        pc.addTransceiver(out.stream.getAudioTracks()[0], { direction: 'sendonly', streams: [out.stream] });
        t.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter(x => x.mimeType === 'video/H264'
          && /packetization-mode=1/.test(x.sdpFmtpLine) && /42e01f/.test(x.sdpFmtpLine)));
        const p = t.sender.getParameters();
        p.encodings = [{ maxBitrate: 1500000, maxFramerate: 30 }];
        p.degradationPreference = 'maintain-resolution';
        await t.sender.setParameters(p);
        await pc.setLocalDescription(await pc.createOffer());
        const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp',
          Authorization: 'Bearer ' + token }, body: pc.localDescription.sdp });
        if (r.status !== 201) { return r.status + ' ' + await r.text(); }
        await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
        window.publisher = pc;
        return 'ok';
      }""";

  /** The inbound tracks' average jitter buffer delay (ms) and the audio's concealment, from getStats. */
  static final String BUFFERS = """
      async () => {
        const out = {};
        for (const s of (await window.whep.pc.getStats()).values()) {
          if (s.type === 'inbound-rtp') {
            out[s.kind + 'BufferMs'] = Math.round(1000 * (s.jitterBufferDelay ?? 0) / Math.max(1, s.jitterBufferEmittedCount ?? 1));
            out[s.kind + 'TargetMs'] = Math.round(1000 * (s.jitterBufferTargetDelay ?? 0) / Math.max(1, s.jitterBufferEmittedCount ?? 1));
            out[s.kind + 'MinimumMs'] = Math.round(1000 * (s.jitterBufferMinimumDelay ?? 0) / Math.max(1, s.jitterBufferEmittedCount ?? 1));
            if (s.kind === 'audio') {
              out.concealed = s.concealedSamples;
              out.received = s.totalSamplesReceived;
            }
          }
        }
        return JSON.stringify(out);
      }""";

  /** A page reading the clock: where it plays from, and its page. */
  record Reader(String path, String node, String transport, Page page) {}

  @Test
  void aClockBurntIntoTheCameraReadsBackInTheBrowserOnEveryPath() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    LocalCluster.Node other = cluster.node(1);
    Map<String, List<Double>> results = new LinkedHashMap<>();
    List<BrowserContext> contexts = new ArrayList<>();
    try {
      // RTMP: ffmpeg's clock camera to the origin.
      RoomScript rtmp = new RoomScript(origin.http()).create("Glass to glass, RTMP");
      try (ClockPublisher camera = ClockPublisher.rtmp(origin.rtmp() + "/" + rtmp.roomId() + "?token=" + rtmp.hostToken(),
          30, "1500k", work.resolve("clock-camera.log"))) {
        measure("rtmp", rtmp, origin, other, contexts, results);
      }
      // WHIP: a Chromium page's canvas clock to the origin.
      RoomScript whip = new RoomScript(origin.http()).create("Glass to glass, WHIP");
      BrowserContext publisher = chromium.viewer("en-US");
      contexts.add(publisher);
      Page camera = publisher.newPage();
      camera.navigate(origin.http() + "/api/rooms/" + whip.roomId());
      assertEquals("ok", camera.evaluate(CANVAS_CAMERA, List.of(origin.media() + "/whip/" + whip.roomId(), whip.hostToken())));
      measure("whip", whip, origin, other, contexts, results);
      camera.evaluate("() => window.publisher.close()");
    } finally {
      contexts.forEach(BrowserContext::close);
      ObjectNode out = JSON.createObjectNode();
      out.put("seconds", SECONDS);
      results.forEach((k, v) -> {
        ArrayNode a = out.putArray(k);
        v.forEach(a::add);
      });
      Path file = Path.of("target", "bench", "glass-to-glass.json");
      Files.createDirectories(file.getParent());
      Files.writeString(file, out.toPrettyString());
    }
    results.forEach((k, v) -> System.out.println("glass to glass " + k + ": " + summary(v)));
  }

  /** Starts the readers of {@code room}, waits for each to read the clock, then keeps {@link #SECONDS} of samples. */
  private void measure(String source, RoomScript room, LocalCluster.Node origin, LocalCluster.Node other,
      List<BrowserContext> contexts, Map<String, List<Double>> results) throws Exception {
    List<Reader> readers = new ArrayList<>();
    for (LocalCluster.Node node : List.of(other, origin)) {
      BrowserContext c = chromium.viewer("en-US");
      contexts.add(c);
      Page page = c.newPage();
      page.navigate(node.http() + "/api/rooms/" + room.roomId());
      String whep = node.media() + "/whep/" + room.roomId();
      String started = (String) page.evaluate(WhepPlaybackTest.WHEP, whep);
      for (long until = System.nanoTime() + 30_000_000_000L; !"ok".equals(started) && System.nanoTime() < until; ) {
        page.waitForTimeout(250); // the room is not live yet
        started = (String) page.evaluate(WhepPlaybackTest.WHEP, whep);
      }
      assertEquals("ok", started, source + " over WHEP from " + node.address());
      page.evaluate(READER, "window.whep.v");
      readers.add(new Reader(source + "->whep", node == origin ? "origin" : "relayed", "webrtc", page));
    }
    BrowserContext c = chromium.viewer("en-US");
    contexts.add(c);
    Page flv = c.newPage();
    flv.navigate(other.http() + "/live/" + room.roomId() + "#transport=flv");
    flv.waitForFunction("() => window.shardcast.transport === 'flv' && document.querySelector('video')"
        + ".getVideoPlaybackQuality().totalVideoFrames > 0", null, ViewerPageTest.WITHIN_30_S);
    flv.evaluate(READER, "document.querySelector('video')");
    String flvNode = (String) flv.evaluate("() => window.shardcast.mediaNode");
    readers.add(new Reader(source + "->ws-flv", flvNode.endsWith("@" + origin.address())
        ? "origin" : "relayed", "flv", flv));
    for (Reader r : readers) {
      try {
        r.page().waitForFunction("() => window.glass.samples.length >= 20", null, ViewerPageTest.WITHIN_30_S);
      } catch (RuntimeException e) {
        throw new AssertionError(r.path() + " (" + r.node() + ") reads no clock: " + r.page().evaluate(
            "() => JSON.stringify({ frames: window.glass.frames, bad: window.glass.bad, read: window.glass.samples.length })"), e);
      }
      r.page().evaluate("() => { window.glass.samples = []; window.glass.bad = 0; window.glass.frames = 0; }");
    }
    Thread.sleep(SECONDS * 1000L);
    for (Reader r : readers) {
      @SuppressWarnings("unchecked")
      Map<String, Object> g = (Map<String, Object>) r.page().evaluate("() => window.glass");
      @SuppressWarnings("unchecked")
      List<Number> samples = (List<Number>) g.get("samples");
      int frames = ((Number) g.get("frames")).intValue();
      int bad = ((Number) g.get("bad")).intValue();
      String key = r.path() + " (" + r.node() + ")";
      List<Double> values = samples.stream().map(Number::doubleValue).toList();
      results.put(key, values);
      if (r.transport().equals("webrtc")) {
        // Where the time goes in the browser: each track's jitter buffer (the picture waits for the sound's).
        System.out.println("glass to glass " + key + " buffers: " + r.page().evaluate(BUFFERS));
      }
      // What a viewer needs: the picture keeps coming and every frame is the camera's (the clock reads).
      assertTrue(values.size() >= SECONDS * 10, key + ": " + values.size() + " frames read in " + SECONDS + " s");
      assertTrue(bad <= frames / 10, key + ": " + bad + " of " + frames + " frames did not read");
    }
  }

  static String summary(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    return s.size() + " frames, p50 " + pct(s, 0.50) + " ms, p95 " + pct(s, 0.95) + " ms, p99 " + pct(s, 0.99) + " ms";
  }

  static long pct(List<Double> sorted, double q) {
    return sorted.isEmpty() ? -1 : Math.round(sorted.get(Math.min(sorted.size() - 1,
        Math.max(0, (int) Math.ceil(q * sorted.size()) - 1))));
  }
}
