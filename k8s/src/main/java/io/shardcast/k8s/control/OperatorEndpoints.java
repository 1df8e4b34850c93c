package io.shardcast.k8s.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's own HTTP port: {@code GET /metrics} (Prometheus), {@code /healthz} (the process
 * answers) and {@code /readyz} (its informers have listed what exists). Anything else is a 404
 * with a JSON body.
 */
public final class OperatorEndpoints implements AutoCloseable {

  private final HttpServer server;

  public OperatorEndpoints(String host, int port, Supplier<String> metrics, BooleanSupplier ready) throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getRequestMethod().equals("GET")) {
        answer(exchange, 405, "application/json", "{\"code\":\"METHOD_NOT_ALLOWED\",\"message\":\"GET only\"}");
      } else if (path.equals("/metrics")) {
        answer(exchange, 200, "text/plain; version=0.0.4", metrics.get());
      } else if (path.equals("/healthz")) {
        answer(exchange, 200, "application/json", "{\"status\":\"ok\"}");
      } else if (path.equals("/readyz")) {
        boolean ok = ready.getAsBoolean();
        answer(exchange, ok ? 200 : 503, "application/json",
            ok ? "{\"status\":\"ready\"}" : "{\"code\":\"NOT_SYNCED\",\"message\":\"the informers have not listed yet\"}");
      } else {
        answer(exchange, 404, "application/json",
            "{\"code\":\"NOT_FOUND\",\"message\":\"this port serves /metrics, /healthz and /readyz\"}");
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
