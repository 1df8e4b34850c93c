package io.shardcast.media.cue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaHub;
import io.shardcast.media.Track;
import io.shardcast.media.TrackKey;
import io.shardcast.media.amf.Amf0;
import io.shardcast.media.flv.Flv;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commerce cues in the stream: on the right frame, readable as H.264 SEI and as onCuePoint, each once. */
class CueStreamTest {

  /** An FLV AVC NALU body: header, an access unit delimiter, then an IDR slice (4-byte lengths). */
  private static byte[] keyframe() {
    return new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 2, 0x09, (byte) 0xF0, 0, 0, 0, 3, 0x65, (byte) 0x88, 0x42};
  }

  /** The NAL units of an FLV AVC body with 4-byte lengths. */
  private static List<byte[]> nals(byte[] body) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body, 5, body.length - 5);
    while (b.remaining() >= 4) {
      byte[] nal = new byte[b.getInt()];
      b.get(nal);
      out.add(nal);
    }
    return out;
  }

  /** The JSON of a Shardcast SEI NAL unit, emulation prevention undone, or null when it is not one. */
  private static String seiJson(byte[] nal) {
    ByteArrayOutputStream rbsp = new ByteArrayOutputStream();
    int zeros = 0;
    for (int i = 1; i < nal.length; i++) {
      if (zeros >= 2 && nal[i] == 3) {
        zeros = 0;
        continue;
      }
      rbsp.write(nal[i]);
      zeros = nal[i] == 0 ? zeros + 1 : 0;
    }
    byte[] r = rbsp.toByteArray();
    int p = 0;
    if ((nal[0] & 0x1F) != 6 || r[p++] != 5) {
      return null;
    }
    int size = 0;
    while ((r[p] & 0xFF) == 0xFF) {
      size += 255;
      p++;
    }
    size += r[p++] & 0xFF;
    if (!Arrays.equals(Arrays.copyOfRange(r, p, p + 16), CueSei.UUID)) {
      return null;
    }
    return new String(r, p + 16, size - 16, StandardCharsets.UTF_8);
  }

  @Test
  void seiMessagesGoBeforeTheFirstSliceAndReadBack() {
    byte[] body = CueSei.insert(keyframe(), 4, List.of(CueSei.clock(61_000),
        CueSei.cue(new Cue(0, 7, "pin", "{\"type\":\"pin\",\"productId\":\"p1\",\"seq\":7}"), 61_000)));
    List<byte[]> nals = nals(body);
    assertEquals(4, nals.size());
    assertEquals(9, nals.get(0)[0], "the access unit delimiter stays first");
    assertEquals("{\"t\":61000,\"type\":\"clock\"}", seiJson(nals.get(1)));
    assertEquals("{\"t\":61000,\"type\":\"pin\",\"productId\":\"p1\",\"seq\":7}", seiJson(nals.get(2)));
    assertEquals(0x65, nals.get(3)[0] & 0xFF, "then the slice, untouched");
    assertArrayEquals(Arrays.copyOf(keyframe(), 5), Arrays.copyOf(body, 5), "the FLV header is kept");
  }

  @Test
  void bytesThatLookLikeAStartCodeAreEscaped() {
    byte[] nal = CueSei.nal(new byte[] {'{', 0, 0, 1, 0, 0, 0, '}'});
    for (int i = 2; i < nal.length; i++) {
      assertFalse(nal[i - 2] == 0 && nal[i - 1] == 0 && (nal[i] & 0xFF) <= 2, "no start code inside the NAL unit");
    }
  }

  @Test
  void aBodyThatDoesNotParseGoesAsItCame() {
    byte[] truncated = {0x27, 1, 0, 0, 0, 0, 0, 0, 40, 0x41};
    assertSame(truncated, CueSei.insert(truncated, 4, List.of(CueSei.clock(5))));
    byte[] config = {0x17, 0, 0, 0, 0, 1, 0x42, 0, 0x1e, (byte) 0xfd, (byte) 0xe1};
    assertSame(config, CueSei.insert(config, 4, List.of(CueSei.clock(5))));
    assertEquals(2, CueSei.nalLengthSize(config));
  }

  @Test
  void aCueWaitsForTheFirstFrameAtItsInstantAndIsPutOnIt() {
    RoomCues cues = new RoomCues();
    CueStamper stamper = new CueStamper(cues, 1_000);
    cues.add(new Cue(5_000, 3, "saleOpen", "{\"type\":\"saleOpen\",\"saleId\":\"s1\",\"seq\":3}"));
    cues.add(new Cue(1_500, 4, "pin", "{\"type\":\"pin\",\"seq\":4}"));
    assertTrue(stamper.due(1_400).isEmpty());
    assertEquals(List.of(4L), seqs(stamper.due(1_520)), "the pin on the first frame after it");
    assertTrue(stamper.due(4_999).isEmpty(), "the sale's reveal is still to come");
    assertEquals(List.of(3L), seqs(stamper.due(5_003)));
    assertTrue(stamper.due(6_000).isEmpty(), "each cue once");
    assertFalse(cues.add(new Cue(5_000, 3, "saleOpen", "{}")), "the same event is not cued twice");
  }

  @Test
  void aTrackThatStartsLaterGetsTheCuesStillToComeButNotOldOnes() {
    RoomCues cues = new RoomCues();
    cues.add(new Cue(1_000, 1, "pin", "{}"));
    cues.add(new Cue(20_000, 2, "saleOpen", "{}"));
    CueStamper layer = new CueStamper(cues, 10_000);
    assertEquals(List.of(2L), seqs(layer.due(20_010)));
  }

  @Test
  void aCuePointTagTravelsWithTheFramesAndReadsAsAnEventCuePoint() {
    byte[] body = CuePoint.encode(new Cue(0, 12, "announcement", "{\"type\":\"announcement\",\"seq\":12}"), 61_250);
    List<Object> values = Amf0.decodeAll(ByteBuffer.wrap(body));
    assertEquals("onCuePoint", values.get(0));
    Map<?, ?> point = (Map<?, ?>) values.get(1);
    assertEquals("announcement", point.get("name"));
    assertEquals(61.25, point.get("time"));
    assertEquals("event", point.get("type"));
    assertEquals("12", ((Map<?, ?>) point.get("parameters")).get("seq"));

    Track t = new MediaHub(64).openOrigin("r", new TrackKey("main", "source"));
    t.publish(new MediaFrame(Flv.SCRIPT, 0, Amf0.encodeEcmaArray("onMetaData", Map.of("width", 640.0)), 0));
    t.publish(new MediaFrame(Flv.SCRIPT, 61_250, body, 0));
    assertFalse(t.metadata().cue, "metadata stays metadata");
    assertTrue(t.frame(0).cue, "the cue point is in the track's order");
    assertNull(t.frame(1));
  }

  private static List<Long> seqs(List<Cue> cues) {
    return cues.stream().map(Cue::seq).toList();
  }
}
