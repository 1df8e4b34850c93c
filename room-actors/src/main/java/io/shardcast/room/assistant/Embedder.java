package io.shardcast.room.assistant;

import java.util.ServiceLoader;

/**
 * Turns a short text into a vector whose dot product with another's says how alike their meanings
 * are (unit length). Optional: the module {@code assistant-embeddings} provides one (a small
 * Chinese-English model run in-process); without it, or with
 * {@code shardcast.room.assistant.embeddings = off}, the assistant has its rules and Lucene only.
 */
public interface Embedder {

  /** The vector of {@code text}, of unit length. Safe to call from several threads. */
  float[] embed(String text);

  /** The embedder on the class path, or null when none is installed. */
  static Embedder installed() {
    return ServiceLoader.load(Embedder.class).findFirst().orElse(null);
  }

  /** The dot product of two unit vectors: their cosine similarity. */
  static double similarity(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }
}
