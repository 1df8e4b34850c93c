package io.shardcast.media.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_reset;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_chlayout;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_int;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_sample_fmt;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import io.shardcast.media.flv.Flv;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's audio from one codec to the other, once, at the origin, through the JavaCPP build
 * of FFmpeg the distribution already carries (its decoders, its resampler, libopus and its AAC
 * encoder; no codec is hand-written):
 * <ul>
 *   <li>{@link #aacToOpus}: an RTMP encoder's AAC for WebRTC viewers (browsers take Opus): 48 kHz
 *       stereo, 64 kbit/s, 20 ms packets;
 *   <li>{@link #opusToAac}: a WHIP publisher's Opus for FLV and RTMP players: AAC-LC, 48 kHz
 *       stereo, 128 kbit/s, its AudioSpecificConfig first.
 * </ul>
 * Each packet comes out as an FLV audio body with its time on the stream's clock (milliseconds).
 * One thread uses an instance (the stream's publisher).
 */
public final class AudioTranscoder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AudioTranscoder.class);

  /** Receives each packet: its time in ms on the stream's clock and its FLV audio body. */
  public interface Sink {
    void audio(long timestampMillis, byte[] body);
  }

  static final int RATE = 48_000;
  static final int CHANNELS = 2;
  private static final int OPUS_BITRATE = 64_000;
  private static final int AAC_BITRATE = 128_000;
  /** A gap or jump in the input's timestamps larger than this restarts the output's clock at the new time. */
  private static final long RESYNC_MILLIS = 200;
  private static final int MAX_PACKET_BYTES = 8192;
  /** Room in the conversion buffer: one input frame (up to 2048 samples) resampled, with margin. */
  private static final int CONVERT_SAMPLES = 8192;

  private static volatile Boolean available;

  private final Sink sink;
  private final boolean toOpus;
  private final AVCodecContext decoder;
  private final AVCodecContext encoder;
  /** Samples per encoded packet: 960 (20 ms of Opus) or 1024 (an AAC frame). */
  private final int frameSamples;
  private final int sampleFormat;
  private final AVPacket in = av_packet_alloc();
  private final AVPacket out = av_packet_alloc();
  private final AVFrame decoded = av_frame_alloc();
  private final AVFrame toEncode = av_frame_alloc();
  private final BytePointer input = new BytePointer(MAX_PACKET_BYTES + 64);
  /** The resampler's output, one plane per channel (interleaved S16 uses the first only). */
  private final BytePointer[] converted = new BytePointer[CHANNELS];
  private final PointerPointer<BytePointer> convertedPlanes = new PointerPointer<>(CHANNELS);
  private final AVAudioFifo fifo;
  private SwrContext resampler;
  private int inputRate;
  /** The stream time (ms) of encoder sample {@link #anchorPts}. */
  private long anchorMillis = -1;
  private long anchorPts;
  /** Samples handed to the encoder so far (its pts). */
  private long encoderPts;
  /** Where the next input packet is expected on the stream's clock, from the samples decoded. */
  private long expectedMillis = -1;
  /** AAC out: the AudioSpecificConfig body goes out before the first packet. */
  private boolean configSent;
  private long packets;
  private long errors;

  /** True when FFmpeg's libraries load here and carry the AAC decoder and libopus. */
  public static boolean available() {
    Boolean a = available;
    if (a == null) {
      try {
        Loader.load(org.bytedeco.ffmpeg.global.avcodec.class);
        Loader.load(org.bytedeco.ffmpeg.global.swresample.class);
        av_log_set_level(AV_LOG_ERROR);
        a = avcodec_find_decoder(AV_CODEC_ID_AAC) != null && avcodec_find_encoder_by_name("libopus") != null
            && avcodec_find_decoder(AV_CODEC_ID_OPUS) != null && avcodec_find_encoder(AV_CODEC_ID_AAC) != null;
      } catch (Throwable e) { // UnsatisfiedLinkError and the like: no native FFmpeg for this platform
        log.warn("WebRTC audio: FFmpeg's libraries do not load here ({}); WHEP viewers get video only, and WHIP "
            + "streams reach FLV and RTMP players without sound", e.toString());
        a = false;
      }
      available = a;
    }
    return a;
  }

  /**
   * AAC to Opus: opens the AAC decoder for the stream's {@code audioSpecificConfig} (the AAC
   * sequence header's payload) and libopus.
   *
   * @throws IllegalStateException when FFmpeg refuses the configuration
   */
  public static AudioTranscoder aacToOpus(byte[] audioSpecificConfig, Sink sink) {
    return new AudioTranscoder(true, audioSpecificConfig, sink);
  }

  /**
   * Opus (48 kHz stereo, as WebRTC sends it) to AAC: opens FFmpeg's Opus decoder and AAC encoder.
   *
   * @throws IllegalStateException when FFmpeg refuses the configuration
   */
  public static AudioTranscoder opusToAac(Sink sink) {
    return new AudioTranscoder(false, null, sink);
  }

  private AudioTranscoder(boolean toOpus, byte[] audioSpecificConfig, Sink sink) {
    this.sink = sink;
    this.toOpus = toOpus;
    this.sampleFormat = toOpus ? AV_SAMPLE_FMT_S16 : AV_SAMPLE_FMT_FLTP;
    this.fifo = av_audio_fifo_alloc(sampleFormat, CHANNELS, CONVERT_SAMPLES);
    if (toOpus) {
      AVCodec aac = avcodec_find_decoder(AV_CODEC_ID_AAC);
      decoder = avcodec_alloc_context3(aac);
      BytePointer extra = new BytePointer(org.bytedeco.ffmpeg.global.avutil.av_mallocz(audioSpecificConfig.length + 64));
      extra.put(audioSpecificConfig, 0, audioSpecificConfig.length);
      decoder.extradata(extra);
      decoder.extradata_size(audioSpecificConfig.length);
      check(avcodec_open2(decoder, aac, (AVDictionary) null), "open the AAC decoder");
      AVCodec opus = avcodec_find_encoder_by_name("libopus");
      encoder = avcodec_alloc_context3(opus);
      encoder.bit_rate(OPUS_BITRATE);
      configure(encoder);
      av_opt_set_int(encoder.priv_data(), "frame_duration", 20, 0);
      check(avcodec_open2(encoder, opus, (AVDictionary) null), "open the Opus encoder");
    } else {
      AVCodec opus = avcodec_find_decoder(AV_CODEC_ID_OPUS);
      decoder = avcodec_alloc_context3(opus);
      decoder.sample_rate(RATE);
      av_channel_layout_default(decoder.ch_layout(), CHANNELS);
      check(avcodec_open2(decoder, opus, (AVDictionary) null), "open the Opus decoder");
      AVCodec aac = avcodec_find_encoder(AV_CODEC_ID_AAC);
      encoder = avcodec_alloc_context3(aac);
      encoder.bit_rate(AAC_BITRATE);
      configure(encoder);
      check(avcodec_open2(encoder, aac, (AVDictionary) null), "open the AAC encoder");
    }
    frameSamples = encoder.frame_size();
    toEncode.nb_samples(frameSamples);
    toEncode.format(sampleFormat);
    av_channel_layout_default(toEncode.ch_layout(), CHANNELS);
    toEncode.sample_rate(RATE);
    check(av_frame_get_buffer(toEncode, 0), "allocate the encoder's input frame");
    int planes = toOpus ? 1 : CHANNELS;
    int bytesPerPlane = toOpus ? CONVERT_SAMPLES * CHANNELS * 2 : CONVERT_SAMPLES * 4;
    for (int c = 0; c < planes; c++) {
      converted[c] = new BytePointer((long) bytesPerPlane);
      convertedPlanes.put(c, converted[c]);
    }
  }

  private void configure(AVCodecContext e) {
    e.sample_rate(RATE);
    av_channel_layout_default(e.ch_layout(), CHANNELS);
    e.sample_fmt(sampleFormat);
    e.time_base(av_make_q(1, RATE));
  }

  /** One raw input packet (an AAC frame, an Opus packet: {@code body[offset, offset+length)}) at {@code timestampMillis}. */
  public void packet(long timestampMillis, byte[] body, int offset, int length) {
    if (length <= 0 || length > MAX_PACKET_BYTES) {
      return;
    }
    if (expectedMillis >= 0 && Math.abs(timestampMillis - expectedMillis) > RESYNC_MILLIS) {
      av_audio_fifo_reset(fifo); // a gap in the publisher's audio: the output's time starts again here
      anchorMillis = -1;
    }
    if (anchorMillis < 0) {
      anchorMillis = timestampMillis;
      anchorPts = encoderPts;
    }
    input.position(0).put(body, offset, length);
    in.data(input.position(0));
    in.size(length);
    if (avcodec_send_packet(decoder, in) < 0) {
      errors++;
      return;
    }
    while (avcodec_receive_frame(decoder, decoded) == 0) {
      resample(timestampMillis);
    }
    encodeWhatIsQueued();
  }

  private void resample(long timestampMillis) {
    if (resampler == null || decoded.sample_rate() != inputRate) {
      if (resampler != null) {
        swr_free(resampler);
      }
      resampler = swr_alloc();
      av_opt_set_chlayout(resampler, "in_chlayout", decoded.ch_layout(), 0);
      av_opt_set_int(resampler, "in_sample_rate", decoded.sample_rate(), 0);
      av_opt_set_sample_fmt(resampler, "in_sample_fmt", decoded.format(), 0);
      av_opt_set_chlayout(resampler, "out_chlayout", encoder.ch_layout(), 0);
      av_opt_set_int(resampler, "out_sample_rate", RATE, 0);
      av_opt_set_sample_fmt(resampler, "out_sample_fmt", sampleFormat, 0);
      check(swr_init(resampler), "set up the resampler");
      inputRate = decoded.sample_rate();
    }
    int n = swr_convert(resampler, convertedPlanes, CONVERT_SAMPLES, decoded.extended_data(), decoded.nb_samples());
    if (n > 0) {
      av_audio_fifo_write(fifo, convertedPlanes, n);
    }
    expectedMillis = timestampMillis + decoded.nb_samples() * 1000L / Math.max(1, decoded.sample_rate());
  }

  private void encodeWhatIsQueued() {
    while (av_audio_fifo_size(fifo) >= frameSamples) {
      if (av_frame_make_writable(toEncode) < 0) {
        errors++;
        return;
      }
      av_audio_fifo_read(fifo, toEncode.data(), frameSamples);
      toEncode.pts(encoderPts);
      encoderPts += frameSamples;
      if (avcodec_send_frame(encoder, toEncode) < 0) {
        errors++;
        continue;
      }
      while (avcodec_receive_packet(encoder, out) == 0) {
        // The encoder's pts counts its look-ahead (Opus's first packet starts 312 samples early,
        // AAC's 1,024): a packet's time is when its decoded sound starts, so packets follow
        // each other by their duration exactly.
        long ts = Math.max(0, anchorMillis + Math.floorDiv((out.pts() - anchorPts) * 1000, RATE));
        int size = out.size();
        int header = toOpus ? Flv.OPUS_HEADER_BYTES : 2;
        byte[] body = new byte[header + size];
        if (toOpus) {
          Flv.opusHeader(body);
        } else {
          sendAacConfig(ts);
          body[0] = (byte) 0xAF;
          body[1] = 1;
        }
        out.data().get(body, header, size);
        av_packet_unref(out);
        packets++;
        sink.audio(ts, body);
      }
    }
  }

  /** AAC out: the AudioSpecificConfig (the encoder's extradata) as an FLV sequence header, once. */
  private void sendAacConfig(long ts) {
    if (configSent) {
      return;
    }
    configSent = true;
    int n = encoder.extradata_size();
    byte[] body = new byte[2 + n];
    body[0] = (byte) 0xAF;
    body[1] = 0;
    encoder.extradata().get(body, 2, n);
    sink.audio(ts, body);
  }

  public long packets() {
    return packets;
  }

  public long errors() {
    return errors;
  }

  private static void check(int status, String what) {
    if (status < 0) {
      throw new IllegalStateException("FFmpeg could not " + what + " (error " + status + ")");
    }
  }

  @Override
  public void close() {
    avcodec_free_context(decoder);
    avcodec_free_context(encoder);
    av_packet_free(in);
    av_packet_free(out);
    av_frame_free(decoded);
    av_frame_free(toEncode);
    av_audio_fifo_free(fifo);
    if (resampler != null) {
      swr_free(resampler);
    }
    input.close();
    for (BytePointer c : converted) {
      if (c != null) {
        c.close();
      }
    }
  }
}
