package io.shardcast.autoscaler.scaler;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code shardcast.autoscaler.scaler} settings: which backend starts nodes and how the
 * autoscaler treats its failures; validated at start.
 *
 * @param acting whether the singleton carries its decisions out ({@code shardcast.autoscaler.acting});
 *     off: it decides, shows and logs, and only operators' orders are carried out
 * @param backend {@code none} (decisions to start nodes are shown, not carried out), {@code local}
 *     or {@code kubernetes}
 * @param startTimeout a started node that has not joined after this long counts as a failed start
 * @param backoffMin first wait after a backend failure; doubles per consecutive failure
 * @param backoffMax longest wait between retries
 * @param saleHold a sale that has not sold out counts as running for this long after its revealAt
 */
public record ScalerSettings(
    boolean acting,
    String backend,
    Duration startTimeout,
    Duration backoffMin,
    Duration backoffMax,
    Duration saleHold,
    List<String> localCommand,
    String localHost,
    Path localLogDir,
    String kubernetesNamespace,
    String kubernetesKind,
    String kubernetesName) {

  public ScalerSettings {
    List<String> errors = new ArrayList<>();
    if (!List.of("none", "local", "kubernetes").contains(backend)) {
      errors.add("backend (" + backend + ") must be none, local or kubernetes");
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      errors.add("start-timeout (" + startTimeout + ") must be > 0");
    }
    if (backoffMin.isNegative() || backoffMin.isZero()) {
      errors.add("backoff-min (" + backoffMin + ") must be > 0");
    }
    if (backoffMax.compareTo(backoffMin) < 0) {
      errors.add("backoff-max (" + backoffMax + ") must be >= backoff-min (" + backoffMin + ")");
    }
    if (saleHold.isNegative()) {
      errors.add("sale-hold (" + saleHold + ") must be >= 0");
    }
    if (backend.equals("local") && localCommand.isEmpty()) {
      errors.add("local.command is empty: the local backend needs the command that starts a node "
          + "(shardcast node sets it; set it yourself when embedding)");
    }
    if (backend.equals("kubernetes") && !List.of("statefulset", "livecluster").contains(kubernetesKind)) {
      errors.add("kubernetes.kind (" + kubernetesKind + ") must be statefulset or livecluster");
    }
    if (backend.equals("kubernetes") && kubernetesName.isBlank()) {
      errors.add("kubernetes.name is empty: name the StatefulSet or LiveCluster to scale");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid shardcast.autoscaler.scaler configuration: "
          + String.join("; ", errors));
    }
    localCommand = List.copyOf(localCommand);
  }

  public static ScalerSettings from(Config root) {
    Config c = root.getConfig("shardcast.autoscaler.scaler");
    return new ScalerSettings(
        root.getBoolean("shardcast.autoscaler.acting"),
        c.getString("backend"),
        c.getDuration("start-timeout"),
        c.getDuration("backoff-min"),
        c.getDuration("backoff-max"),
        c.getDuration("sale-hold"),
        c.getStringList("local.command"),
        c.getString("local.host"),
        Path.of(c.getString("local.log-dir")),
        c.getString("kubernetes.namespace"),
        c.getString("kubernetes.kind"),
        c.getString("kubernetes.name"));
  }

  /** How long to wait after {@code failures} consecutive failures (at least one). */
  public Duration backoff(int failures) {
    long millis = backoffMin.toMillis() << Math.min(20, Math.max(0, failures - 1));
    return Duration.ofMillis(Math.min(millis, backoffMax.toMillis()));
  }
}
