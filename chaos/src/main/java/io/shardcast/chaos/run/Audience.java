package io.shardcast.chaos.run;

import io.shardcast.chaos.history.History;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The room's recording viewers, coming and going: one leaves and a new one joins every few seconds. */
final class Audience {

  private static final long TICK_S = 1;
  private static final long CHURN_S = 5;

  private final String roomId;
  private final History history;
  private final Gateways gateways;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Random random;
  private final List<RecordingViewer> viewers = new ArrayList<>();
  private int next;

  Audience(String roomId, History history, Gateways gateways, HttpClient http, ScheduledExecutorService timer,
      Random random) {
    this.roomId = roomId;
    this.history = history;
    this.gateways = gateways;
    this.http = http;
    this.timer = timer;
    this.random = random;
  }

  /** Connects {@code count} viewers, then ticks them every second and churns one every few seconds. */
  void start(int count) {
    for (int i = 0; i < count; i++) {
      join("v" + i);
    }
    next = count;
    timer.scheduleAtFixedRate(() -> {
      synchronized (viewers) {
        viewers.forEach(RecordingViewer::tick);
      }
    }, TICK_S, TICK_S, TimeUnit.SECONDS);
    timer.scheduleAtFixedRate(() -> {
      synchronized (viewers) {
        if (!viewers.isEmpty()) {
          viewers.remove(random.nextInt(viewers.size())).stop();
        }
      }
      join("v" + next++);
    }, CHURN_S, CHURN_S, TimeUnit.SECONDS);
  }

  void stop() {
    synchronized (viewers) {
      viewers.forEach(RecordingViewer::stop);
    }
  }

  private void join(String id) {
    RecordingViewer v = new RecordingViewer(id, roomId, history, gateways, http, timer, random);
    synchronized (viewers) {
      viewers.add(v);
    }
    v.start();
  }
}
