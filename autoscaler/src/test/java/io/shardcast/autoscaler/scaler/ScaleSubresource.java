package io.shardcast.autoscaler.scaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * fabric8's CRUD-mode API server emulation keeps the objects written to it but has no {@code scale}
 * subresource; this adds it as the API server defines it: a {@code Scale} read from and written to
 * the stored object's {@code spec.replicas}, with {@code status.selector} from its label selector.
 * Every other request goes to the emulation unchanged. Requests are recorded for assertions.
 */
final class ScaleSubresource extends Dispatcher {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesCrudDispatcher crud;
  final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
  /** When set, every request is answered with this status (an API server refusing). */
  volatile int failWith;

  ScaleSubresource(KubernetesCrudDispatcher crud) {
    this.crud = crud;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    // getBytes() leaves the body for whoever handles the request next (reading it would consume it).
    String body = request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    requests.add(request.getMethod() + " " + path + (request.getHeader("Content-Type") == null ? ""
        : " " + request.getHeader("Content-Type")) + " " + body);
    if (failWith != 0) {
      return new MockResponse().setResponseCode(failWith)
          .setBody("{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"refused by the test\",\"code\":" + failWith + "}");
    }
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (!bare.endsWith("/scale")) {
      return crud.dispatch(request);
    }
    String objectPath = bare.substring(0, bare.length() - "/scale".length());
    try {
      if (request.getMethod().equals("PATCH")) {
        MockResponse patched = crud.handlePatch(new RecordedRequest("HTTP/1.1", HttpMethod.PATCH, objectPath,
            request.getHeaders(), new Buffer(body.getBytes(StandardCharsets.UTF_8))));
        if (patched.code() >= 300) {
          return patched;
        }
      }
      MockResponse object = crud.handleGet(objectPath);
      if (object.code() >= 300) {
        return object;
      }
      return new MockResponse().setResponseCode(200).setBody(scaleOf(JSON.readTree(object.getBody().readUtf8())));
    } catch (Exception e) {
      return new MockResponse().setResponseCode(500).setBody("{\"message\":\"" + e + "\"}");
    }
  }

  private static String scaleOf(JsonNode object) {
    ObjectNode scale = JSON.createObjectNode();
    scale.put("apiVersion", "autoscaling/v1").put("kind", "Scale");
    scale.putObject("metadata").put("name", object.path("metadata").path("name").asText())
        .put("namespace", object.path("metadata").path("namespace").asText());
    int replicas = object.path("spec").path("replicas").asInt();
    scale.putObject("spec").put("replicas", replicas);
    List<String> labels = new ArrayList<>();
    object.path("spec").path("selector").path("matchLabels").fields()
        .forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
    ObjectNode status = scale.putObject("status").put("replicas", replicas);
    if (!labels.isEmpty()) {
      status.put("selector", String.join(",", labels));
    }
    return scale.toString();
  }
}
