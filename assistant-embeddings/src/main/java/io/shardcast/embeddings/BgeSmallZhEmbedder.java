package io.shardcast.embeddings;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.shardcast.room.assistant.Embedder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The assistant's embeddings: BAAI's bge-small-zh v1.5, quantized to 8 bits (24 MB, shipped inside
 * langchain4j's jar), run in-process by ONNX Runtime on the calling thread ({@link OneThreadBgeSmallZh}). Questions are compared
 * with questions, so no query instruction is put before them. The model is loaded on first use; the
 * vectors of the last few thousand texts are kept, so a catalog's entries are embedded once.
 */
public final class BgeSmallZhEmbedder implements Embedder {

  /** Texts whose vectors are kept (384 floats each: about 1.5 KiB). */
  static final int KEPT = 4096;

  private static final class Model {
    static final EmbeddingModel INSTANCE = new OneThreadBgeSmallZh();
  }

  private final Map<String, float[]> kept = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
      return size() > KEPT;
    }
  };

  /** Cheap: the model is loaded when the first text is embedded. */
  public BgeSmallZhEmbedder() {}

  @Override
  public float[] embed(String text) {
    synchronized (kept) {
      float[] v = kept.get(text);
      if (v != null) {
        return v;
      }
    }
    float[] v = unit(Model.INSTANCE.embed(text).content().vector());
    synchronized (kept) {
      kept.put(text, v);
    }
    return v;
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (v[i] / norm);
      }
    }
    return v;
  }
}
