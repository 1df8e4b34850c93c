package io.shardcast.cluster.autoscale;

import com.typesafe.config.Config;
import io.shardcast.autoscaler.scaler.LocalProcessScaler;
import io.shardcast.autoscaler.scaler.Scaler;
import io.shardcast.autoscaler.scaler.ScalerSettings;
import java.nio.file.Path;

/** The backend {@code shardcast.autoscaler.scaler.backend} names; null for {@code none}. */
public final class Scalers {

  private Scalers() {}

  public static Scaler create(ScalerSettings s, Config config) {
    return switch (s.backend()) {
      case "local" -> new LocalProcessScaler(s.localCommand(), s.localHost(), logDir(s, config));
      case "kubernetes" -> throw new IllegalArgumentException("the kubernetes backend is not available in this build");
      default -> null;
    };
  }

  /** {@code local.log-dir}, or {@code <data-dir>/logs} when it is empty. */
  private static Path logDir(ScalerSettings s, Config config) {
    String dir = s.localLogDir().toString();
    return dir.isEmpty() ? Path.of(config.getString("shardcast.data-dir"), "logs") : s.localLogDir();
  }
}
