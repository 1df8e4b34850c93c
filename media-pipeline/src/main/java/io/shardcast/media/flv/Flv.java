package io.shardcast.media.flv;

import io.shardcast.media.format.MediaFormatException;

/** FLV tags as RTMP carries them (the message payload is the tag body): validation and flags. */
public final class Flv {

  public static final int AUDIO = 8;
  public static final int VIDEO = 9;
  public static final int SCRIPT = 18;
  public static final int TAG_HEADER_BYTES = 11;
  public static final int PREVIOUS_TAG_SIZE_BYTES = 4;
  /** "FLV", version 1, audio and video present, header length 9, then PreviousTagSize0. */
  public static final byte[] FILE_HEADER = {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0};
  /** The same for a stream of video alone: players then do not wait for audio that never comes. */
  public static final byte[] VIDEO_ONLY_HEADER = {'F', 'L', 'V', 1, 1, 0, 0, 0, 9, 0, 0, 0, 0};

  private static final int CODEC_AVC = 7;
  private static final int SOUND_AAC = 10;
  private static final int FRAME_KEY = 1;

  private Flv() {}

  /** Checks a video tag body: H.264 (AVC) with a known packet type. */
  public static void checkVideo(byte[] body) {
    if (body.length < 5) {
      throw new MediaFormatException("FLV: video tag of " + body.length + " bytes (an AVC tag has at least 5)");
    }
    int codec = body[0] & 0x0F;
    if (codec != CODEC_AVC) {
      throw new MediaFormatException("FLV: video codec " + codec + " (only H.264/AVC, codec 7, is served)");
    }
    int frameType = (body[0] & 0xF0) >>> 4;
    if (frameType < 1 || frameType > 5) {
      throw new MediaFormatException("FLV: video frame type " + frameType);
    }
    int packetType = body[1] & 0xFF;
    if (packetType > 2) {
      throw new MediaFormatException("FLV: AVC packet type " + packetType);
    }
    if (packetType == 0 && body.length < 5 + 7) {
      throw new MediaFormatException("FLV: AVC sequence header of " + body.length + " bytes");
    }
  }

  /** Checks an audio tag body: AAC with a packet type (other formats pass through unchecked). */
  public static void checkAudio(byte[] body) {
    if (body.length < 1) {
      throw new MediaFormatException("FLV: empty audio tag");
    }
    if (isAac(body)) {
      if (body.length < 2 || (body[1] & 0xFF) > 1) {
        throw new MediaFormatException("FLV: AAC tag without a valid packet type");
      }
      if (body[1] == 0 && body.length < 4) {
        throw new MediaFormatException("FLV: AAC sequence header of " + body.length + " bytes");
      }
    }
  }

  public static boolean isAac(byte[] body) {
    return ((body[0] & 0xF0) >>> 4) == SOUND_AAC;
  }

  /**
   * An Opus packet in enhanced RTMP's layout (sound format 9, the extended header; packet type 1,
   * coded frames; FourCC "Opus"). Only WebRTC players read these: FLV and RTMP players skip them.
   */
  public static boolean isOpus(byte[] body) {
    return body.length >= OPUS_HEADER_BYTES && ((body[0] & 0xF0) >>> 4) == SOUND_EX_HEADER && body[1] == 'O'
        && body[2] == 'p' && body[3] == 'u' && body[4] == 's';
  }

  /** Bytes before an Opus packet in its FLV audio body. */
  public static final int OPUS_HEADER_BYTES = 5;
  private static final int SOUND_EX_HEADER = 9;

  /** Writes the enhanced-RTMP header of an Opus packet's body into {@code body[0..5)}. */
  public static void opusHeader(byte[] body) {
    body[0] = (byte) ((SOUND_EX_HEADER << 4) | 1);
    body[1] = 'O';
    body[2] = 'p';
    body[3] = 'u';
    body[4] = 's';
  }

  public static boolean isVideoKeyframe(byte[] body) {
    return ((body[0] & 0xF0) >>> 4) == FRAME_KEY;
  }

  /**
   * Whether an AVC video tag's frame is shown at another time than it is decoded (a nonzero
   * composition time offset): the encoder reorders frames, which it does for B-frames.
   */
  public static boolean isReordered(byte[] body) {
    return body.length > 4 && (body[0] & 0x0F) == 7 && body[1] == 1
        && ((body[2] & 0xFF) | (body[3] & 0xFF) | (body[4] & 0xFF)) != 0;
  }

  /** An AVC sequence header (decoder configuration record). */
  public static boolean isVideoConfig(byte[] body) {
    return body.length > 1 && body[1] == 0;
  }

  /** An AAC sequence header (AudioSpecificConfig). */
  public static boolean isAudioConfig(byte[] body) {
    return isAac(body) && body.length > 1 && body[1] == 0;
  }
}
