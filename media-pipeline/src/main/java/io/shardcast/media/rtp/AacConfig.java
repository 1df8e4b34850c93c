package io.shardcast.media.rtp;

/** The AAC AudioSpecificConfig fields the RTP paths need. */
public final class AacConfig {

  private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
      8000, 7350};

  private AacConfig() {}

  /** Sample rate of an AudioSpecificConfig (48 kHz when it cannot be read). */
  public static int sampleRate(byte[] asc) {
    if (asc.length < 2) {
      return 48000;
    }
    int index = ((asc[0] & 0x07) << 1) | ((asc[1] & 0x80) >>> 7);
    return index < RATES.length ? RATES[index] : 48000;
  }

  /** An AAC-LC AudioSpecificConfig for {@code sampleRate} and {@code channels}. */
  public static byte[] lc(int sampleRate, int channels) {
    int index = -1;
    for (int i = 0; i < RATES.length; i++) {
      if (RATES[i] == sampleRate) {
        index = i;
      }
    }
    if (index < 0 || channels < 1 || channels > 7) {
      throw new IllegalArgumentException("AAC sample rate " + sampleRate + " / channels " + channels);
    }
    return new byte[] {(byte) ((2 << 3) | (index >>> 1)), (byte) (((index & 1) << 7) | (channels << 3))};
  }
}
