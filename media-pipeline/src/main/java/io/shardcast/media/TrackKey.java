package io.shardcast.media;

import java.util.regex.Pattern;

/** One rendition a host publishes: a camera ({@code close-up}, {@code panorama}) at a layer ({@code 720p}). */
public record TrackKey(String camera, String layer) {

  public static final String DEFAULT_CAMERA = "main";
  public static final String DEFAULT_LAYER = "source";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  public TrackKey {
    if (!valid(camera) || !valid(layer)) {
      throw new IllegalArgumentException("camera and layer must be 1..32 of [A-Za-z0-9_-]");
    }
  }

  public static boolean valid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  @Override
  public String toString() {
    return camera + "/" + layer;
  }
}
