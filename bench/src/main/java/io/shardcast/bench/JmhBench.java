package io.shardcast.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shardcast bench jmh}: the JMH microbenchmarks of the hot paths (io.shardcast.bench.jmh),
 * each in JVMs forked with this one's class path, so a run from {@code ./shardcast} needs no build
 * tool. JMH prints its result table at the end.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true,
    description = "JMH microbenchmarks of the hot paths: frame encoding, viewer queue, Reed-Solomon, FLV muxing.")
public final class JmhBench implements Callable<Integer> {

  /** Heap of each forked JVM: fixed, so GC figures compare between runs and machines. */
  private static final String FORK_HEAP = "1g";

  @Parameters(paramLabel = "REGEX", arity = "0..*",
      description = "Benchmarks to run: regular expressions found in Class.method, e.g. ViewerQueue or "
          + "FlvMuxBench.flvTag (default: all; --list names them).")
  List<String> include = new ArrayList<>();

  @Option(names = "--quick", description = "One fork, 3 warm-up and 5 measured iterations of 1 s: a few minutes for all.")
  boolean quick;

  @Option(names = "--gc", description = "Add JMH's GC profiler: gc.alloc.rate.norm is the heap allocated per "
      + "operation (0 B/op on a path that allocates nothing in steady state).")
  boolean gc;

  @Option(names = "--list", description = "Name the benchmarks REGEX selects and stop.")
  boolean list;

  @Option(names = "--forks", description = "JVMs forked per benchmark (default 2; 1 with --quick).")
  Integer forks;

  @Override
  public Integer call() throws Exception {
    ChainedOptionsBuilder opts = new OptionsBuilder()
        .forks(forks != null ? forks : quick ? 1 : 2)
        .warmupIterations(quick ? 3 : 5)
        .warmupTime(TimeValue.seconds(quick ? 1 : 2))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(quick ? 1 : 2))
        .jvmArgsAppend("-Xms" + FORK_HEAP, "-Xmx" + FORK_HEAP)
        .shouldFailOnError(true);
    for (String regex : include) {
      opts.include(regex);
    }
    if (gc) {
      opts.addProfiler(GCProfiler.class);
    }
    Runner runner = new Runner(opts.build());
    if (list) {
      runner.list();
      return 0;
    }
    try {
      return runner.run().isEmpty() ? 1 : 0;
    } catch (NoBenchmarksException e) {
      System.err.println("no benchmark matches " + include + "; these are the benchmarks:");
      new Runner(new OptionsBuilder().build()).list();
      return 2;
    }
  }
}
