package io.shardcast.media.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shardcast.media.flv.Flv;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The origin's audio transcoding, with FFmpeg's real codecs (the bytedeco build): AAC to Opus on
 * two seconds of a stereo 44.1 kHz AAC tone as an encoder sends it over RTMP (the FLV tags of
 * {@code media/tone-2s-aac.flv}, made by ffmpeg's AAC encoder), and that Opus back to AAC as a
 * WHIP publisher's audio is for FLV and RTMP players.
 */
class AudioTranscoderTest {

  /** One FLV audio tag: its timestamp (ms) and body. */
  record Tag(long ts, byte[] body) {}

  record Packet(long ts, byte[] body) {}

  static List<Tag> clip;

  @BeforeAll
  static void load() throws IOException {
    assumeTrue(AudioTranscoder.available(), "FFmpeg's native libraries load on this platform");
    clip = audioTags("/media/tone-2s-aac.flv");
  }

  static List<Tag> audioTags(String resource) throws IOException {
    List<Tag> tags = new ArrayList<>();
    try (InputStream in = AudioTranscoderTest.class.getResourceAsStream(resource); DataInputStream d = new DataInputStream(in)) {
      d.skipNBytes(13);
      while (d.available() > 0) {
        int type = d.readUnsignedByte() & 0x1F;
        int size = (d.readUnsignedByte() << 16) | (d.readUnsignedByte() << 8) | d.readUnsignedByte();
        long ts = ((long) d.readUnsignedByte() << 16) | (d.readUnsignedByte() << 8) | d.readUnsignedByte()
            | ((long) d.readUnsignedByte() << 24);
        d.skipNBytes(3);
        byte[] body = new byte[size];
        d.readFully(body);
        d.skipNBytes(4);
        if (type == Flv.AUDIO) {
          tags.add(new Tag(ts, body));
        }
      }
    }
    return tags;
  }

  static AudioTranscoder open(List<Packet> out) {
    Tag config = clip.get(0);
    assertTrue(Flv.isAudioConfig(config.body()), "the clip starts with its AudioSpecificConfig");
    return AudioTranscoder.aacToOpus(java.util.Arrays.copyOfRange(config.body(), 2, config.body().length),
        (ts, body) -> out.add(new Packet(ts, body)));
  }

  static void feed(AudioTranscoder t, long shiftMillis) {
    for (Tag tag : clip.subList(1, clip.size())) {
      t.packet(tag.ts() + shiftMillis, tag.body(), 2, tag.body().length - 2);
    }
  }

  @Test
  void twoSecondsOfAacBecomeTwentyMillisecondOpusPacketsOnTheStreamsClock() {
    List<Packet> out = new ArrayList<>();
    try (AudioTranscoder t = open(out)) {
      feed(t, 10_000);
      assertEquals(0, t.errors());
      assertEquals(out.size(), t.packets());
    }
    // Each AAC frame is 1,024 samples at 44.1 kHz (the encoder's priming and padding included): that
    // much audio in 20 ms packets, less the Opus encoder's look-ahead and the last partial packet.
    double expected = (clip.size() - 1) * 1024 / 44_100.0 / 0.020;
    assertTrue(out.size() >= expected - 3 && out.size() <= expected, "Opus packets for " + expected + ": " + out.size());
    for (int i = 0; i < out.size(); i++) {
      Packet p = out.get(i);
      assertTrue(Flv.isOpus(p.body()), "packet " + i + " is an FLV Opus body");
      assertTrue(p.body().length > 6 && p.body().length < 400, "a 64 kbit/s packet of 20 ms: " + p.body().length);
      // The first packet starts with the encoder's look-ahead, 6.5 ms before the first sample.
      assertTrue(p.ts() >= 10_000 - 7 && p.ts() <= 12_100, "on the stream's clock: " + p.ts());
      if (i > 0) {
        assertEquals(20, p.ts() - out.get(i - 1).ts(), 1, "packet " + i + " follows the last by 20 ms");
      }
    }
  }

  @Test
  void garbageInTheAacIsCountedAndTheStreamGoesOn() {
    List<Packet> out = new ArrayList<>();
    try (AudioTranscoder t = open(out)) {
      Random random = new Random(7);
      for (int i = 0; i < 200; i++) {
        byte[] junk = new byte[1 + random.nextInt(600)];
        random.nextBytes(junk);
        t.packet(i * 23L, junk, 0, junk.length);
      }
      t.packet(0, new byte[10], 0, 0);
      t.packet(0, new byte[10], 0, 100_000);
      long errors = t.errors();
      assertTrue(errors > 0, "garbage is counted as errors");
      int before = out.size();
      feed(t, 60_000);
      assertEquals(errors, t.errors(), "the real frames after it decode without error");
      assertTrue(out.size() - before >= 90, "the stream goes on after the garbage: " + (out.size() - before));
      assertTrue(out.get(out.size() - 1).ts() >= 61_000, "on the new clock after the jump: " + out.get(out.size() - 1).ts());
    }
  }

  @Test
  void aWhipPublishersOpusBecomesAacWithItsConfigFirst() {
    List<Packet> opus = new ArrayList<>();
    try (AudioTranscoder t = open(opus)) {
      feed(t, 5_000);
    }
    List<Packet> aac = new ArrayList<>();
    try (AudioTranscoder t = AudioTranscoder.opusToAac((ts, body) -> aac.add(new Packet(ts, body)))) {
      for (Packet p : opus) {
        t.packet(p.ts(), p.body(), Flv.OPUS_HEADER_BYTES, p.body().length - Flv.OPUS_HEADER_BYTES);
      }
      assertEquals(0, t.errors());
    }
    assertTrue(Flv.isAudioConfig(aac.get(0).body()), "the AudioSpecificConfig comes first");
    // 48 kHz AAC frames are 1,024 samples: about 47 a second, less the encoder's look-ahead.
    double seconds = opus.size() * 0.020;
    assertTrue(aac.size() - 1 >= seconds * 46.875 - 4 && aac.size() - 1 <= seconds * 46.875 + 1,
        "AAC frames for " + seconds + " s: " + (aac.size() - 1));
    for (int i = 1; i < aac.size(); i++) {
      Packet p = aac.get(i);
      assertTrue(Flv.isAac(p.body()) && !Flv.isAudioConfig(p.body()), "frame " + i + " is a raw AAC body");
      assertTrue(p.ts() >= 5_000 - 30 && p.ts() <= 7_100, "on the stream's clock: " + p.ts());
      if (i > 1) {
        assertEquals(21.3, p.ts() - aac.get(i - 1).ts(), 1, "frame " + i + " follows the last by 1,024 samples");
      }
    }
  }
}
