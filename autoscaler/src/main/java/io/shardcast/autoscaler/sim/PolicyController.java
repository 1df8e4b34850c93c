package io.shardcast.autoscaler.sim;

import io.shardcast.autoscaler.policy.Action;
import io.shardcast.autoscaler.policy.AutoscalerSettings;
import io.shardcast.autoscaler.policy.Plan;
import io.shardcast.autoscaler.policy.ScalingPolicy;
import io.shardcast.autoscaler.policy.StartupTimes;
import io.shardcast.autoscaler.signal.NodeReport;
import io.shardcast.autoscaler.signal.Observation;
import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.ArrayList;
import java.util.List;

/**
 * Shardcast's own policy driving the simulated cluster: each second it sees what the cluster's
 * singleton would (every node's report, the sales announced so far) and its actions are carried out
 * with the model's delays. Start-up times it measures feed back into the policy, as in the cluster.
 */
public final class PolicyController implements Simulation.Controller {

  private final ScalingPolicy policy;
  private final List<Plan> decisions = new ArrayList<>();

  public PolicyController(AutoscalerSettings settings) {
    this.policy = new ScalingPolicy(settings, new StartupTimes(settings.activationPrior(), settings.coldStartPrior(),
        settings.startupSamples()));
  }

  @Override
  public String name() {
    return "shardcast";
  }

  /** The plans that acted, in order (for reports and tests). */
  public List<Plan> decisions() {
    return decisions;
  }

  @Override
  public void tick(Simulation sim, int t) {
    long now = t * 1000L;
    List<NodeReport> reports = new ArrayList<>();
    for (Simulation.Node n : sim.nodes()) {
      reports.add(new NodeReport(n.id(), n.role(), now, n.roleSince() * 1000L, n.createdAt() * 1000L, n.load()));
    }
    List<SaleWindow> sales = new ArrayList<>();
    List<Trace.Sale> calendar = sim.trace().sales();
    for (int i = 0; i < calendar.size(); i++) {
      Trace.Sale s = calendar.get(i);
      if (t >= s.announcedAt()) {
        sales.add(new SaleWindow("room", "sale-" + i, s.revealAt() * 1000L, sim.saleClosed(i), Double.NaN));
      }
    }
    Plan plan = policy.decide(new Observation(now, reports, sales));
    if (!plan.actions().isEmpty()) {
      decisions.add(plan);
    }
    for (Action a : plan.actions()) {
      if (a instanceof Action.Activate act) {
        sim.activate(act.nodeId());
      } else if (a instanceof Action.Start start) {
        for (int i = 0; i < start.count(); i++) {
          sim.start(sim.coldStartSeconds(), false);
        }
      } else if (a instanceof Action.Drain drain) {
        sim.drain(drain.nodeId(), drain.thenStandby());
      } else if (a instanceof Action.Shed shed) {
        sim.shed(shed.nodeId(), shed.viewers());
      } else if (a instanceof Action.Retire retire) {
        sim.retire(retire.nodeId());
      }
    }
  }

  @Override
  public void started(Simulation.Node node, int seconds) {
    policy.startupTimes().recordColdStart(seconds);
  }

  @Override
  public void activated(Simulation.Node node, int seconds) {
    policy.startupTimes().recordActivation(seconds);
  }
}
