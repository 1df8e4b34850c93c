package io.shardcast.media.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shardcast.media.amf.Amf0;
import io.shardcast.media.cue.CueSei;
import io.shardcast.media.rtp.Rtp;
import io.shardcast.media.webrtc.RtcpFeedback;
import io.shardcast.media.webrtc.SdpOffer;
import io.shardcast.media.webrtc.Stun;
import io.shardcast.media.fec.ProtectedReceiver;
import io.shardcast.media.flv.Flv;
import io.shardcast.media.format.MediaFormatException;
import io.shardcast.media.rtmp.ChunkReader;
import io.shardcast.media.rtmp.RtmpMessage;
import io.shardcast.media.rtp.RtpDepacketizer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzing of everything that parses bytes from the network: the RTMP chunk stream with the AMF0
 * commands and FLV tags it carries, AMF0 alone, RTP depacketization and the protected-path
 * receiver. The only failure a parser may report is a {@link MediaFormatException} (the
 * connection is then closed); anything else is a bug. In the test command these run in regression
 * mode (the inputs under src/test/resources/.../ParserFuzzTestInputs and an empty one); with
 * {@code JAZZER_FUZZ=1} they fuzz for the time each test allows.
 */
class ParserFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void rtmpChunkStream(byte[] data) {
    ChunkReader reader = new ChunkReader(1 << 20);
    ByteBuffer in = ByteBuffer.wrap(data);
    try {
      // Fed in two reads, as a socket might deliver it.
      int split = data.length / 2;
      in.limit(split);
      reader.read(in, ParserFuzzTest::message);
      ByteBuffer rest = ByteBuffer.allocate(data.length - in.position());
      rest.put(data, in.position(), data.length - in.position()).flip();
      reader.read(rest, ParserFuzzTest::message);
    } catch (MediaFormatException expected) {
      // refused: the connection would be closed
    }
  }

  private static void message(RtmpMessage m) {
    switch (m.type()) {
      case RtmpMessage.COMMAND_AMF0, RtmpMessage.DATA_AMF0 -> Amf0.decodeAll(ByteBuffer.wrap(m.payload()));
      case RtmpMessage.VIDEO -> {
        Flv.checkVideo(m.payload());
        // The origin puts the room's cues into the publisher's frames: any frame it accepts.
        CueSei.insert(m.payload(), 4, List.of(CueSei.clock(m.timestamp())));
        CueSei.insert(m.payload(), 1 + (m.payload().length & 1), List.of(CueSei.clock(m.timestamp())));
      }
      case RtmpMessage.AUDIO -> Flv.checkAudio(m.payload());
      default -> { }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void cueInsertionIntoPublishedFrames(byte[] data) {
    // Whatever NAL units a publisher sends, the cue goes in before the first slice or not at all.
    for (int lengthSize : new int[] {1, 2, 4}) {
      byte[] out = CueSei.insert(data, lengthSize, List.of(CueSei.clock(1)));
      if (out != data && out.length <= data.length) {
        throw new AssertionError("a cue was inserted but the frame did not grow");
      }
    }
    CueSei.nalLengthSize(data);
  }

  @FuzzTest(maxDuration = "30s")
  void sdpOffers(byte[] data) {
    try {
      SdpOffer.parse(new String(data, java.nio.charset.StandardCharsets.UTF_8));
    } catch (MediaFormatException expected) {
      // refused: the WHEP answer would be 400 with the reason
    }
  }

  @FuzzTest(maxDuration = "30s")
  void stunRequests(byte[] data) {
    try {
      Stun.Request r = Stun.parseRequest(data, data.length);
      Stun.verify(data, r, "0123456789abcdefghijkl");
    } catch (MediaFormatException expected) {
      // dropped: the session stays
    }
  }

  @FuzzTest(maxDuration = "30s")
  void rtcpFeedback(byte[] data) {
    try {
      RtcpFeedback.read(data, 0, data.length, new RtcpFeedback.Listener() {
        @Override
        public void report(int ssrc, int lost, int cumulative, int jitter, int lastSr, int delaySinceSr) { }

        @Override
        public void nack(int ssrc, int seq) { }

        @Override
        public void keyframeRequest(int ssrc) { }

        @Override
        public void estimate(long bps) { }
      });
    } catch (MediaFormatException expected) {
      // dropped with a logged reason: the session stays
    }
  }

  @FuzzTest(maxDuration = "30s")
  void amf0(byte[] data) {
    try {
      Amf0.decodeAll(ByteBuffer.wrap(data));
    } catch (MediaFormatException expected) {
      // refused
    }
  }

  @FuzzTest(maxDuration = "60s")
  void rtpDepacketizer(byte[] data) {
    RtpDepacketizer d = new RtpDepacketizer((k, t, b) -> { });
    // A WHIP publisher's packets: H.264 whatever the payload type, Opus placed on the clock.
    RtpDepacketizer whip = new RtpDepacketizer((k, t, b) -> { });
    int p = 0;
    while (p + 2 <= data.length) {
      int n = Math.min(((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF), data.length - p - 2);
      byte[] packet = Arrays.copyOfRange(data, p + 2, p + 2 + n);
      p += 2 + n;
      try {
        d.packet(packet, packet.length);
      } catch (MediaFormatException expected) {
        // that packet is dropped; the session goes on
      }
      try {
        // A WHIP packet's header extensions (simulcast's rid, transport-cc's number), as the session reads them.
        Rtp.payloadOffset(packet, packet.length);
        for (int id = 1; id <= 15; id++) {
          int found = Rtp.extension(packet, packet.length, id);
          if (found >= 0 && (found & 0xFFFF) + (found >>> 16) > packet.length) {
            throw new AssertionError("extension " + id + " reaches past the packet: " + Arrays.toString(packet));
          }
        }
      } catch (MediaFormatException expected) {
        // a broken header: the packet is dropped
      }
      try {
        whip.videoPacket(packet, packet.length);
        whip.audioMillis(packet.length > 8 ? ((packet[4] & 0xFFL) << 24) | ((packet[5] & 0xFF) << 16) : 0);
      } catch (MediaFormatException expected) {
        // the same
      }
    }
  }

  @FuzzTest(maxDuration = "60s")
  void protectedReceiver(byte[] data) {
    ProtectedReceiver r = new ProtectedReceiver((b, n) -> { }, (b, n) -> { }, 100, 1);
    int p = 0;
    long now = 1_000;
    while (p + 2 <= data.length) {
      int n = Math.min(((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF), data.length - p - 2);
      byte[] packet = Arrays.copyOfRange(data, p + 2, p + 2 + n);
      p += 2 + n;
      r.datagram(packet, packet.length, now);
      now += 7;
      r.poll(now);
    }
  }

  private static final io.shardcast.media.play.SignedPlayUrl PLAY_URLS = new io.shardcast.media.play.SignedPlayUrl(
      "a-play-secret-the-nodes-share-32b+".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);

  /** A player's query string: never throws, and nothing unsigned plays. */
  @FuzzTest(maxDuration = "30s")
  void signedPlayUrls(byte[] data) {
    String text = new String(data, java.nio.charset.StandardCharsets.UTF_8);
    java.util.Map<String, String> params = io.shardcast.wire.QueryString.parse(text);
    if (PLAY_URLS.check("r1", params, 1_000) == null) {
      throw new AssertionError("an unsigned query played: " + text);
    }
  }
}
