package io.shardcast.chaos.run;

import io.shardcast.chaos.history.History;
import io.shardcast.testkit.load.RestClient;
import java.net.http.HttpClient;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The load a chaos run judges, on one room: its host announcing a flash sale every few seconds,
 * recording viewers coming and going, buyers racing for the latest sale, and a prober reading the
 * room. Everything they see goes to the {@link History}, which the checkers of {@link
 * io.shardcast.chaos.Report} judge. Clients reach the cluster through {@link Gateways}, so the
 * same load runs against the harness's processes or a LiveCluster's pods.
 */
public final class RoomLoad {

  private static final long PROBE_PERIOD_MS = 100;
  private static final long BUYER_PAUSE_MS = 300;
  /** How long buyers with an order in flight get to learn its outcome once the load stops. */
  private static final long BUYERS_DONE_TIMEOUT_MS = 30_000;

  private final HostClient host;
  private final FlashSales sales;
  private final Audience audience;
  private final Prober prober;
  private final Buyers buyers;

  private RoomLoad(HostClient host, FlashSales sales, Audience audience, Prober prober, Buyers buyers) {
    this.host = host;
    this.sales = sales;
    this.audience = audience;
    this.prober = prober;
    this.buyers = buyers;
  }

  /**
   * Creates a room called {@code title} through {@code firstGateway} and starts its load: {@code
   * viewers} recording viewers, {@code buyerCount} buyers, the prober and the sales.
   *
   * @param http for the clients that measure: requests with their own timeouts
   * @param rest for the host's requests
   */
  public static RoomLoad start(Gateways gateways, String firstGateway, String title, int viewers, int buyerCount,
      History history, HttpClient http, RestClient rest, ScheduledExecutorService timer, Random random)
      throws Exception {
    HostClient host = HostClient.createRoom(rest, gateways, random, firstGateway, title);
    history.add(History.record("meta").put("room", host.roomId()));
    FlashSales sales = new FlashSales(host, history);
    sales.stockProduct();
    Audience audience = new Audience(host.roomId(), history, gateways, http, timer, random);
    audience.start(viewers);
    Prober prober = new Prober(host.roomId(), history, gateways, http, random, PROBE_PERIOD_MS);
    prober.start();
    Buyers buyers = new Buyers(buyerCount, host.roomId(), history, gateways, http, timer, random, sales::current,
        BUYER_PAUSE_MS);
    buyers.start();
    sales.start(timer);
    return new RoomLoad(host, sales, audience, prober, buyers);
  }

  public String roomId() {
    return host.roomId();
  }

  public String hostToken() {
    return host.hostToken();
  }

  HostClient host() {
    return host;
  }

  FlashSales sales() {
    return sales;
  }

  Prober prober() {
    return prober;
  }

  /** Announces no more sales: the viewers, buyers and prober go on. */
  public void stopSales() {
    sales.stop();
  }

  /** Whether a sale has been announced for sure yet. */
  public boolean anySale() {
    return sales.current() != null;
  }

  /**
   * Stops the clients: buyers first (those with an order in flight get time to learn its outcome),
   * then viewers and the prober; then reads every sale's confirmed orders into the history.
   */
  public void stop() throws InterruptedException {
    sales.stop();
    buyers.stop();
    long until = System.currentTimeMillis() + BUYERS_DONE_TIMEOUT_MS;
    while (buyers.busy() > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(200);
    }
    audience.stop();
    prober.stop();
  }

  /** Reads each announced sale's confirmed orders into the history, for the order checker. */
  public void recordFinalOrders() throws InterruptedException {
    sales.recordFinalOrders();
  }
}
