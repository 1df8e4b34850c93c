package io.shardcast.testkit.media;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx with its RTMP module, one worker, on a loopback port of its own: a platform's
 * ingest for restream tests, another RTMP server for benchmarks. Its application {@code live}
 * takes any stream, or, with a publish hook, only what the hook's HTTP URL answers 2xx for (nginx's
 * {@code on_publish}: how a platform refuses a wrong stream key). It can be stopped and started
 * again on the same port (a platform's ingest going away mid-show).
 */
public final class NginxRtmp implements AutoCloseable {

  private static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so");
  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  public final int port;
  private final Path dir;
  private Process master;

  private NginxRtmp(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  /** nginx taking any stream on {@code rtmp://127.0.0.1:<port>/live/<name>}. */
  public static NginxRtmp start(Path dir) throws IOException {
    return start(dir, null);
  }

  /** As {@link #start(Path)}, asking {@code publishHook} (an HTTP URL, or null) before taking a stream. */
  public static NginxRtmp start(Path dir, String publishHook) throws IOException {
    if (!Files.exists(MODULE) || !Files.isExecutable(NGINX)) {
      throw new IllegalStateException("nginx and its RTMP module are not installed (apt-get install nginx-light "
          + "libnginx-mod-rtmp; setup/provision test does it)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("nginx.conf"), "load_module " + MODULE + ";\nworker_processes 1;\n"
        + "worker_rlimit_nofile 200000;\ndaemon off;\nerror_log " + dir.resolve("nginx-error.log") + " info;\n"
        + "pid " + dir.resolve("nginx.pid") + ";\nevents { worker_connections 100000; }\n"
        + "rtmp { server { listen 127.0.0.1:" + port + "; chunk_size 4096; application live { live on; "
        + (publishHook == null ? "" : "on_publish " + publishHook + "; ") + "} } }\n");
    NginxRtmp n = new NginxRtmp(port, dir);
    n.startAgain();
    return n;
  }

  /** Starts nginx (again, after {@link #stop}) on the same port; returns once it takes connections. */
  public void startAgain() throws IOException {
    master = new ProcessBuilder(NGINX.toString(), "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nginx.out").toFile()))
        .start();
    long until = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (!master.isAlive() || System.nanoTime() > until) {
          stop();
          throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
        }
        pause();
      }
    }
  }

  /** Stops nginx, the master first: a master that outlives its worker starts another. */
  public void stop() {
    if (master == null) {
      return;
    }
    List<ProcessHandle> workers = master.descendants().toList();
    master.destroyForcibly();
    try {
      master.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.forEach(ProcessHandle::destroyForcibly);
    master = null;
  }

  public long workerPid() {
    return master.children().findFirst().map(ProcessHandle::pid).orElse(master.pid());
  }

  /** The master and its worker: nginx as a whole. */
  public List<Long> pids() {
    List<Long> pids = new ArrayList<>(List.of(master.pid()));
    master.children().forEach(c -> pids.add(c.pid()));
    return pids;
  }

  /** nginx's error log (info level: each publish and play, each refusal). */
  public String log() throws IOException {
    Path log = dir.resolve("nginx-error.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() {
    stop();
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
