package io.shardcast.autoscaler.scaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Kubernetes API server these tests run against: fabric8's CRUD-mode emulation (objects
 * written are kept and read back, optimistic concurrency on {@code resourceVersion}, the status
 * subresource of the custom resources given), extended where it falls short of a real API server
 * for what Shardcast uses. A real API server cannot run here (no binaries, no container engine).
 * <ul>
 *   <li>The {@code scale} subresource: a {@code Scale} read from and written to the object's
 *       {@code spec.replicas}, its selector from {@code status.selector} or {@code spec.selector}.
 *   <li>Watches as client-java's informers make them (a plain long-poll GET, not a WebSocket), served
 *       from a journal of every change since the {@code resourceVersion} asked, with objects moving
 *       in and out of a label selector; an idle watch answers a bookmark after a moment.
 *   <li>Garbage collection: deleting an object deletes what names it in {@code ownerReferences}.
 *   <li>A request the emulation cannot handle gets a 422 instead of no answer; a path's trailing
 *       slash is ignored; every answer says it is JSON.
 * </ul>
 * Every request is recorded for assertions, and {@link #failWith} makes it refuse everything.
 */
public class ApiServerEmulation extends KubernetesCrudDispatcher {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One change, as a watch sends it. */
  private record Change(long resourceVersion, String type, String object, AttributeSet oldKey, AttributeSet newKey) {}

  private final List<Change> journal = new ArrayList<>();
  private final List<CrdAdmission> admissions = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The request an admission let through, as it is to be carried on with (on the dispatching thread). */
  private final ThreadLocal<RecordedRequest> admitted = new ThreadLocal<>();
  private final Set<String> deletedUids = Collections.synchronizedSet(new HashSet<>());
  /**
   * Every request, in order, as {@code METHOD path [content-type] body}; safe to read while
   * requests arrive (copy on write; take {@code List.copyOf} before a subList).
   */
  public final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** When set, every request is answered with this status (an API server refusing). */
  public volatile int failWith;
  /** The next request starting with each key ("PUT /apis/...") is answered with its status instead, once. */
  public final Map<String, Integer> failOnce = new java.util.concurrent.ConcurrentHashMap<>();
  /** How long an idle watch is held before its bookmark. */
  public volatile Duration watchHold = Duration.ofMillis(250);

  public ApiServerEmulation(List<CustomResourceDefinitionContext> crds) {
    super(crds);
  }

  /** A server on a free port of 127.0.0.1 with this emulation; {@code https}: with a self-signed certificate. */
  public KubernetesMockServer start(boolean https) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), this,
        https);
    server.init();
    return server;
  }

  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    String existing = oldAttributes == null ? null : map.get(oldAttributes);
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (Objects.equals(existing, newState)) {
      return;
    }
    AttributeSet newKey = null;
    if (newState != null) {
      for (Map.Entry<AttributeSet, String> e : map.entrySet()) {
        if (e.getValue() == newState) {
          newKey = e.getKey();
        }
      }
    }
    String type = existing == null ? "ADDED" : newState == null ? "DELETED" : "MODIFIED";
    try {
      String object = newState;
      long version;
      if (newState == null) {
        // A deletion gets a resourceVersion of its own, as on a real API server.
        version = requestResourceVersion();
        ObjectNode o = (ObjectNode) JSON.readTree(existing);
        ((ObjectNode) o.get("metadata")).put("resourceVersion", String.valueOf(version));
        object = o.toString();
        deletedUids.add(o.path("metadata").path("uid").asText());
      } else {
        version = JSON.readTree(newState).path("metadata").path("resourceVersion").asLong();
      }
      synchronized (journal) {
        journal.add(new Change(version, type, object, oldAttributes, newKey));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    // getBytes() leaves the body for whoever handles the request next (reading it would consume it).
    String body = request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    requests.add(request.getMethod() + " " + path + (request.getHeader("Content-Type") == null ? ""
        : " " + request.getHeader("Content-Type")) + " " + body);
    if (failWith != 0) {
      return status(failWith, "refused by the test");
    }
    String line = request.getMethod() + " " + path;
    for (Map.Entry<String, Integer> once : failOnce.entrySet()) {
      if (line.startsWith(once.getKey()) && failOnce.remove(once.getKey(), once.getValue())) {
        return status(once.getValue(), once.getValue() == 409
            ? "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again"
            : "refused once by the test");
      }
    }
    try {
      String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      if (bare.endsWith("/") && bare.length() > 1) {
        String query = path.substring(bare.length());
        bare = bare.substring(0, bare.length() - 1);
        path = bare + query;
        request = new RecordedRequest(request.getHttpVersion(), HttpMethod.valueOf(request.getMethod()), path, request.getHeaders(),
            new Buffer(body.getBytes(StandardCharsets.UTF_8)));
      }
      for (CrdAdmission a : admissions) {
        if (a.covers(bare) && List.of("POST", "PUT", "PATCH").contains(request.getMethod())) {
          MockResponse refused = admit(a, request, bare, body);
          if (refused != null) {
            return refused;
          }
          request = admitted.get();
          admitted.remove();
        }
      }
      if (bare.endsWith("/scale")) {
        return scale(request, bare.substring(0, bare.length() - "/scale".length()), body)
            .setHeader("Content-Type", "application/json");
      }
      String query = URI.create(path).getRawQuery();
      if (query != null && Arrays.asList(query.split("&")).contains("watch=true")
          && !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
        return watch(path, query);
      }
      MockResponse response = super.dispatch(request);
      if ("DELETE".equals(request.getMethod()) && response.code() < 300) {
        collectGarbage();
      }
      if (response.header("Content-Type") == null) {
        // An API server always says it answers JSON; Pekko's Kubernetes discovery insists on it.
        response.setHeader("Content-Type", "application/json");
      }
      return response;
    } catch (RuntimeException e) {
      return status(422, "the emulation could not handle this request: " + e);
    }
  }

  /** Makes creates and updates of a custom resource pass {@code admission} first, as a real API server does. */
  public void admit(CrdAdmission admission) {
    admissions.add(admission);
  }

  /**
   * Defaults and validates what a create, replace or patch of the resource would store: null with
   * the request to carry on with (the defaulted object; a patch as a replace) in {@link #admitted},
   * or the 422 to answer.
   */
  private MockResponse admit(CrdAdmission a, RecordedRequest request, String bare, String body) {
    JsonNode proposed;
    try {
      if (request.getMethod().equals("PATCH")) {
        MockResponse current = super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.GET, bare,
            Headers.builder().build(), new Buffer(new byte[0])));
        if (current.code() != 200) {
          admitted.set(request); // not there: the dispatcher answers as it does
          return null;
        }
        JsonNode stored = JSON.readTree(current.getBody().readUtf8());
        JsonNode patch = JSON.readTree(body);
        String type = String.valueOf(request.getHeader("Content-Type"));
        proposed = type.startsWith("application/json-patch+json") ? JsonPatch.apply(patch, stored)
            : mergePatch(stored.deepCopy(), patch);
      } else {
        proposed = JSON.readTree(body);
      }
    } catch (Exception e) {
      return status(400, "the body is not what a " + request.getMethod() + " takes: " + e.getMessage());
    }
    ObjectNode defaulted = a.withDefaults(proposed);
    List<CrdAdmission.Cause> causes = a.check(defaulted);
    if (!causes.isEmpty()) {
      return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
          .setBody(a.invalid(defaulted.path("metadata").path("name").asText(), causes));
    }
    HttpMethod method = request.getMethod().equals("POST") ? HttpMethod.POST : HttpMethod.PUT;
    admitted.set(new RecordedRequest(request.getHttpVersion(), method, request.getPath(),
        request.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
        new Buffer(defaulted.toString().getBytes(StandardCharsets.UTF_8))));
    return null;
  }

  /** RFC 7386: {@code patch} merged into {@code target}. */
  private static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode out = target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
    patch.fields().forEachRemaining(e -> {
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), mergePatch(out.path(e.getKey()), e.getValue()));
      }
    });
    return out;
  }

  /** Deletes, until none is left, every object an owner of which was deleted. */
  private void collectGarbage() {
    while (true) {
      List<String> orphans = new ArrayList<>();
      synchronized (map) {
        for (String stored : map.values()) {
          try {
            JsonNode o = JSON.readTree(stored);
            for (JsonNode owner : o.path("metadata").path("ownerReferences")) {
              if (deletedUids.contains(owner.path("uid").asText())) {
                orphans.add(pathOf(o));
                break;
              }
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }
      if (orphans.isEmpty()) {
        return;
      }
      orphans.forEach(this::handleDelete);
    }
  }

  private static String pathOf(JsonNode o) {
    String apiVersion = o.path("apiVersion").asText();
    String plural = o.path("kind").asText().toLowerCase() + "s";
    return (apiVersion.contains("/") ? "/apis/" : "/api/") + apiVersion + "/namespaces/"
        + o.path("metadata").path("namespace").asText() + "/" + plural + "/" + o.path("metadata").path("name").asText();
  }

  private MockResponse watch(String path, String query) {
    AttributeSet selector = getKey(path);
    long since = 0;
    for (String p : query.split("&")) {
      if (p.startsWith("resourceVersion=") && p.length() > 16) {
        since = Long.parseLong(p.substring(16));
      }
    }
    StringBuilder body = new StringBuilder();
    long last = since;
    synchronized (journal) {
      for (Change c : journal) {
        if (c.resourceVersion() <= since) {
          continue;
        }
        boolean wasIn = c.oldKey() != null && c.oldKey().matches(selector);
        boolean isIn = c.newKey() != null && c.newKey().matches(selector);
        String type = c.type().equals("DELETED") ? (wasIn ? "DELETED" : null)
            : wasIn && isIn ? "MODIFIED" : wasIn ? "DELETED" : isIn ? "ADDED" : null;
        if (type != null) {
          body.append("{\"type\":\"").append(type).append("\",\"object\":").append(c.object()).append("}\n");
        }
        last = Math.max(last, c.resourceVersion());
      }
    }
    MockResponse response = new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json");
    if (body.length() == 0) {
      // Nothing new: hold the poll a moment, then a bookmark moves the informer on.
      body.append("{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"").append(last)
          .append("\"}}}\n");
      response.setBodyDelay(watchHold);
    }
    return response.setBody(body.toString());
  }

  private MockResponse scale(RecordedRequest request, String objectPath, String body) {
    try {
      if ("PATCH".equals(request.getMethod())) {
        MockResponse patched = handlePatch(new RecordedRequest("HTTP/1.1", HttpMethod.PATCH, objectPath,
            request.getHeaders(), new Buffer(body.getBytes(StandardCharsets.UTF_8))));
        if (patched.code() >= 300) {
          return patched;
        }
      }
      MockResponse object = handleGet(objectPath);
      if (object.code() >= 300) {
        return object;
      }
      return new MockResponse().setResponseCode(200).setBody(scaleOf(JSON.readTree(object.getBody().readUtf8())));
    } catch (Exception e) {
      return status(500, e.toString());
    }
  }

  private static String scaleOf(JsonNode object) {
    ObjectNode scale = JSON.createObjectNode();
    scale.put("apiVersion", "autoscaling/v1").put("kind", "Scale");
    scale.putObject("metadata").put("name", object.path("metadata").path("name").asText())
        .put("namespace", object.path("metadata").path("namespace").asText());
    int replicas = object.path("spec").path("replicas").asInt();
    scale.putObject("spec").put("replicas", replicas);
    ObjectNode status = scale.putObject("status").put("replicas", object.path("status").path("replicas").asInt(replicas));
    if (object.path("status").path("selector").isTextual()) {
      status.put("selector", object.path("status").path("selector").asText());
    } else {
      List<String> labels = new ArrayList<>();
      object.path("spec").path("selector").path("matchLabels").fields()
          .forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
      if (!labels.isEmpty()) {
        status.put("selector", String.join(",", labels));
      }
    }
    return scale.toString();
  }

  private static MockResponse status(int code, String message) {
    ObjectNode s = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
        .put("message", message).put("code", code);
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(s.toString());
  }
}
