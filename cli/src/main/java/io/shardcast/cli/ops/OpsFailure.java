package io.shardcast.cli.ops;

/** Why an ops command could not do what it was asked: the exit code, and a message saying what to do. */
public final class OpsFailure extends RuntimeException {

  private final int exitCode;

  public OpsFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
