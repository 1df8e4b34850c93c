package io.shardcast.bench;

import io.shardcast.testkit.cluster.NodeProgram;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The receive-only viewers of a fan-out run spread over client processes: JVMs of the same program
 * running {@code bench fanout-client} ({@link FanoutClient}), each holding an even share of the
 * viewers against the same nodes, so that no one process needs a socket for every viewer. Each
 * command goes to every client's stdin; their replies, a JSON line each, are merged into one
 * report. The clients die with the bench: closing ends their input (on which they exit), and a
 * shutdown hook kills any still running.
 */
final class ClientProcesses implements FanoutAudience {

  /** Each client process may open as many files as its hard limit allows (the JVM raises the soft one to it). */
  private static final String RAISE_OPEN_FILES = "-XX:+MaxFDLimit";
  /** Connecting waits up to {@link LocalAudience#CONNECT_TIMEOUT} in each client, which first has to start. */
  private static final Duration CONNECT_REPLY = LocalAudience.CONNECT_TIMEOUT.plusSeconds(60);
  private static final Duration REPLY = Duration.ofSeconds(30);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

  /** Where a client's commands go and its replies come from. */
  record Link(String name, OutputStream commands, InputStream replies) {}

  private final List<Client> clients = new ArrayList<>();
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  private final Thread reaper = new Thread(() -> processes.forEach(Process::destroyForcibly),
      "client-processes-reaper");
  private List<AudienceReport> last = List.of();

  /** Clients already running, reached over {@code links} (processes started by {@link #start}, or a test's). */
  ClientProcesses(List<Link> links) {
    Runtime.getRuntime().addShutdownHook(reaper);
    links.forEach(l -> clients.add(new Client(l)));
  }

  /**
   * Starts {@code count} client processes of {@code program}, reached by the arguments
   * {@code command} (e.g. {@code bench fanout-client}), sharing the viewers {@code v<from>..v<to - 1>}
   * evenly; each writes its log to {@code logDir}/client-N.log.
   *
   * @param nodes each node's viewer WebSocket base, in node order
   */
  static ClientProcesses start(NodeProgram program, List<String> command, int count, List<String> nodes, int from,
      int to, int threads, int pollMillis, Path logDir) throws IOException {
    ClientProcesses all = new ClientProcesses(List.of());
    try {
      for (int i = 0; i < count; i++) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--nodes", String.join(",", nodes), "--from", Integer.toString(share(from, to, count, i)),
            "--to", Integer.toString(share(from, to, count, i + 1)), "--client-threads", Integer.toString(threads),
            "--client-poll-millis", Integer.toString(pollMillis)));
        Path log = logDir.resolve("client-" + (i + 1) + ".log");
        Process p = new ProcessBuilder(program.command(List.of(RAISE_OPEN_FILES), args))
            .redirectError(log.toFile()).start();
        all.processes.add(p);
        all.clients.add(new Client(new Link("client process " + (i + 1) + " (log: " + log + ")", p.getOutputStream(),
            p.getInputStream())));
      }
    } catch (IOException | RuntimeException e) {
      all.close();
      throw e;
    }
    return all;
  }

  /** Where share {@code i} of {@code count} of the viewers {@code from..to - 1} begins (share count: at {@code to}). */
  static int share(int from, int to, int count, int i) {
    return from + (int) ((long) (to - from) * i / count);
  }

  @Override
  public AudienceReport connect(String roomId) throws IOException, InterruptedException {
    return ask(FanoutClient.CONNECT + " " + roomId, CONNECT_REPLY);
  }

  @Override
  public AudienceReport measure() throws IOException, InterruptedException {
    return ask(FanoutClient.MEASURE, REPLY);
  }

  @Override
  public AudienceReport report() throws IOException, InterruptedException {
    return ask(FanoutClient.REPORT, REPLY);
  }

  @Override
  public synchronized List<AudienceReport> byClient() {
    return last;
  }

  /** Sends {@code command} to every client, then waits for every reply: the clients work on it side by side. */
  private synchronized AudienceReport ask(String command, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Client c : clients) {
      c.send(command, deadline);
    }
    List<AudienceReport> reports = new ArrayList<>();
    for (Client c : clients) {
      reports.add(c.reply(deadline));
    }
    last = List.copyOf(reports);
    return AudienceReport.merge(reports);
  }

  /** The processes {@link #start} started. */
  List<Process> processes() {
    return List.copyOf(processes);
  }

  @Override
  public void close() {
    clients.forEach(Client::close);
    for (Process p : processes) {
      try {
        if (!p.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException ignored) {
      // already shutting down: the hook runs
    }
  }

  /** One client: its commands, and its replies as a reader thread takes them off its output. */
  private static final class Client {
    private final String name;
    private final PrintStream commands;
    private final BlockingQueue<Optional<String>> replies = new LinkedBlockingQueue<>();
    /** Replies to commands sent but not yet taken: one interrupted wait must not shift every later reply. */
    private int owed;

    Client(Link link) {
      this.name = link.name();
      this.commands = new PrintStream(link.commands(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> read(link.replies()), "fanout-client-replies");
      reader.setDaemon(true);
      reader.start();
    }

    /** Replies go to the queue; anything else on the client's stdout (a JVM warning) is passed on. */
    private void read(InputStream in) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (line.startsWith("{")) {
            replies.add(Optional.of(line));
          } else {
            System.err.println(name + ": " + line);
          }
        }
      } catch (IOException e) {
        // ended either way
      }
      replies.add(Optional.empty());
    }

    void send(String command, long deadline) throws IOException, InterruptedException {
      while (owed > 0) {
        take(deadline);
      }
      commands.println(command);
      if (commands.checkError()) {
        throw new IOException(name + " no longer takes commands");
      }
      owed++;
    }

    AudienceReport reply(long deadline) throws IOException, InterruptedException {
      return AudienceReport.fromJson(take(deadline));
    }

    private String take(long deadline) throws IOException, InterruptedException {
      Optional<String> line = replies.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IOException(name + " did not answer in time");
      }
      if (line.isEmpty()) {
        replies.add(line); // ended for good: every later wait sees it too
        throw new IOException(name + " ended");
      }
      owed--;
      return line.get();
    }

    void close() {
      commands.close();
    }
  }
}
