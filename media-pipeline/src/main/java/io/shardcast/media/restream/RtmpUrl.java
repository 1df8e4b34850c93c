package io.shardcast.media.restream;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a restream goes, as a platform gives it and OBS takes it: a server URL
 * ({@code rtmp://host[:port]/app} or {@code rtmps://...}) and a stream key kept apart. The
 * connection's {@code tcUrl} is the URL, its application the URL's path, and the stream published
 * is the key. {@link #toString} never shows the key.
 */
public record RtmpUrl(boolean tls, String host, int port, String app, String tcUrl, String streamKey) {

  public static final int MAX_URL_CHARS = 1024;
  public static final int MAX_KEY_CHARS = 512;

  /** The destination {@code url} with {@code streamKey}; {@link IllegalArgumentException} says what is wrong. */
  public static RtmpUrl parse(String url, String streamKey) {
    if (url == null || url.isBlank() || url.length() > MAX_URL_CHARS) {
      throw new IllegalArgumentException("url must be an rtmp:// or rtmps:// URL of at most " + MAX_URL_CHARS + " characters");
    }
    if (streamKey == null || streamKey.isEmpty() || streamKey.length() > MAX_KEY_CHARS
        || !streamKey.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new IllegalArgumentException("streamKey must be 1.." + MAX_KEY_CHARS + " printable ASCII characters");
    }
    URI u;
    try {
      u = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url is not a URL: " + e.getReason());
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("rtmp") && !scheme.equals("rtmps")) {
      throw new IllegalArgumentException("url must start with rtmp:// or rtmps:// (not " + (scheme.isEmpty() ? "nothing"
          : scheme + "://") + ")");
    }
    if (u.getHost() == null || u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new IllegalArgumentException("url must be rtmp[s]://host[:port]/app, without user, query or fragment");
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("^/+|/+$", "");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("url needs the application after the host (rtmp://host/app)");
    }
    boolean tls = scheme.equals("rtmps");
    int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 1935;
    String tcUrl = scheme + "://" + u.getRawAuthority() + "/" + path;
    return new RtmpUrl(tls, u.getHost(), port, path, tcUrl, streamKey);
  }

  @Override
  public String toString() {
    return tcUrl + "/<key>";
  }
}
