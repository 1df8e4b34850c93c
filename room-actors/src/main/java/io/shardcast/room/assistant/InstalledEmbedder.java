package io.shardcast.room.assistant;

/** The node's one {@link Embedder}, found on the class path once (its model is the node's to share). */
public final class InstalledEmbedder {

  private static final class Found {
    static final Embedder INSTANCE = Embedder.installed();
  }

  private InstalledEmbedder() {}

  /** The installed embedder, or null when the module is not on the class path. */
  public static Embedder get() {
    return Found.INSTANCE;
  }
}
