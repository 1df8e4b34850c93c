package io.shardcast.cli.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The ops CLI's context file, as a kubeconfig is to kubectl: named clusters, each with its gateways
 * (or the LiveCluster to find them through the Kubernetes API) and its ops token (or a file holding
 * it), and the context in use. {@code $SHARDCAST_CONFIG}, else {@code ~/.shardcast/config.yaml};
 * written owner-only, as it may hold tokens.
 *
 * <pre>
 * current-context: prod
 * contexts:
 *   prod:
 *     servers: [https://gw-1.shop.example:8080, https://gw-2.shop.example:8080]
 *     token-file: /etc/shardcast/ops-token
 *   staging:
 *     kube: {cluster: shop, namespace: live}
 * </pre>
 */
public final class OpsContexts {

  /** One context: gateways or a LiveCluster, and a token or a file holding one (each may be absent). */
  public record Context(String name, List<String> servers, String token, String tokenFile, String kubeCluster,
      String kubeNamespace, String kubeconfig) {

    /** The token: given, or read from {@code tokenFile}; null when neither. */
    String resolveToken() {
      if (token != null && !token.isBlank()) {
        return token.strip();
      }
      if (tokenFile == null) {
        return null;
      }
      try {
        return Files.readString(Path.of(expand(tokenFile))).strip();
      } catch (IOException e) {
        throw new OpsFailure(ExitCodes.USAGE, "context " + name + ": cannot read token-file " + tokenFile + " (" + e
            + ")");
      }
    }
  }

  private final Path file;
  private String current;
  private final Map<String, Context> contexts = new LinkedHashMap<>();

  private OpsContexts(Path file) {
    this.file = file;
  }

  /** The context file's path: {@code override}, else {@code $SHARDCAST_CONFIG}, else {@code ~/.shardcast/config.yaml}. */
  static Path path(Path override) {
    if (override != null) {
      return override;
    }
    String env = System.getenv("SHARDCAST_CONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(expand(env));
    }
    return Path.of(System.getProperty("user.home"), ".shardcast", "config.yaml");
  }

  /** Reads {@code file}; a file that does not exist is an empty one. */
  @SuppressWarnings("unchecked")
  static OpsContexts load(Path file) {
    OpsContexts out = new OpsContexts(file);
    if (!Files.exists(file)) {
      return out;
    }
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    } catch (Exception e) {
      throw new OpsFailure(ExitCodes.USAGE, "context file " + file + " is not YAML: " + e.getMessage());
    }
    if (doc == null) {
      return out;
    }
    if (!(doc instanceof Map<?, ?> root)) {
      throw new OpsFailure(ExitCodes.USAGE, "context file " + file + ": expected a map with current-context and contexts");
    }
    out.current = text(root.get("current-context"), file, "current-context");
    Object all = root.get("contexts");
    if (all != null && !(all instanceof Map)) {
      throw new OpsFailure(ExitCodes.USAGE, "context file " + file + ": contexts is a map of name to context");
    }
    if (all != null) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) all).entrySet()) {
        String name = String.valueOf(e.getKey());
        if (!(e.getValue() instanceof Map<?, ?> c)) {
          throw new OpsFailure(ExitCodes.USAGE, "context file " + file + ": context " + name + " is not a map");
        }
        List<String> servers = new ArrayList<>();
        Object s = c.get("servers");
        if (s instanceof List<?> list) {
          list.forEach(x -> servers.add(String.valueOf(x)));
        } else if (s != null) {
          servers.add(String.valueOf(s));
        }
        Map<?, ?> kube = c.get("kube") instanceof Map<?, ?> k ? k : Map.of();
        out.contexts.put(name, new Context(name, servers, text(c.get("token"), file, name + ".token"),
            text(c.get("token-file"), file, name + ".token-file"), text(kube.get("cluster"), file, name + ".kube.cluster"),
            text(kube.get("namespace"), file, name + ".kube.namespace"),
            text(kube.get("kubeconfig"), file, name + ".kube.kubeconfig")));
      }
    }
    return out;
  }

  private static String text(Object v, Path file, String field) {
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      throw new OpsFailure(ExitCodes.USAGE, "context file " + file + ": " + field + " is a string");
    }
    return String.valueOf(v);
  }

  Path file() {
    return file;
  }

  String current() {
    return current;
  }

  Map<String, Context> contexts() {
    return contexts;
  }

  /** The context named, or the current one when {@code name} is null; null when there is none. */
  Context select(String name) {
    String n = name != null ? name : current;
    if (n == null) {
      return null;
    }
    Context c = contexts.get(n);
    if (c == null) {
      throw new OpsFailure(ExitCodes.USAGE, "no context " + n + " in " + file + " (shardcast ops config get-contexts)");
    }
    return c;
  }

  void use(String name) {
    if (!contexts.containsKey(name)) {
      throw new OpsFailure(ExitCodes.USAGE, "no context " + name + " in " + file + " (shardcast ops config get-contexts)");
    }
    current = name;
  }

  /** The current context is gone: none is current. */
  void forgetCurrent(String name) {
    if (name.equals(current)) {
      current = null;
    }
  }

  void put(Context c) {
    contexts.put(c.name(), c);
    if (current == null) {
      current = c.name();
    }
  }

  /** Writes the file, owner-only (it may hold tokens). */
  void save() {
    Map<String, Object> root = new LinkedHashMap<>();
    if (current != null) {
      root.put("current-context", current);
    }
    Map<String, Object> all = new LinkedHashMap<>();
    for (Context c : contexts.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (!c.servers().isEmpty()) {
        m.put("servers", c.servers());
      }
      if (c.token() != null) {
        m.put("token", c.token());
      }
      if (c.tokenFile() != null) {
        m.put("token-file", c.tokenFile());
      }
      if (c.kubeCluster() != null) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("cluster", c.kubeCluster());
        if (c.kubeNamespace() != null) {
          k.put("namespace", c.kubeNamespace());
        }
        if (c.kubeconfig() != null) {
          k.put("kubeconfig", c.kubeconfig());
        }
        m.put("kube", k);
      }
      all.put(c.name(), m);
    }
    root.put("contexts", all);
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, new Yaml(o).dump(root));
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new OpsFailure(ExitCodes.FAILED, "cannot write " + file + ": " + e);
    }
  }

  /** {@code ~/} at the start of a path is the home directory, as in a shell. */
  static String expand(String path) {
    return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
  }
}
