package io.shardcast.cluster.autoscale;

import com.typesafe.config.Config;
import io.shardcast.autoscaler.scaler.KubernetesScaler;
import io.shardcast.autoscaler.scaler.LocalProcessScaler;
import io.shardcast.autoscaler.scaler.Scaler;
import io.shardcast.autoscaler.scaler.ScalerSettings;
import java.io.IOException;
import java.nio.file.Path;

/** The backend {@code shardcast.autoscaler.scaler.backend} names; null for {@code none}. */
public final class Scalers {

  private Scalers() {}

  public static Scaler create(ScalerSettings s, Config config) {
    return switch (s.backend()) {
      case "local" -> new LocalProcessScaler(s.localCommand(), s.localHost(), logDir(s, config));
      case "kubernetes" -> kubernetes(s);
      default -> null;
    };
  }

  private static Scaler kubernetes(ScalerSettings s) {
    try {
      return KubernetesScaler.fromEnvironment(s.kubernetesNamespace(), s.kubernetesKind(), s.kubernetesName());
    } catch (IOException e) {
      throw new IllegalStateException("no Kubernetes client configuration (in-cluster service account or kubeconfig): "
          + e.getMessage(), e);
    }
  }

  /** {@code local.log-dir}, or {@code <data-dir>/logs} when it is empty. */
  private static Path logDir(ScalerSettings s, Config config) {
    String dir = s.localLogDir().toString();
    return dir.isEmpty() ? Path.of(config.getString("shardcast.data-dir"), "logs") : s.localLogDir();
  }
}
