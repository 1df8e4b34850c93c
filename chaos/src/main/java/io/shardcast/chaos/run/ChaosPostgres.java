package io.shardcast.chaos.run;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A real PostgreSQL server for a chaos run, from the embedded binaries on the class path: one
 * data directory and port for the whole run, so it can be stopped and started again mid-sale
 * with everything it had committed. Listens on the given address (the bridge, when nodes run in
 * network namespaces) and trusts connections from its subnet.
 */
public final class ChaosPostgres implements AutoCloseable {

  private final Path dataDir;
  private final String listen;
  private final int port;
  private EmbeddedPostgres pg;

  public ChaosPostgres(Path dataDir, String listen, int port) {
    this.dataDir = dataDir;
    this.listen = listen;
    this.port = port;
  }

  public synchronized void start() throws IOException {
    if (pg != null) {
      return;
    }
    boolean fresh = !Files.exists(dataDir.resolve("PG_VERSION"));
    pg = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", listen.equals("127.0.0.1") ? listen : listen + ",127.0.0.1")
        .setServerConfig("max_connections", "300")
        .setDataDirectoryCustomizer(dir -> {
          if (fresh) {
            try {
              Files.writeString(dir.toPath().resolve("pg_hba.conf"), "host all all " + subnet() + " trust\n",
                  StandardOpenOption.APPEND);
            } catch (IOException e) {
              throw new IllegalStateException("cannot write pg_hba.conf: " + e.getMessage(), e);
            }
          }
        })
        .start();
  }

  private String subnet() {
    String[] p = listen.split("\\.");
    return p.length == 4 ? p[0] + "." + p[1] + "." + p[2] + ".0/24" : "127.0.0.1/32";
  }

  /** Stops the server (its clients see their connections fail); {@link #start} brings it back. */
  public synchronized void stop() throws IOException {
    if (pg != null) {
      pg.close();
      pg = null;
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + listen + ":" + port + "/postgres";
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
