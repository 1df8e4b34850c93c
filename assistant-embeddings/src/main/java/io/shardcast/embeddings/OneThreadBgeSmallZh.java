package io.shardcast.embeddings;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15q.BgeSmallZhV15QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * bge-small-zh v1.5 (quantized), the model and tokenizer of langchain4j's jar, in an ONNX Runtime
 * session that computes on the calling thread alone. The jar's own model class opens its session
 * with ONNX Runtime's defaults: a pool of a thread per core whose threads spin between operations,
 * which on a node that also serves thousands of viewers takes all its cores for a 3 ms computation
 * (3.8 ms of CPU a text over two cores, against 3.0 ms on one).
 */
final class OneThreadBgeSmallZh extends AbstractInProcessEmbeddingModel {

  /** The model's vector length. */
  static final int DIMENSION = 384;

  private final OnnxBertBiEncoder encoder;

  OneThreadBgeSmallZh() {
    super(Runnable::run); // a batch, too, on the caller's thread
    try (InputStream model = resource("bge-small-zh-v1.5-q.onnx");
        InputStream tokenizer = resource("bge-small-zh-v1.5-q-tokenizer.json");
        OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      encoder = new OnnxBertBiEncoder(env, env.createSession(model.readAllBytes(), options), tokenizer, PoolingMode.CLS);
    } catch (IOException e) {
      throw new UncheckedIOException("the bge-small-zh model in langchain4j's jar", e);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not open the bge-small-zh model", e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = BgeSmallZhV15QuantizedEmbeddingModel.class.getResourceAsStream("/" + name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the class path (langchain4j-embeddings-bge-small-zh-v15-q)");
    }
    return in;
  }

  @Override
  protected OnnxBertBiEncoder model() {
    return encoder;
  }

  @Override
  protected Integer knownDimension() {
    return DIMENSION;
  }
}
