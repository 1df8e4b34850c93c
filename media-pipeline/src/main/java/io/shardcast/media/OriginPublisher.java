package io.shardcast.media;

import io.shardcast.media.cue.Cue;
import io.shardcast.media.cue.CuePoint;
import io.shardcast.media.cue.CueSei;
import io.shardcast.media.cue.CueStamper;
import io.shardcast.media.flv.Flv;
import io.shardcast.media.transcode.AudioTranscoder;
import java.util.ArrayList;
import java.util.List;

/**
 * One publisher's rendition at the origin, whatever it arrives by (RTMP, RTP): the track opens
 * with the first frame a decoder can start from (sequence header, keyframe or metadata; earlier
 * frames are dropped), the publisher's timestamps are mapped onto the room's clock, and the room
 * is told when the track starts and ends.
 */
public final class OriginPublisher {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OriginPublisher.class);

  private final MediaHub hub;
  private final MediaDirectory directory;
  private final String roomId;
  private final TrackKey key;
  private Track track;
  private MediaRoom room;
  private PublisherClock clock = new PublisherClock();
  private CueStamper cues;
  private int nalLengthSize = 4;
  private final ArrayList<String> seiMessages = new ArrayList<>();
  /** The stream's AAC as Opus for WebRTC viewers (null: no AAC yet, or not wanted, or FFmpeg missing). */
  private AudioTranscoder opus;
  private long opusIngestMicros;
  /** The publisher sends Opus itself (WHIP) beside the AAC made from it: nothing to transcode here. */
  private boolean ownOpus;

  public OriginPublisher(MediaHub hub, MediaDirectory directory, String roomId, TrackKey key) {
    this.hub = hub;
    this.directory = directory;
    this.roomId = roomId;
    this.key = key;
  }

  /**
   * For a publisher whose audio is Opus (a browser over WHIP): its Opus packets go into the track as
   * they come and its AAC (made once from that Opus for FLV and RTMP players) is not transcoded back.
   */
  public OriginPublisher withOwnOpus() {
    ownOpus = true;
    return this;
  }

  /**
   * Puts this stream on the same clock as another of the same encoder (a browser's simulcast
   * layers, whose times already agree): one offset for both, so their frames of one capture keep
   * one time in the room. Before the first frame.
   */
  public OriginPublisher sharingClock(PublisherClock shared) {
    this.clock = shared;
    return this;
  }

  /** A frame of {@code kind} at the publisher's {@code timestamp} (ms). */
  public void frame(int kind, long timestamp, byte[] body) {
    if (track == null) {
      boolean startable = kind == Flv.SCRIPT || (kind == Flv.VIDEO && (Flv.isVideoKeyframe(body)))
          || (kind == Flv.AUDIO && Flv.isAudioConfig(body));
      if (!startable) {
        return;
      }
      track = hub.openOrigin(roomId, key);
      room = hub.room(roomId);
      cues = new CueStamper(room.cues(), System.currentTimeMillis());
      room.restartClock();
      directory.publishing(roomId, key, true);
    }
    if (kind == Flv.SCRIPT) {
      track.publish(new MediaFrame(kind, 0, body, MediaClock.nowMicros()));
      return;
    }
    long ts = Math.max(0, timestamp + clock.offset(room, timestamp));
    long ingest = MediaClock.nowMicros();
    if (kind == Flv.VIDEO) {
      if (Flv.isVideoConfig(body)) {
        nalLengthSize = CueSei.nalLengthSize(body);
      } else {
        body = stamp(body, ts, ingest);
        if (!track.reordered() && Flv.isReordered(body)) {
          warnReordered();
        }
      }
    }
    track.publish(new MediaFrame(kind, ts, body, ingest));
    if (kind == Flv.AUDIO && !ownOpus && Flv.isAac(body) && body.length > 2) {
      transcode(ts, body, ingest);
    }
  }

  /** Said once per track, at its first reordered frame (the track flags it as it publishes). */
  private void warnReordered() {
    log.warn("room {} {}: the encoder sends B-frames (frames out of decode order); WebRTC viewers may see choppy "
        + "video. Turn B-frames off in the encoder (OBS: Keyframe and B-frames settings, B-frames 0; x264: bframes=0 "
        + "or -bf 0, or the baseline profile). GET /live/{}/layers says \"bFrames\": true meanwhile", roomId, key,
        roomId);
  }

  /** AAC to Opus, once per stream, published beside the AAC for WebRTC viewers here and on other nodes. */
  private void transcode(long ts, byte[] body, long ingest) {
    if (Flv.isAudioConfig(body)) {
      closeOpus();
      if (hub.opusForWebRtc() && AudioTranscoder.available()) {
        try {
          opus = AudioTranscoder.aacToOpus(java.util.Arrays.copyOfRange(body, 2, body.length),
              (opusTs, opusBody) -> track.publish(new MediaFrame(Flv.AUDIO, opusTs, opusBody, opusIngestMicros)));
        } catch (RuntimeException e) {
          log.warn("Room {} ({}): no Opus for WebRTC viewers: {}", roomId, key, e.getMessage());
        }
      }
      return;
    }
    if (opus != null) {
      opusIngestMicros = ingest;
      opus.packet(ts, body, 2, body.length - 2);
    }
  }

  private void closeOpus() {
    if (opus != null) {
      opus.close();
      opus = null;
    }
  }

  /**
   * Puts the room's due cues on a video frame (SEI messages in the frame, an onCuePoint tag just
   * before it) and its clock on every keyframe; the frame's arrival feeds the room's media clock. A
   * cue is due on the first frame taken at or after its instant.
   */
  private byte[] stamp(byte[] body, long ts, long ingestMicros) {
    room.observe(ts, ingestMicros / 1000);
    List<Cue> due = cues.due(room.wallOf(ts));
    boolean keyframe = Flv.isVideoKeyframe(body);
    if (due.isEmpty() && !keyframe) {
      return body;
    }
    seiMessages.clear();
    if (keyframe) {
      seiMessages.add(CueSei.clock(ts));
    }
    for (Cue c : due) {
      seiMessages.add(CueSei.cue(c, ts));
      track.publish(new MediaFrame(Flv.SCRIPT, ts, CuePoint.encode(c, ts), ingestMicros));
    }
    return CueSei.insert(body, nalLengthSize, seiMessages);
  }

  /** The publisher is gone: its viewers move on (or wait for it to come back). */
  public void close() {
    closeOpus();
    if (track != null) {
      hub.close(track);
      directory.publishing(roomId, key, false);
      track = null;
    }
  }
}
