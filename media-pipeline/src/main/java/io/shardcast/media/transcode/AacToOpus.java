package io.shardcast.media.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
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
 * AAC to Opus for one stream, once, at the origin: browsers' WebRTC takes Opus, RTMP encoders send
 * AAC. FFmpeg's AAC decoder, its resampler (to 48 kHz stereo) and libopus (20 ms frames, 64 kbit/s),
 * through the JavaCPP build of FFmpeg the distribution already carries. Each Opus packet comes out
 * with its time on the stream's clock (milliseconds), as an FLV audio body in the enhanced-RTMP
 * layout ({@link Flv#opusBody}). One thread uses an instance (the stream's publisher).
 */
public final class AacToOpus implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AacToOpus.class);

  /** Receives each Opus packet: its time in ms on the stream's clock and its FLV audio body. */
  public interface Sink {
    void opus(long timestampMillis, byte[] body);
  }

  static final int RATE = 48_000;
  static final int CHANNELS = 2;
  /** 20 ms at 48 kHz: what WebRTC's Opus packets usually carry. */
  static final int FRAME_SAMPLES = 960;
  private static final int BITRATE = 64_000;
  /** A gap or jump in the AAC timestamps larger than this restarts the Opus clock at the new time. */
  private static final long RESYNC_MILLIS = 200;
  private static final int MAX_AAC_BYTES = 8192;
  /** Room in the conversion buffer: one AAC frame (1024 or 2048 samples) resampled, with margin. */
  private static final int CONVERT_SAMPLES = 8192;

  private static volatile Boolean available;

  private final Sink sink;
  private final AVCodecContext decoder;
  private final AVCodecContext encoder;
  private final AVPacket in = av_packet_alloc();
  private final AVPacket out = av_packet_alloc();
  private final AVFrame decoded = av_frame_alloc();
  private final AVFrame toEncode = av_frame_alloc();
  private final BytePointer input = new BytePointer(MAX_AAC_BYTES + 64);
  private final BytePointer converted = new BytePointer((long) CONVERT_SAMPLES * CHANNELS * 2);
  private final PointerPointer<BytePointer> convertedPlanes = new PointerPointer<>(1);
  private final AVAudioFifo fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_S16, CHANNELS, CONVERT_SAMPLES);
  private SwrContext resampler;
  private int inputRate;
  /** The stream time (ms) of encoder sample {@link #anchorPts}. */
  private long anchorMillis = -1;
  private long anchorPts;
  /** Samples handed to the encoder so far (its pts). */
  private long encoderPts;
  /** Where the next AAC frame is expected on the stream's clock, from the samples decoded. */
  private long expectedMillis = -1;
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
        a = avcodec_find_decoder(AV_CODEC_ID_AAC) != null && avcodec_find_encoder_by_name("libopus") != null;
      } catch (Throwable e) { // UnsatisfiedLinkError and the like: no native FFmpeg for this platform
        log.warn("WebRTC audio: FFmpeg's libraries do not load here ({}); WHEP viewers get video only", e.toString());
        a = false;
      }
      available = a;
    }
    return a;
  }

  /**
   * Opens the decoder for the stream's {@code audioSpecificConfig} (the AAC sequence header's
   * payload) and the Opus encoder.
   *
   * @throws IllegalStateException when FFmpeg refuses the configuration
   */
  public AacToOpus(byte[] audioSpecificConfig, Sink sink) {
    this.sink = sink;
    AVCodec aac = avcodec_find_decoder(AV_CODEC_ID_AAC);
    decoder = avcodec_alloc_context3(aac);
    BytePointer extra = new BytePointer(org.bytedeco.ffmpeg.global.avutil.av_mallocz(audioSpecificConfig.length + 64));
    extra.put(audioSpecificConfig, 0, audioSpecificConfig.length);
    decoder.extradata(extra);
    decoder.extradata_size(audioSpecificConfig.length);
    check(avcodec_open2(decoder, aac, (AVDictionary) null), "open the AAC decoder");
    AVCodec opus = avcodec_find_encoder_by_name("libopus");
    encoder = avcodec_alloc_context3(opus);
    encoder.sample_rate(RATE);
    av_channel_layout_default(encoder.ch_layout(), CHANNELS);
    encoder.sample_fmt(AV_SAMPLE_FMT_S16);
    encoder.bit_rate(BITRATE);
    encoder.time_base(av_make_q(1, RATE));
    av_opt_set_int(encoder.priv_data(), "frame_duration", 20, 0);
    check(avcodec_open2(encoder, opus, (AVDictionary) null), "open the Opus encoder");
    toEncode.nb_samples(FRAME_SAMPLES);
    toEncode.format(AV_SAMPLE_FMT_S16);
    av_channel_layout_default(toEncode.ch_layout(), CHANNELS);
    toEncode.sample_rate(RATE);
    check(av_frame_get_buffer(toEncode, 0), "allocate the Opus input frame");
    convertedPlanes.put(0, converted);
  }

  /** One raw AAC frame ({@code body[offset, offset+length)}) at {@code timestampMillis}. */
  public void aac(long timestampMillis, byte[] body, int offset, int length) {
    if (length <= 0 || length > MAX_AAC_BYTES) {
      return;
    }
    if (expectedMillis >= 0 && Math.abs(timestampMillis - expectedMillis) > RESYNC_MILLIS) {
      av_audio_fifo_reset(fifo); // a gap in the publisher's audio: Opus time starts again here
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
      av_opt_set_sample_fmt(resampler, "out_sample_fmt", AV_SAMPLE_FMT_S16, 0);
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
    while (av_audio_fifo_size(fifo) >= FRAME_SAMPLES) {
      if (av_frame_make_writable(toEncode) < 0) {
        errors++;
        return;
      }
      av_audio_fifo_read(fifo, toEncode.data(), FRAME_SAMPLES);
      toEncode.pts(encoderPts);
      encoderPts += FRAME_SAMPLES;
      if (avcodec_send_frame(encoder, toEncode) < 0) {
        errors++;
        continue;
      }
      while (avcodec_receive_packet(encoder, out) == 0) {
        int size = out.size();
        byte[] body = new byte[Flv.OPUS_HEADER_BYTES + size];
        Flv.opusHeader(body);
        out.data().get(body, Flv.OPUS_HEADER_BYTES, size);
        // The encoder's pts counts its look-ahead (its first packet starts 312 samples early): a
        // packet's time is when its decoded sound starts, so every packet is 20 ms after the last.
        long ts = Math.max(0, anchorMillis + Math.floorDiv((out.pts() - anchorPts) * 1000, RATE));
        av_packet_unref(out);
        packets++;
        sink.opus(ts, body);
      }
    }
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
    converted.close();
  }
}
