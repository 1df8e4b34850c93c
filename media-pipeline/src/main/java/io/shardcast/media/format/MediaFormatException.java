package io.shardcast.media.format;

/** Input that breaks its protocol (a malformed chunk, AMF value, FLV tag or packet); the connection carrying it is closed. */
public final class MediaFormatException extends RuntimeException {

  public MediaFormatException(String message) {
    super(message, null, false, false);
  }
}
