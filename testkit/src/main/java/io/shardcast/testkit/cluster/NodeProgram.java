package io.shardcast.testkit.cluster;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The program whose {@code node} command runs a Shardcast node, started on this JVM's classpath:
 * the harness is told it by whoever starts clusters (the {@code shardcast} command, its tests), so
 * the kit names no other module's class. Benchmarks start its other commands the same way (the
 * fan-out benchmark's client processes).
 *
 * @param mainClass the program's main class, as {@code java} takes it
 */
public record NodeProgram(String mainClass) {

  public NodeProgram {
    if (mainClass == null || mainClass.isBlank()) {
      throw new IllegalArgumentException("a node program needs its main class");
    }
  }

  /** The program whose entry point is {@code main}. */
  public static NodeProgram of(Class<?> main) {
    return new NodeProgram(main.getName());
  }

  /**
   * The command line that runs this program with {@code args} in a new JVM: this JVM's java and
   * classpath, the launcher's options it shares (see {@link #launcherOptions()}), then
   * {@code jvmOptions}.
   */
  public List<String> command(List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED")); // the media relay (Aeron) needs it
    cmd.addAll(launcherOptions());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /** How the program's node processes look on a command line: to find those the nodes started themselves. */
  String nodeCommand() {
    return mainClass + " node";
  }

  /**
   * The launcher's JVM options that processes started from here share with this JVM (see
   * {@code ./shardcast}): the class-data-sharing archive it maps (JVMs started with the same
   * classpath start faster with it) and its G1 refinement settings. None under a test runner.
   */
  private static List<String> launcherOptions() {
    List<String> options = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:SharedArchiveFile=") || arg.startsWith("-Xlog:cds")
          || arg.startsWith("-XX:G1ConcRefinement") || arg.contains("G1UseAdaptiveConcRefinement")) {
        options.add(arg);
      }
    }
    return options;
  }
}
