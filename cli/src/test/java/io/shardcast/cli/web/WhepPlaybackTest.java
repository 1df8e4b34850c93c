package io.shardcast.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.LossProxy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebRTC playback in Debian's Chromium: ffmpeg publishes over RTMP to node 1, a page on node 2
 * plays the room over WHEP from node 2 (ICE-lite, DTLS-SRTP, H.264 passed through) and decodes
 * frames; ending the session with DELETE frees it.
 */
class WhepPlaybackTest {

  @TempDir static Path dataDir;
  @TempDir static Path work;
  static BrowserCluster env;
  static LocalCluster cluster;
  static Chromium chromium;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    env = BrowserCluster.start(2, dataDir, "whep");
    cluster = env.cluster();
    chromium = env.chromium();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /**
   * Plays {@code url} over WHEP in the page: a recvonly video transceiver, the offer posted, the
   * answer applied. {@code url|host:port} sends the media through that address instead of the
   * answer's candidate (a loss proxy); {@code url||tcp} leaves the answer's TCP candidate alone, as
   * for a browser whose network blocks UDP; {@code url|host:port|nofec} offers no FEC (RED and
   * ULPFEC left out), so lost packets come back only when the browser asks for them (NACK).
   */
  static final String WHEP = """
      async (arg) => {
        const [url, via, only] = arg.split('|');
        const pc = new RTCPeerConnection();
        const video = pc.addTransceiver('video', { direction: 'recvonly' });
        if (only === 'nofec') {
          video.setCodecPreferences(RTCRtpReceiver.getCapabilities('video').codecs
            .filter(c => !/ulpfec|red|flexfec/i.test(c.mimeType)));
        }
        pc.addTransceiver('audio', { direction: 'recvonly' });
        const v = document.createElement('video');
        v.muted = true; v.autoplay = true; v.playsInline = true;
        document.body.appendChild(v);
        pc.ontrack = e => { if (e.streams[0]) { v.srcObject = e.streams[0]; } };
        await pc.setLocalDescription(await pc.createOffer());
        await new Promise(done => {
          if (pc.iceGatheringState === 'complete') { done(); return; }
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
          setTimeout(done, 2000);
        });
        const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' },
          body: pc.localDescription.sdp });
        const body = await r.text();
        if (r.status !== 201) { pc.close(); v.remove(); return r.status + ' ' + body; }
        let sdp = via ? body.replace(/(a=candidate:\\S+ \\d+ udp \\d+ )\\S+ \\d+/i, '$1' + via.replace(':', ' ')) : body;
        if (only === 'tcp') { sdp = sdp.replace(/a=candidate:\\S+ \\d+ udp [^\\r\\n]*\\r\\n/gi, ''); }
        await pc.setRemoteDescription({ type: 'answer', sdp });
        window.whep = { pc, v, location: r.headers.get('Location') };
        return 'ok';
      }""";

  @Test
  void aPageOnAnotherNodePlaysTheRoomOverWhep() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    LocalCluster.Node other = cluster.node(1);
    RoomScript room = new RoomScript(other.http()).create("WebRTC");
    Process publisher = Ffmpeg.publishRtmp(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", 25, 25, "600k", work.resolve("publisher.log"));
    try (BrowserContext context = chromium.viewer("en-US")) {
      Page page = context.newPage();
      java.util.List<String> console = new java.util.concurrent.CopyOnWriteArrayList<>();
      page.onConsoleMessage(m -> console.add(m.type() + ": " + m.text()));
      page.navigate(other.http() + "/live/" + room.roomId());
      page.waitForFunction("() => window.shardcast.sync.active(performance.now())", null, ViewerPageTest.WITHIN_30_S);
      String started;
      try {
        started = (String) page.evaluate(WHEP, other.media() + "/whep/" + room.roomId());
      } catch (RuntimeException e) {
        throw new AssertionError("the WHEP request failed; the page's console: " + console, e);
      }
      assertEquals("ok", started, "the page's console: " + console);
      try {
        page.waitForFunction("() => window.whep.v.getVideoPlaybackQuality().totalVideoFrames > 25", null,
            ViewerPageTest.WITHIN_30_S);
      } catch (RuntimeException e) {
        throw new AssertionError("WHEP: " + page.evaluate("() => JSON.stringify({ice: window.whep.pc.iceConnectionState,"
            + " conn: window.whep.pc.connectionState, frames: window.whep.v.getVideoPlaybackQuality().totalVideoFrames})"), e);
      }
      assertTrue(((Number) page.evaluate("() => window.whep.v.videoWidth")).intValue() == 640);
      // The sound: AAC from ffmpeg, transcoded to Opus once at the origin, relayed, decoded here.
      page.waitForFunction(AUDIO_PLAYING, null, ViewerPageTest.WITHIN_30_S);
      assertEquals(2L, ((Number) page.evaluate("() => window.whep.v.srcObject.getTracks().length")).longValue(),
          "one stream with the video and the audio track (played in sync)");
      // Ending the session: DELETE on its Location, once.
      String base = other.media();
      assertEquals("200,404", page.evaluate("async base => { const u = base + window.whep.location;"
          + " const a = await fetch(u, { method: 'DELETE' }); const b = await fetch(u, { method: 'DELETE' });"
          + " return a.status + ',' + b.status; }", base));
      // Offers the node cannot answer are refused with the reason.
      String refusals = (String) page.evaluate("async url => { const post = body => fetch(url, { method: 'POST',"
          + " headers: { 'Content-Type': 'application/sdp' }, body }).then(async r => r.status + ' '"
          + " + (await r.json()).code);"
          + " const bad = await post('not sdp');"
          + " const pc = new RTCPeerConnection(); const t = pc.addTransceiver('video', { direction: 'recvonly' });"
          + " t.setCodecPreferences(RTCRtpReceiver.getCapabilities('video').codecs.filter(c => c.mimeType === 'video/VP8'));"
          + " await pc.setLocalDescription(await pc.createOffer()); const vp8 = await post(pc.localDescription.sdp);"
          + " pc.close(); return bad + ' | ' + vp8; }", base + "/whep/" + room.roomId());
      assertEquals("400 BAD_SDP | 406 NO_USABLE_VIDEO", refusals);
    } finally {
      publisher.destroyForcibly();
    }
  }

  @Test
  void aPageRestartsIceInItsSessionAndKeepsPlayingAndBadPatchesAreRefused() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    LocalCluster.Node other = cluster.node(1);
    RoomScript room = new RoomScript(other.http()).create("ICE restart");
    Process publisher = Ffmpeg.publishRtmp(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", 25, 25, "600k", work.resolve("publisher-restart.log"));
    try (BrowserContext context = chromium.viewer("en-US")) {
      Page page = context.newPage();
      page.navigate(other.http() + "/live/" + room.roomId());
      page.waitForFunction("() => window.shardcast.transport === 'webrtc'"
          + " && document.querySelector('video').getVideoPlaybackQuality().totalVideoFrames > 25", null,
          ViewerPageTest.WITHIN_30_S);
      // What a phone changing network does: new ICE credentials in the same session (PATCH).
      assertEquals(Boolean.TRUE, page.evaluate("() => window.shardcast.webrtc.restartIce()"));
      int frames = ((Number) page.evaluate("() => document.querySelector('video').getVideoPlaybackQuality()"
          + ".totalVideoFrames")).intValue();
      page.waitForFunction("n => document.querySelector('video').getVideoPlaybackQuality().totalVideoFrames > n + 50"
          + " && window.shardcast.transport === 'webrtc'", (double) frames, ViewerPageTest.WITHIN_30_S);
      boolean restarted = false;
      for (LocalCluster.Node n : cluster.nodes()) { // the node /join chose for the page
        restarted |= java.nio.file.Files.readAllLines(n.log()).stream().anyMatch(l -> l.contains(": ICE restart"));
      }
      assertTrue(restarted, "the node restarted the session's ICE");

      // Trickled candidates are taken (an ICE-lite node needs none); bad PATCHes get their reason.
      String answers = (String) page.evaluate("""
          async ([base, room]) => {
            const pc = new RTCPeerConnection();
            pc.addTransceiver('video', { direction: 'recvonly' });
            await pc.setLocalDescription(await pc.createOffer());
            const r = await fetch(base + '/whep/' + room, { method: 'POST', headers: { 'Content-Type': 'application/sdp' },
              body: pc.localDescription.sdp });
            const session = base + r.headers.get('Location');
            const patch = (url, type, body) => fetch(url, { method: 'PATCH', headers: { 'Content-Type': type }, body })
              .then(async x => x.status + (x.status >= 400 ? ' ' + (await x.json()).code : ''));
            const frag = 'a=mid:0\\r\\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\\r\\n';
            const out = [await patch(session, 'application/trickle-ice-sdpfrag', frag),
              await patch(session, 'text/plain', frag),
              await patch(session, 'application/trickle-ice-sdpfrag', 'not a fragment'),
              await patch(base + '/whep/' + room + '/nosuchsession', 'application/trickle-ice-sdpfrag', frag)];
            await fetch(session, { method: 'DELETE' });
            pc.close();
            return out.join(' | ');
          }""", java.util.List.of(other.media(), room.roomId()));
      assertEquals("204 | 415 UNSUPPORTED_MEDIA_TYPE | 400 BAD_SDPFRAG | 404 NO_SESSION", answers);
    } finally {
      publisher.destroyForcibly();
    }
  }

  @Test
  void aBrowserThatCannotUseUdpPlaysOverTcp() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    LocalCluster.Node other = cluster.node(1);
    RoomScript room = new RoomScript(other.http()).create("WebRTC over TCP");
    Process publisher = Ffmpeg.publishRtmp(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", 25, 25, "600k", work.resolve("publisher-tcp.log"));
    try (BrowserContext context = chromium.viewer("en-US")) {
      Page page = context.newPage();
      page.navigate(other.http() + "/api/rooms/" + room.roomId());
      String whep = other.media() + "/whep/" + room.roomId() + "||tcp";
      String started = (String) page.evaluate(WHEP, whep);
      for (long until = System.nanoTime() + 30_000_000_000L; !"ok".equals(started) && System.nanoTime() < until; ) {
        page.waitForTimeout(250); // the room is not live yet
        started = (String) page.evaluate(WHEP, whep);
      }
      assertEquals("ok", started);
      page.waitForFunction("() => window.whep.v.getVideoPlaybackQuality().totalVideoFrames > 50", null,
          ViewerPageTest.WITHIN_30_S);
      // The pair the browser chose runs over TCP to the node's passive candidate.
      assertEquals("tcp", page.evaluate("""
          async () => {
            const stats = await window.whep.pc.getStats();
            for (const s of stats.values()) {
              if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
                return stats.get(s.remoteCandidateId).protocol;
              }
            }
            return 'none';
          }"""));
      page.waitForFunction(AUDIO_PLAYING, null, ViewerPageTest.WITHIN_30_S);
    } finally {
      publisher.destroyForcibly();
    }
  }

  /** True once the inbound audio has decoded a second of sound that is not silence (ffmpeg's 440 Hz sine). */
  static final String AUDIO_PLAYING = """
      async () => {
        const stats = await window.whep.pc.getStats();
        for (const s of stats.values()) {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') {
            return s.totalSamplesReceived > 48000 && s.totalAudioEnergy > 0 && s.concealedSamples < s.totalSamplesReceived / 2;
          }
        }
        return false;
      }""";

  private static String tail(Path log) throws java.io.IOException {
    java.util.List<String> lines = java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains("WHEP")).toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 6), lines.size()));
  }

  /** The inbound video's counters from getStats, as JSON. */
  static final String INBOUND = """
      async () => {
        const stats = await window.whep.pc.getStats();
        for (const s of stats.values()) {
          if (s.type === 'inbound-rtp' && s.kind === 'video') {
            return JSON.stringify({ decoded: s.framesDecoded ?? 0, dropped: s.framesDropped ?? 0,
              freezes: s.freezeCount ?? 0, frozenSeconds: s.totalFreezesDuration ?? 0, nacks: s.nackCount ?? 0,
              plis: s.pliCount ?? 0, lost: s.packetsLost ?? 0, received: s.packetsReceived ?? 0 });
          }
        }
        return '{}';
      }""";

  @Test
  void aViewerBehindALossyPathKeepsPlayingWithPacketsSentAgain() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    LocalCluster.Node other = cluster.node(1);
    RoomScript room = new RoomScript(other.http()).create("WebRTC through loss");
    Process publisher = Ffmpeg.publishRtmp(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
        "640x360", 25, 25, "600k", work.resolve("publisher-loss.log"));
    // 10% of the datagrams lost each way (STUN, DTLS, media and the browser's NACKs alike), 5 ms added.
    try (LossProxy proxy = new LossProxy(new InetSocketAddress(other.host(), other.webrtcPort()), LossProxy.random(Double.parseDouble(System.getProperty("whep.loss", "0.10"))),
        5, 27);
        BrowserContext context = chromium.viewer("en-US")) {
      // A page with nothing else on it: the WHEP session is this node's only viewer of the room, so
      // it alone keeps the node subscribed to the room's relay.
      Page page = context.newPage();
      page.navigate(other.http() + "/api/rooms/" + room.roomId());
      InetSocketAddress via = proxy.address();
      String whep = other.media() + "/whep/" + room.roomId() + "|" + via.getHostString() + ":" + via.getPort();
      String started = (String) page.evaluate(WHEP, whep);
      for (long until = System.nanoTime() + 30_000_000_000L; !"ok".equals(started) && System.nanoTime() < until; ) {
        page.waitForTimeout(250); // the room is not live yet: ffmpeg is still connecting
        started = (String) page.evaluate(WHEP, whep);
      }
      assertEquals("ok", started);
      try {
        page.waitForFunction("() => window.whep.v.getVideoPlaybackQuality().totalVideoFrames > 25", null,
            ViewerPageTest.WITHIN_30_S);
      } catch (RuntimeException e) {
        Object stats = page.evaluate(INBOUND);
        page.evaluate("base => fetch(base + window.whep.location, { method: 'DELETE' })", other.media());
        Thread.sleep(1000);
        throw new AssertionError("no picture: " + stats + "; node 2: " + tail(other.log()), e);
      }
      JsonNode before = JSON.readTree((String) page.evaluate(INBOUND));
      // Ten seconds of the show: 250 frames from the encoder.
      try {
        page.waitForFunction("n => window.whep.v.getVideoPlaybackQuality().totalVideoFrames > n",
            before.path("decoded").asInt() + 200, ViewerPageTest.WITHIN_30_S);
      } catch (RuntimeException e) {
        Object stats = page.evaluate(INBOUND);
        page.evaluate("base => fetch(base + window.whep.location, { method: 'DELETE' })", other.media());
        Thread.sleep(1000);
        String log = java.nio.file.Files.readString(work.resolve("publisher-loss.log"));
        throw new AssertionError("the picture stopped: " + before + " -> " + stats + "; the encoder: "
            + log.substring(Math.max(0, log.length() - 300)) + "; node 2: " + tail(other.log()), e);
      }
      JsonNode after = JSON.readTree((String) page.evaluate(INBOUND));
      assertTrue(after.path("nacks").asInt() > 0, "the browser asked for lost packets: " + after);
      assertTrue(after.path("lost").asDouble() < 0.02 * after.path("received").asDouble(),
          "packets sent again fill the gaps (lost counts what never came): " + after);
      // Without FEC, a frame waits for its resent packets: at 10% loss each way the picture stutters
      // (2 to 2.5 s of freezes in these 8 to 10 s on a loaded machine), and it must not stall.
      assertTrue(after.path("frozenSeconds").asDouble() - before.path("frozenSeconds").asDouble() < 3.0,
          "the picture kept moving: " + before + " -> " + after);
    } finally {
      publisher.destroyForcibly();
    }
  }
}
