package io.shardcast.chaos.run;

/** The PostgreSQL journal stopped while a sale is open, and started again (postgres-restart). */
record PostgresStop(ChaosPostgres postgres, FlashSales sales, FaultLog faults) implements Fault {

  private static final int ROUND_S = 25;
  private static final long STOPPED_MS = 8000;

  @Override
  public void injectUntil(long deadline) throws Exception {
    Fault.rounds(deadline, ROUND_S, this::round);
  }

  private void round() throws Exception {
    sales.awaitOpen();
    faults.start("postgres-stop", "journal", FaultLog.POSTGRES);
    postgres.stop();
    Thread.sleep(STOPPED_MS);
    postgres.start();
    faults.end("postgres-stop", "journal", FaultLog.POSTGRES);
  }
}
