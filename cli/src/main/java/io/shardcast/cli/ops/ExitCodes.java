package io.shardcast.cli.ops;

/** What {@code shardcast ops} exits with, so scripts can tell outcomes apart. */
public final class ExitCodes {

  /** Done as asked. */
  public static final int OK = 0;
  /** The cluster answered and refused or failed (a 4xx or 5xx, a timeout waiting). */
  public static final int FAILED = 1;
  /** The command line was wrong (picocli's own code for usage errors). */
  public static final int USAGE = 2;
  /** No server answered at all. */
  public static final int UNREACHABLE = 3;

  private ExitCodes() {}
}
