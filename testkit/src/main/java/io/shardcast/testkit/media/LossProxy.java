package io.shardcast.testkit.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * A UDP relay that loses and delays datagrams on purpose, since {@code tc netem} is not available:
 * random (Bernoulli) loss, or bursty loss by the Gilbert-Elliott model (a good and a bad state
 * with their own loss rates and switching probabilities). The client sends to the proxy's port;
 * the proxy forwards to the target and relays the target's answers back to the last client,
 * applying the same model both ways (feedback is lost too).
 */
public final class LossProxy implements AutoCloseable {

  /** A loss model: decides, datagram by datagram, whether to drop. */
  public interface Model {
    boolean drop(Random random);
  }

  /** Each datagram lost with probability {@code p}. */
  public static Model random(double p) {
    return r -> r.nextDouble() < p;
  }

  /**
   * Gilbert-Elliott: from good to bad with probability {@code p}, back with {@code r}; loss
   * {@code lossGood} in the good state and {@code lossBad} in the bad one.
   */
  public static Model gilbertElliott(double p, double r, double lossGood, double lossBad) {
    boolean[] bad = {false};
    return rnd -> {
      bad[0] = bad[0] ? rnd.nextDouble() >= r : rnd.nextDouble() < p;
      return rnd.nextDouble() < (bad[0] ? lossBad : lossGood);
    };
  }

  /** Mean loss of a Gilbert-Elliott model in its steady state. */
  public static double meanLoss(double p, double r, double lossGood, double lossBad) {
    double bad = p / (p + r);
    return bad * lossBad + (1 - bad) * lossGood;
  }

  private final DatagramChannel front;
  private final DatagramChannel back;
  private final SocketAddress target;
  private final Model model;
  private final long delayMillis;
  private final Random random;
  private volatile SocketAddress client;
  private volatile boolean running = true;
  private final DelayQueue<Pending> queue = new DelayQueue<>();
  private final Thread[] threads;
  private volatile long forwarded;
  private volatile long dropped;

  private record Pending(long dueNanos, byte[] bytes, boolean toTarget) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(dueNanos, ((Pending) o).dueNanos);
    }
  }

  /** Listens on an ephemeral loopback port and relays to {@code target}; {@code delayMillis} each way. */
  public LossProxy(InetSocketAddress target, Model model, long delayMillis, long seed) throws IOException {
    this.target = target;
    this.model = model;
    this.delayMillis = delayMillis;
    this.random = new Random(seed);
    this.front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    // The upstream side binds any address, so the target may be outside loopback (a node in a network namespace).
    this.back = DatagramChannel.open().bind(new InetSocketAddress(0));
    this.threads = new Thread[] {
        new Thread(() -> pump(front, true), "loss-proxy-up"),
        new Thread(() -> pump(back, false), "loss-proxy-down"),
        new Thread(this::release, "loss-proxy-delay")};
    for (Thread t : threads) {
      t.setDaemon(true);
      t.start();
    }
  }

  public InetSocketAddress address() throws IOException {
    return (InetSocketAddress) front.getLocalAddress();
  }

  private void pump(DatagramChannel in, boolean toTarget) {
    ByteBuffer buf = ByteBuffer.allocate(65536);
    while (running) {
      try {
        buf.clear();
        SocketAddress from = in.receive(buf);
        if (toTarget) {
          client = from;
        }
        boolean drop;
        synchronized (random) {
          drop = model.drop(random);
        }
        if (drop) {
          dropped++;
          continue;
        }
        buf.flip();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        queue.add(new Pending(System.nanoTime() + delayMillis * 1_000_000L, bytes, toTarget));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void release() {
    while (running) {
      try {
        Pending p = queue.poll(100, TimeUnit.MILLISECONDS);
        if (p == null) {
          continue;
        }
        if (p.toTarget()) {
          back.send(ByteBuffer.wrap(p.bytes()), target);
        } else if (client != null) {
          front.send(ByteBuffer.wrap(p.bytes()), client);
        }
        forwarded++;
      } catch (InterruptedException | IOException e) {
        return;
      }
    }
  }

  public long dropped() {
    return dropped;
  }

  public long forwarded() {
    return forwarded;
  }

  @Override
  public void close() throws IOException {
    running = false;
    front.close();
    back.close();
  }
}
