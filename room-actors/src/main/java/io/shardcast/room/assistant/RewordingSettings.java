package io.shardcast.room.assistant;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;

/**
 * The operator's OpenAI-compatible endpoint that may reword the assistant's template answers
 * ({@code shardcast.room.assistant.rewording}); off when {@code url} is empty. Nothing needs it:
 * without it, or when it fails, the templates are the answers.
 */
public record RewordingSettings(String url, String model, String apiKey, Duration timeout) {

  public static RewordingSettings from(Config room) {
    Config c = room.getConfig("assistant.rewording");
    RewordingSettings s = new RewordingSettings(c.getString("url").strip(), c.getString("model"),
        c.getString("api-key"), c.getDuration("timeout"));
    if (s.enabled()) {
      URI u = URI.create(s.url);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new IllegalArgumentException("shardcast.room.assistant.rewording.url must be http(s), not " + s.url);
      }
    }
    if (s.timeout.isNegative() || s.timeout.isZero()) {
      throw new IllegalArgumentException("shardcast.room.assistant.rewording.timeout must be > 0");
    }
    return s;
  }

  public boolean enabled() {
    return !url.isEmpty();
  }

  /** The endpoint's chat completions address: {@code url} is its base, as OpenAI's clients take it. */
  URI completions() {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    return URI.create(base.endsWith("/chat/completions") ? base : base + "/chat/completions");
  }

  @Override
  public String toString() { // never the key
    return "RewordingSettings[url=" + url + ", model=" + model + ", timeout=" + timeout + "]";
  }
}
