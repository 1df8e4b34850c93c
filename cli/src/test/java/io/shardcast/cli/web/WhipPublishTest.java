package io.shardcast.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.FlvTap;
import io.shardcast.testkit.media.LossProxy;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Going live from a browser (WHIP): the host console on node 1 publishes Chromium's fake camera
 * and microphone (H.264 and Opus); players on node 2 get the room as from an RTMP encoder: ffmpeg
 * decodes its video and finds its audio as AAC over HTTP-FLV, and a WHEP viewer decodes it too.
 */
class WhipPublishTest {

  @TempDir static Path dataDir;
  @TempDir static Path work;
  static BrowserCluster env;
  static LocalCluster cluster;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    env = BrowserCluster.start(2, dataDir, "whip");
    cluster = env.cluster();
    chromium = env.chromium();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void theHostGoesLiveFromTheConsoleAndPlayersOnAnotherNodeSeeAndHearIt() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    LocalCluster.Node other = cluster.node(1);
    RoomScript room = new RoomScript(origin.http()).create("Live from the browser");
    try (BrowserContext host = chromium.viewer("en-US"); BrowserContext viewer = chromium.viewer("en-US")) {
      Page console = goLive(host, origin, room);

      // An FLV player on the other node: H.264 as the browser sent it, the Opus made into AAC.
      String flv = other.media() + "/live/" + room.roomId() + ".flv";
      List<String> streams = List.of();
      for (long until = System.nanoTime() + 30_000_000_000L; System.nanoTime() < until; ) {
        streams = Ffmpeg.streams(flv, work, "streams");
        if (streams.contains("h264,video") && streams.contains("aac,audio")) {
          break;
        }
        Thread.sleep(500);
      }
      assertTrue(streams.contains("h264,video") && streams.contains("aac,audio"), "streams over HTTP-FLV: " + streams
          + "; node 1's log: " + whipLines(origin.log()));
      // What an FLV player got, to say what went wrong if ffmpeg complains (the video tags' times).
      FlvTap tap = FlvTap.open(HttpClient.newHttpClient(), flv);
      Ffmpeg.Decoded decoded = Ffmpeg.decode(flv, 5, work, "flv");
      tap.close();
      assertTrue(decoded.clean(), decoded.errors() + "; video tags (ms, K: keyframe): " + videoTimes(tap)
          + "; node 1: " + whipLines(origin.log()));
      assertTrue(decoded.videoFrames() >= 60, "5 s of the browser's camera decoded: " + decoded.videoFrames() + " frames");

      // A WebRTC viewer on the other node: the browser's own Opus, passed through.
      Page page = viewer.newPage();
      page.navigate(other.http() + "/live/" + room.roomId());
      page.waitForFunction("() => window.shardcast.transport === 'webrtc'"
          + " && document.querySelector('video').getVideoPlaybackQuality().totalVideoFrames > 25", null,
          ViewerPageTest.WITHIN_30_S);
      assertEquals(1, ((Number) page.evaluate("() => document.querySelector('video').srcObject.getAudioTracks().length"))
          .intValue());

      // The host stops: the session ends (DELETE) and the room's track with it.
      console.locator("[data-testid=whip-stop]").click();
      console.waitForFunction("() => document.querySelector('[data-testid=whip-state]')?.textContent === 'ended'",
          null, ViewerPageTest.WITHIN_30_S);
      for (long until = System.nanoTime() + 20_000_000_000L; whipLines(origin.log()).stream()
          .noneMatch(l -> l.contains("ended: the publisher ended it")); ) {
        assertTrue(System.nanoTime() < until, "the WHIP session ends: " + whipLines(origin.log()));
        Thread.sleep(200);
      }
    }
  }

  @Test
  void theConsolesSimulcastBecomesTheRoomsLayersAndAViewerPinsEach() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    LocalCluster.Node other = cluster.node(1);
    RoomScript room = new RoomScript(origin.http()).create("Simulcast from the browser");
    try (BrowserContext host = chromium.viewer("en-US"); BrowserContext viewer = chromium.viewer("en-US")) {
      Page console = goLive(host, origin, room);
      // The camera (720p) goes out as three streams; the origin lists them as the room's layers.
      String layers = "";
      for (long until = System.nanoTime() + 30_000_000_000L; System.nanoTime() < until; Thread.sleep(500)) {
        RestClient.Response r = new RestClient().get(origin.media() + "/live/" + room.roomId() + "/layers");
        layers = r.body().toString();
        if (r.status() == 200 && layers.contains("\"source\"") && layers.contains("\"half\"")
            && layers.contains("\"quarter\"")) {
          break;
        }
      }
      assertTrue(layers.contains("\"source\"") && layers.contains("\"half\"") && layers.contains("\"quarter\""),
          "the room's layers: " + layers + "; node 1: " + whipLines(origin.log()));
      Page page = viewer.newPage();
      page.navigate(other.http() + "/live/" + room.roomId());
      page.waitForFunction("() => [...document.querySelectorAll('[data-testid=layers] option')].map(o => o.value)"
          + ".join(',') === ',source,half,quarter'", null, ViewerPageTest.WITHIN_30_S);
      page.selectOption("[data-testid=layers]", "quarter");
      page.waitForFunction("() => document.querySelector('video').videoWidth === 320", null, ViewerPageTest.WITHIN_30_S);
      page.selectOption("[data-testid=layers]", "source");
      page.waitForFunction("() => document.querySelector('video').videoWidth === 1280", null, ViewerPageTest.WITHIN_30_S);
      assertEquals("webrtc", page.evaluate("() => window.shardcast.transport"));
      // The browser's congestion controller runs on the node's transport-cc feedback.
      console.locator("[data-testid=whip-stop]").click();
      for (long until = System.nanoTime() + 20_000_000_000L; whipLines(origin.log()).stream()
          .noneMatch(l -> l.contains("ended") && l.contains("transport feedback for")); Thread.sleep(200)) {
        assertTrue(System.nanoTime() < until, "the session's summary: " + whipLines(origin.log()));
      }
    }
  }

  @Test
  void aPublisherBehindALossyPathIsAskedForWhatWasLostAndTheRoomKeepsItsFrames() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    RoomScript room = new RoomScript(origin.http()).create("Publishing through loss");
    // 5% of the datagrams lost each way between the browser and the node, 5 ms added.
    try (LossProxy proxy = new LossProxy(new java.net.InetSocketAddress(origin.host(), origin.webrtcPort()),
        LossProxy.random(0.05), 5, 31);
        BrowserContext host = chromium.viewer("en-US")) {
      Page page = host.newPage();
      page.navigate(origin.http() + "/api/rooms/" + room.roomId());
      java.net.InetSocketAddress via = proxy.address();
      String started = (String) page.evaluate("""
          async ([url, token, via]) => {
            const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 } });
            const pc = new RTCPeerConnection();
            const t = pc.addTransceiver(media.getVideoTracks()[0], { direction: 'sendonly' });
            // H.264 and RTX: lost packets are sent again on a stream of their own.
            t.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter(c => (c.mimeType === 'video/H264'
              && /packetization-mode=1/.test(c.sdpFmtpLine ?? '')) || c.mimeType === 'video/rtx'));
            await pc.setLocalDescription(await pc.createOffer());
            const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp',
              Authorization: 'Bearer ' + token }, body: pc.localDescription.sdp });
            if (r.status !== 201) { return r.status + ' ' + await r.text(); }
            const sdp = (await r.text()).replace(/(a=candidate:\\S+ \\d+ udp \\d+ )\\S+ \\d+/i, '$1' + via.replace(':', ' '))
              .replace(/a=candidate:\\S+ \\d+ tcp [^\\r\\n]*\\r\\n/gi, '');
            await pc.setRemoteDescription({ type: 'answer', sdp });
            window.whip = { pc, location: r.headers.get('Location') };
            return 'ok';
          }""", List.of(origin.media() + "/whip/" + room.roomId(), room.hostToken(),
          via.getHostString() + ":" + via.getPort()));
      assertEquals("ok", started);
      // Ten seconds of the camera through the lossy path, then the session ends and says what it did.
      page.waitForTimeout(10_000);
      page.evaluate("base => fetch(base + window.whip.location, { method: 'DELETE' })", origin.media());
      String summary = "";
      for (long until = System.nanoTime() + 20_000_000_000L; summary.isEmpty(); Thread.sleep(200)) {
        assertTrue(System.nanoTime() < until, "the session ends: " + whipLines(origin.log()));
        summary = whipLines(origin.log()).stream().filter(l -> l.contains("ended") && l.contains("NACKs"))
            .findFirst().orElse("");
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("NACKs (\\d+) \\(recovered (\\d+), given up (\\d+)")
          .matcher(summary);
      assertTrue(m.find(), summary);
      System.out.println("WHIP through 5% loss each way, 10 s: " + summary.substring(summary.indexOf("received")));
      assertTrue(Long.parseLong(m.group(1)) > 0 && Long.parseLong(m.group(2)) > 0,
          "the node asked for lost packets and the browser sent them again: " + summary);
      assertTrue(Long.parseLong(m.group(2)) > 2 * Long.parseLong(m.group(3)),
          "most of what was lost came back: " + summary);
      java.util.regex.Matcher frames = java.util.regex.Pattern.compile("video frames source (\\d+) \\(dropped (\\d+)\\)")
          .matcher(summary);
      assertTrue(frames.find(), summary);
      assertTrue(Long.parseLong(frames.group(2)) * 20 <= Long.parseLong(frames.group(1)),
          "at most 5% of the camera's frames lost to the path (each costs the frames up to a keyframe): " + summary);
    }
  }

  @Test
  void anOfferWithoutTheHostTokenOrWithoutH264IsRefusedWithTheReason() throws Exception {
    LocalCluster.Node node = cluster.node(0);
    RoomScript room = new RoomScript(node.http()).create("Refusals");
    try (BrowserContext context = chromium.viewer("en-US")) {
      Page page = context.newPage();
      page.navigate(node.http() + "/api/rooms/" + room.roomId());
      String refusals = (String) page.evaluate("""
          async ([url, token]) => {
            const pc = new RTCPeerConnection();
            const media = await navigator.mediaDevices.getUserMedia({ video: true });
            const t = pc.addTransceiver(media.getVideoTracks()[0], { direction: 'sendonly' });
            const offer = async codec => {
              t.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter(c => c.mimeType === codec));
              await pc.setLocalDescription(await pc.createOffer());
              return pc.localDescription.sdp;
            };
            const post = (body, auth) => fetch(url, { method: 'POST', headers: Object.assign(
              { 'Content-Type': 'application/sdp' }, auth ? { Authorization: 'Bearer ' + auth } : {}), body })
              .then(async r => r.status + ' ' + (await r.json()).code);
            const h264 = await offer('video/H264');
            const out = [await post(h264), await post(h264, 'not-the-token'), await post('not sdp', token),
              await post(await offer('video/VP8'), token)];
            pc.close();
            media.getTracks().forEach(m => m.stop());
            return out.join(' | ');
          }""", List.of(node.media() + "/whip/" + room.roomId(), room.hostToken()));
      assertEquals("401 TOKEN_MISSING | 403 FORBIDDEN | 400 BAD_SDP | 406 NO_USABLE_VIDEO", refusals);
    }
  }

  /** The host console of {@code room} on {@code node}, gone live from this browser (WHIP): "On air". */
  private static Page goLive(BrowserContext host, LocalCluster.Node node, RoomScript room) {
    Page console = host.newPage();
    console.navigate(node.http() + "/host/" + room.roomId() + "#token=" + room.hostToken());
    console.locator("[data-testid=whip-start]").click();
    console.waitForFunction("() => document.querySelector('[data-testid=whip-state]')?.textContent === 'On air'",
        null, ViewerPageTest.WITHIN_30_S);
    return console;
  }

  private static String videoTimes(FlvTap tap) {
    StringBuilder b = new StringBuilder();
    for (FlvTap.Tag t : tap.snapshot()) {
      if (t.kind() == io.shardcast.media.flv.Flv.VIDEO) {
        b.append(t.ts()).append(t.keyframe() ? "K " : " ");
      }
    }
    return b.toString();
  }

  private static List<String> whipLines(Path log) throws java.io.IOException {
    List<String> lines = java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains("WHIP")).toList();
    return lines.subList(Math.max(0, lines.size() - 8), lines.size());
  }
}
