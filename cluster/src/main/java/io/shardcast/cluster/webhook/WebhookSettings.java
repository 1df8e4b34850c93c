package io.shardcast.cluster.webhook;

import com.typesafe.config.Config;
import io.shardcast.room.Ids;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The {@code shardcast.webhooks} settings: who subscribes to the rooms' events, and how deliveries retry. */
public record WebhookSettings(List<Subscriber> subscribers, Duration minBackoff, Duration maxBackoff,
    Duration timeout) {

  /**
   * A back office taking the rooms' events at {@code url}, signed with {@code secret}; {@code events}
   * empty: every type.
   */
  public record Subscriber(String name, String url, String secret, Set<String> events) {
    public boolean wants(String type) {
      return events.isEmpty() || events.contains(type);
    }

    @Override
    public String toString() {
      return "subscriber " + name + " at " + url; // never the secret
    }
  }

  public static WebhookSettings from(Config root) {
    Config c = root.getConfig("shardcast.webhooks");
    List<Subscriber> subscribers = new ArrayList<>();
    for (Config s : c.getConfigList("subscribers")) {
      subscribers.add(subscriber(s.getString("name"), s.getString("url"), s.getString("secret"),
          s.hasPath("events") ? s.getStringList("events") : List.of()));
    }
    if (!c.getString("url").isBlank()) {
      subscribers.add(subscriber("default", c.getString("url"), c.getString("secret"), List.of()));
    }
    Set<String> names = new HashSet<>();
    for (Subscriber s : subscribers) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("shardcast.webhooks: two subscribers are named " + s.name());
      }
    }
    WebhookSettings settings = new WebhookSettings(List.copyOf(subscribers), c.getDuration("min-backoff"),
        c.getDuration("max-backoff"), c.getDuration("timeout"));
    if (settings.minBackoff.toMillis() < 10 || settings.maxBackoff.compareTo(settings.minBackoff) < 0
        || settings.timeout.toMillis() < 100) {
      throw new IllegalArgumentException("shardcast.webhooks: min-backoff >= 10ms, max-backoff >= min-backoff and"
          + " timeout >= 100ms");
    }
    return settings;
  }

  private static Subscriber subscriber(String name, String url, String secret, List<String> events) {
    if (!Ids.valid(name)) {
      throw new IllegalArgumentException("shardcast.webhooks: a subscriber's name is 1..64 of [A-Za-z0-9_-], not '"
          + name + "'");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("shardcast.webhooks: subscriber " + name + "'s url is not a URL", e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("shardcast.webhooks: subscriber " + name + "'s url must be http(s)://host/...");
    }
    if (secret == null || secret.length() < 16) {
      throw new IllegalArgumentException("shardcast.webhooks: subscriber " + name + " needs a secret of 16+ characters"
          + " (SHARDCAST_WEBHOOK_SECRET for the one from the environment)");
    }
    for (String type : events) {
      if (!WebhookEvents.TYPES.contains(type)) {
        throw new IllegalArgumentException("shardcast.webhooks: subscriber " + name + " asks for '" + type
            + "'; the types are " + WebhookEvents.TYPES);
      }
    }
    return new Subscriber(name, url, secret, Set.copyOf(new LinkedHashSet<>(events)));
  }
}
