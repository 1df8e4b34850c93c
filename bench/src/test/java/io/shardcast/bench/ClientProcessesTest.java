package io.shardcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardcast.testkit.cluster.NodeProgram;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench fanout --client-processes}: the bench's commands reach every client, their reports
 * come back as JSON lines and are merged, and a client ends when its input does.
 */
@Timeout(120)
class ClientProcessesTest {

  private final List<Thread> clientThreads = new ArrayList<>();

  @AfterEach
  void stopClients() throws InterruptedException {
    for (Thread t : clientThreads) {
      t.join(5000);
    }
  }

  @Test
  void reportsOfTwoClientsAreMergedFromEverySample() throws Exception {
    CannedAudience first = new CannedAudience(AudienceReportTest.FIRST);
    CannedAudience second = new CannedAudience(AudienceReportTest.SECOND);
    CountDownLatch ended = new CountDownLatch(2);
    try (ClientProcesses clients = new ClientProcesses(List.of(serve("a", first, ended), serve("b", second, ended)))) {
      AudienceReport joined = clients.connect("room-1");
      clients.measure();
      AudienceReport merged = clients.report();

      assertEquals(9_990, joined.connected());
      assertEquals(List.of("connect room-1", "measure", "report"), first.commands);
      assertEquals(List.of("connect room-1", "measure", "report"), second.commands);
      assertEquals(List.of(AudienceReportTest.FIRST, AudienceReportTest.SECOND), clients.byClient());
      assertEquals(10_000, merged.viewers());
      assertEquals(9_980, merged.open());
      assertEquals(301_000, merged.events());
      assertEquals(61_000, merged.messages());
      assertEquals(200, merged.commentLatency().count());
      assertEquals(30, merged.commentLatency().quantile(0.5));
      assertEquals(30, merged.commentLatency().quantile(0.99), "not the average of 500 and 30 ms");
      assertEquals(40, merged.roomToViewer().quantile(0.99));
    }
    assertTrue(ended.await(5, TimeUnit.SECONDS), "both clients saw their input end when the bench closed");
  }

  @Test
  void aClientEndsWhenItsInputEndsEvenWhileConnecting() throws Exception {
    CountDownLatch connecting = new CountDownLatch(1);
    FanoutAudience stuck = new CannedAudience(AudienceReportTest.FIRST) {
      @Override
      public AudienceReport connect(String roomId) throws InterruptedException {
        connecting.countDown();
        Thread.sleep(Long.MAX_VALUE);
        return null;
      }
    };
    CountDownLatch ended = new CountDownLatch(1);
    ClientProcesses.Link link = serve("stuck", stuck, ended);
    link.commands().write("connect room-1\n".getBytes(StandardCharsets.UTF_8));
    link.commands().flush();
    assertTrue(connecting.await(5, TimeUnit.SECONDS));

    link.commands().close();

    assertTrue(ended.await(5, TimeUnit.SECONDS), "the client was told its input ended while still connecting");
    clientThreads.forEach(Thread::interrupt);
  }

  @Test
  void aClientThatEndsIsAnErrorNamingIt() throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    FanoutAudience failing = new CannedAudience(AudienceReportTest.FIRST) {
      @Override
      public AudienceReport connect(String roomId) throws IOException {
        throw new IOException("connection refused");
      }
    };
    try (ClientProcesses clients = new ClientProcesses(List.of(serve("failing", failing, ended)))) {
      IOException e = assertThrows(IOException.class, () -> clients.connect("room-1"));
      assertTrue(e.getMessage().contains("failing ended"), e.getMessage());
    }
  }

  @Test
  void clientProcessesStartShareTheViewersAndExitWhenTheBenchCloses(@TempDir Path dir) throws Exception {
    List<Process> started;
    // No node is reached: the shares hold no viewers (from == to), so nothing connects.
    try (ClientProcesses clients = ClientProcesses.start(NodeProgram.of(BenchProgram.class),
        List.of(FanoutClient.NAME), 2, List.of("ws://127.0.0.1:9"), 7, 7, 1, 2, dir)) {
      started = clients.processes();
      AudienceReport joined = clients.connect("room-1");
      AudienceReport measured = clients.measure();

      assertEquals(2, clients.byClient().size());
      assertEquals(0, joined.viewers());
      assertEquals(0, measured.commentLatency().count());
      assertTrue(measured.openFilesLimit() > 0, "each client says how many files it may open");
    }
    for (Process p : started) {
      assertTrue(p.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), "exited on its own when its input closed, not killed; log: "
          + Files.readString(dir.resolve("client-" + (started.indexOf(p) + 1) + ".log")));
    }
  }

  @Test
  void sharesAreEvenAndCoverEveryViewerOnce() {
    assertEquals(200, ClientProcesses.share(200, 10_000, 3, 0));
    assertEquals(3466, ClientProcesses.share(200, 10_000, 3, 1));
    assertEquals(6733, ClientProcesses.share(200, 10_000, 3, 2));
    assertEquals(10_000, ClientProcesses.share(200, 10_000, 3, 3));
  }

  /** A client on a thread of this JVM, serving {@code audience} over pipes as a client process would over stdio. */
  private ClientProcesses.Link serve(String name, FanoutAudience audience, CountDownLatch inputEnded)
      throws IOException {
    Pipe commands = Pipe.open();
    Pipe replies = Pipe.open();
    InputStream in = Channels.newInputStream(commands.source());
    PrintStream out = new PrintStream(Channels.newOutputStream(replies.sink()), true, StandardCharsets.UTF_8);
    Thread t = new Thread(() -> {
      try {
        FanoutClient.serve(audience, in, out, inputEnded::countDown);
      } catch (Exception e) {
        // a client that fails ends: the bench sees its replies end
      } finally {
        out.close();
      }
    }, "client-" + name);
    t.setDaemon(true);
    t.start();
    clientThreads.add(t);
    OutputStream toClient = Channels.newOutputStream(commands.sink());
    return new ClientProcesses.Link(name, toClient, Channels.newInputStream(replies.source()));
  }

  /** An audience that answers every command with the same report and remembers the commands. */
  private static class CannedAudience implements FanoutAudience {
    final List<String> commands = new CopyOnWriteArrayList<>();
    private final AudienceReport report;

    CannedAudience(AudienceReport report) {
      this.report = report;
    }

    @Override
    public AudienceReport connect(String roomId) throws IOException, InterruptedException {
      commands.add("connect " + roomId);
      return report;
    }

    @Override
    public AudienceReport measure() {
      commands.add("measure");
      return report;
    }

    @Override
    public AudienceReport report() {
      commands.add("report");
      return report;
    }

    @Override
    public List<AudienceReport> byClient() {
      return List.of(report);
    }

    @Override
    public void close() {}
  }
}
