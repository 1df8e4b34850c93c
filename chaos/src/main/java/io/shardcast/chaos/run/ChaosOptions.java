package io.shardcast.chaos.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a chaos run does. {@link #validate} rejects impossible combinations with a message, before
 * anything starts.
 *
 * @param netns use network namespaces: "auto" (when root with ip and nft), "on" (required), "off"
 * @param postgresUrl an external PostgreSQL server's JDBC URL, or null for one the harness starts
 * @param postgresUser its user (the password comes from SHARDCAST_POSTGRES_PASSWORD, which nodes inherit)
 */
public record ChaosOptions(List<Scenario> scenarios, int nodes, int durationSeconds, long seed, String journal,
    Path out, int viewers, int buyers, int faulty, String netns, int restartDelaySeconds, String postgresUrl,
    String postgresUser) {

  /** The problems with these options, empty when they can run. */
  public List<String> problems(String netnsUnavailable) {
    List<String> p = new ArrayList<>();
    if (scenarios.isEmpty()) {
      p.add("no scenario chosen");
    }
    if (nodes < 3) {
      p.add("--nodes must be at least 3 (a majority must survive one faulty node), got " + nodes);
    }
    if (nodes > 7) {
      p.add("--nodes must be at most 7 on one machine, got " + nodes);
    }
    if (faulty < 1) {
      p.add("--faulty must be at least 1, got " + faulty);
    } else if (faulty >= nodes) {
      p.add("--faulty " + faulty + " is not fewer than --nodes " + nodes + ": no node would be left");
    } else if (faulty * 2 >= nodes) {
      p.add("--faulty " + faulty + " of " + nodes + " nodes leaves no majority: the split brain resolver would stop"
          + " the whole cluster");
    }
    if (durationSeconds <= 0) {
      p.add("--duration must be positive, got " + durationSeconds + " s");
    } else if (durationSeconds < 30) {
      p.add("--duration must be at least 30 s (a fault, its recovery and the checks), got " + durationSeconds + " s");
    }
    if (viewers < 1 || viewers > 500) {
      p.add("--viewers must be 1..500, got " + viewers);
    }
    if (buyers < 1 || buyers > 500) {
      p.add("--buyers must be 1..500, got " + buyers);
    }
    if (restartDelaySeconds < 0 || restartDelaySeconds > 120) {
      p.add("--restart-delay must be 0..120 s, got " + restartDelaySeconds);
    }
    if (!journal.equals("postgres") && !journal.equals("h2")) {
      p.add("--journal must be postgres or h2, got " + journal);
    }
    if (!List.of("auto", "on", "off").contains(netns)) {
      p.add("--netns must be auto, on or off, got " + netns);
    }
    boolean partitions = scenarios.stream().anyMatch(Scenario::partitions);
    if (netns.equals("on") && netnsUnavailable != null) {
      p.add(netnsUnavailable);
    } else if (partitions && (netns.equals("off") || netnsUnavailable != null)) {
      p.add("partition scenarios need network namespaces: " + (netns.equals("off") ? "--netns off was given"
          : netnsUnavailable));
    }
    if (useNetns(netnsUnavailable) && journal.equals("h2")) {
      p.add("nodes in network namespaces need the PostgreSQL journal (H2's server lives inside a node, which a"
          + " partition would cut off): use --journal postgres");
    }
    for (Scenario s : scenarios) {
      if (s.postgres() && !journal.equals("postgres")) {
        p.add("scenario " + s.id() + " needs --journal postgres");
      } else if (s.postgres() && postgresUrl != null) {
        p.add("scenario " + s.id() + " stops and starts the harness's own PostgreSQL server: leave out --postgres-url");
      }
    }
    if (postgresUrl != null) {
      if (!journal.equals("postgres")) {
        p.add("--postgres-url needs --journal postgres");
      }
      if (!postgresUrl.startsWith("jdbc:postgresql://")) {
        p.add("--postgres-url must be a JDBC URL, jdbc:postgresql://host:port/database, got " + postgresUrl);
      } else if (useNetns(netnsUnavailable)
          && postgresUrl.matches("jdbc:postgresql://(localhost|127\\.[0-9.]+|\\[::1\\])[:/].*")) {
        p.add("nodes in network namespaces cannot reach " + postgresUrl + " (their loopback is their own): give an"
            + " address they can reach, or --netns off");
      }
    }
    return p;
  }

  /** Whether nodes run in network namespaces. */
  public boolean useNetns(String netnsUnavailable) {
    return netns.equals("on") || (netns.equals("auto") && netnsUnavailable == null
        && (journal.equals("postgres")));
  }
}
