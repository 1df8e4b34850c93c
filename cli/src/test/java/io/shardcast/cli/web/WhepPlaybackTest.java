package io.shardcast.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.media.Ffmpeg;
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

  /** Plays {@code url} over WHEP in the page: a recvonly video transceiver, the offer posted, the answer applied. */
  static final String WHEP = """
      async (url) => {
        const pc = new RTCPeerConnection();
        pc.addTransceiver('video', { direction: 'recvonly' });
        const v = document.createElement('video');
        v.muted = true; v.autoplay = true; v.playsInline = true;
        document.body.appendChild(v);
        pc.ontrack = e => { v.srcObject = e.streams[0] ?? new MediaStream([e.track]); };
        await pc.setLocalDescription(await pc.createOffer());
        await new Promise(done => {
          if (pc.iceGatheringState === 'complete') { done(); return; }
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
          setTimeout(done, 2000);
        });
        const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' },
          body: pc.localDescription.sdp });
        const body = await r.text();
        if (r.status !== 201) { return r.status + ' ' + body; }
        await pc.setRemoteDescription({ type: 'answer', sdp: body });
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
}
