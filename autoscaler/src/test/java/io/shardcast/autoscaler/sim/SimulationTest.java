package io.shardcast.autoscaler.sim;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.shardcast.autoscaler.policy.AutoscalerSettings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The real policy on the reference traces, against the reactive baseline, in the simulated cluster. */
class SimulationTest {

  static final AutoscalerSettings SETTINGS = AutoscalerSettings.from(ConfigFactory.load());
  static final ClusterModel MODEL = new ClusterModel(SETTINGS.safeLoad(), 12, 0.25, 2, 10, 45, 7);

  static SimResult run(Trace trace, Simulation.Controller controller) throws Exception {
    Simulation sim = new Simulation(trace, MODEL);
    sim.provision((int) Math.ceil(trace.viewers()[0] / (SETTINGS.safeLoad().viewers() * SETTINGS.targetUtilization())), 0);
    return sim.run(controller, null);
  }

  @Test
  void onTheFiveMinuteRampNoNodeIsOverloadedWhileTheReactiveBaselineIs() throws Exception {
    Trace ramp = Trace.builtIn("ramp-5min");
    SimResult policy = run(ramp, new PolicyController(SETTINGS));
    SimResult baseline = run(ramp, new ReactiveBaseline(0.7, 1));
    assertEquals(0, policy.overloadedNodeSeconds(), "overloaded node-seconds with Shardcast's policy");
    assertTrue(baseline.overloadedNodeSeconds() > 60, "the baseline reacts minutes late: " + baseline);
    assertTrue(policy.nodeHours() < baseline.nodeHours(), policy + " vs " + baseline);
  }

  @Test
  void aScheduledSaleIsProvisionedAheadOfItsReveal() throws Exception {
    Trace sale = Trace.builtIn("flash-sale");
    SimResult policy = run(sale, new PolicyController(SETTINGS));
    SimResult baseline = run(sale, new ReactiveBaseline(0.7, 1));
    assertEquals(0, policy.overloadedNodeSeconds(), "the sale's burst found its capacity serving");
    assertTrue(baseline.overloadedNodeSeconds() > 100, baseline.toString());
  }

  @Test
  void aQuietNightCostsAboutWhatTheOracleDoes() throws Exception {
    Trace night = Trace.builtIn("quiet-night");
    SimResult policy = run(night, new PolicyController(SETTINGS));
    SimResult oracle = Simulation.oracle(night, MODEL);
    assertEquals(0, policy.overloadedNodeSeconds());
    assertTrue(policy.nodeHours() <= 1.3 * oracle.nodeHours(), policy + " vs " + oracle);
  }

  @Test
  void aMalformedTraceIsRefusedWithItsLineNumber() {
    String csv = "t,viewers,joins,events\n0,10,1,5\n1,11,x,5\n";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trace.parse("bad", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))));
    assertTrue(e.getMessage().startsWith("bad:3:"), e.getMessage());
    String gap = "0,10,1,5\n2,11,1,5\n";
    assertThrows(IllegalArgumentException.class,
        () -> Trace.parse("gap", new ByteArrayInputStream(gap.getBytes(StandardCharsets.UTF_8))));
  }
}
