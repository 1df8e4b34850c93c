package io.shardcast.testkit.cluster;

/**
 * The program whose {@code node} command runs a Shardcast node, started on this JVM's classpath:
 * the harness is told it by whoever starts clusters (the {@code shardcast} command, its tests), so
 * the kit names no other module's class.
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

  /** How the program's node processes look on a command line: to find those the nodes started themselves. */
  String nodeCommand() {
    return mainClass + " node";
  }
}
