package io.shardcast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench fanout-client}: one client process of {@code bench fanout --client-processes N},
 * started by it, holding its share of the receive-only viewers. It takes one command a line on its
 * stdin ({@link #CONNECT} room, {@link #MEASURE}, {@link #REPORT}) and answers each with an
 * {@link AudienceReport} as a JSON line on its stdout. It exits as soon as its stdin ends: the bench
 * closed it, or the bench is gone.
 */
@Command(name = FanoutClient.NAME, hidden = true,
    description = "One client process of bench fanout --client-processes (the bench starts it).")
final class FanoutClient implements Callable<Integer> {

  static final String NAME = "fanout-client";
  static final String CONNECT = "connect";
  static final String MEASURE = "measure";
  static final String REPORT = "report";

  @Option(names = "--nodes", split = ",", required = true,
      description = "each node's viewer WebSocket base, in node order")
  List<String> nodes;
  @Option(names = "--from", required = true, description = "the first viewer of this share (user v<from>)")
  int from;
  @Option(names = "--to", required = true, description = "the viewer after the last of this share")
  int to;
  @Option(names = "--client-threads", defaultValue = "4") int clientThreads;
  @Option(names = "--client-poll-millis", defaultValue = "2") int clientPollMillis;

  @Override
  public Integer call() throws Exception {
    if (nodes.isEmpty() || from < 0 || to < from || clientThreads < 1 || clientPollMillis < 0) {
      System.err.println("bench fanout-client: needs --nodes, 0 <= --from <= --to, --client-threads >= 1");
      return 2;
    }
    PrintStream replies = System.out;
    System.setOut(System.err); // the bench reads stdout: only replies may go there
    try (LocalAudience audience = new LocalAudience(nodes, from, to, clientThreads, clientPollMillis)) {
      // Even while connecting (which may take minutes), a client whose bench is gone stops at once.
      serve(audience, System.in, replies, () -> System.exit(0));
    }
    return 0;
  }

  /**
   * Answers each command read from {@code in} with a report on {@code out} until {@code in} ends.
   * Commands are read on a thread of their own, which runs {@code inputEnded} the moment the input
   * ends, whatever the audience is busy with.
   */
  static void serve(FanoutAudience audience, InputStream in, PrintStream out, Runnable inputEnded)
      throws IOException, InterruptedException {
    BlockingQueue<Optional<String>> commands = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          commands.add(Optional.of(line));
        }
      } catch (IOException e) {
        // the input is gone either way
      }
      commands.add(Optional.empty());
      inputEnded.run();
    }, "fanout-client-commands");
    reader.setDaemon(true);
    reader.start();
    for (Optional<String> next = commands.take(); next.isPresent(); next = commands.take()) {
      String[] words = next.get().strip().split(" ");
      AudienceReport report = switch (words[0]) {
        case CONNECT -> audience.connect(words[1]);
        case MEASURE -> audience.measure();
        case REPORT -> audience.report();
        default -> throw new IllegalArgumentException("fanout-client: unknown command: " + next.get());
      };
      out.println(report.toJson());
      out.flush();
    }
  }
}
