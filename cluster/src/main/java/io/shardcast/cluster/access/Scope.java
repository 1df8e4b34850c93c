package io.shardcast.cluster.access;

import java.util.Locale;

/** What an identity may do. Each endpoint needs one (docs/security.md has the table). */
public enum Scope {
  /** Watch a room, comment, like, order and claim coupons as oneself. */
  VIEWER,
  /** Read the cluster's internals: nodes, rooms, sales, the autoscaler, media routes, order lists. */
  OPS_READ,
  /** Act on the cluster: drain, activate or retire nodes, scale, move rooms. */
  OPS_WRITE,
  /** Scrape {@code /metrics}. */
  METRICS;

  /** The name in configuration and in {@code /whoami}: {@code viewer}, {@code ops:read}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ':');
  }

  /** The scope named {@code label}; an unknown name is a configuration error that says which names there are. */
  public static Scope of(String label) {
    for (Scope s : values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scope '" + label + "': use viewer, ops:read, ops:write or metrics");
  }
}
