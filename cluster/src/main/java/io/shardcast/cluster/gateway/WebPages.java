package io.shardcast.cluster.gateway;

import io.shardcast.room.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The pages every node serves on its gateway port, built by the {@code web} module into
 * {@code io/shardcast/web}: {@code /live/<roomId>} (the viewer page), {@code /host[/<roomId>]} (the
 * host console), {@code /ops} (the ops dashboard) and their assets under
 * {@code /assets/<name>}. Assets carry a content hash in their names, so browsers keep them for a
 * year; pages are revalidated every time. Every answer carries a Content-Security-Policy that lets
 * a page run only its own scripts and styles (chat is hostile: even a comment that got through as
 * markup could not run), connect to the cluster's viewer and media ports, and be framed by nobody.
 */
final class WebPages extends AllDirectives {

  static final String PAGES = "io/shardcast/web/pages/";
  static final String ASSETS = "io/shardcast/web/assets/";

  /**
   * Scripts and styles only from this origin; WebSockets and fetches to any node (the viewer and
   * media ports are other origins than the gateway's); media from MSE's blob URLs.
   */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
      + "media-src 'self' blob:; connect-src 'self' ws: wss: http: https:; font-src 'self'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'";

  private static final List<HttpHeader> SECURITY = List.of(
      RawHeader.create("Content-Security-Policy", CSP),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"));
  private static final List<HttpHeader> PAGE = concat(SECURITY, RawHeader.create("Cache-Control", "no-cache"));
  private static final List<HttpHeader> ASSET = concat(SECURITY,
      RawHeader.create("Cache-Control", "public, max-age=31536000, immutable"));

  private final Map<String, byte[]> pages = new ConcurrentHashMap<>();

  private static List<HttpHeader> concat(List<HttpHeader> a, HttpHeader b) {
    java.util.ArrayList<HttpHeader> out = new java.util.ArrayList<>(a);
    out.add(b);
    return List.copyOf(out);
  }

  /** {@code /live/<roomId>}: the viewer page (the room itself is checked by the page, as a viewer would). */
  Route viewerPage(String roomId) {
    if (!Ids.valid(roomId)) {
      return json(JsonReply.error(400, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]"));
    }
    return page("live.html");
  }

  /** {@code /ops}: the ops dashboard (it reads the ops API with the token the operator gives it). */
  Route opsDashboard() {
    return page("ops.html");
  }

  /** {@code /host}: the host console, which creates a room. */
  Route hostConsole() {
    return page("host.html");
  }

  /** {@code /host/<roomId>}: the host console of a room (the host token comes in the URL's fragment). */
  Route hostConsole(String roomId) {
    if (!Ids.valid(roomId)) {
      return json(JsonReply.error(400, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]"));
    }
    return page("host.html");
  }

  /** {@code /assets/<name>}: a built script, style or image, with its content type and a year's caching. */
  Route asset(String name) {
    if (!name.matches("[A-Za-z0-9._-]{1,128}") || name.startsWith(".")) {
      return json(JsonReply.error(404, "NOT_FOUND", "no asset " + name));
    }
    if (WebPages.class.getClassLoader().getResource(ASSETS + name) == null) {
      return json(JsonReply.error(404, "NOT_FOUND", "no asset " + name + " (a page from an older build? reload it)"));
    }
    return respondWithHeaders(ASSET, () -> encodeResponse(() -> getFromResource(ASSETS + name)));
  }

  private Route json(JsonReply reply) {
    return complete(HttpResponse.create().withStatus(reply.status())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, reply.body())));
  }

  private Route page(String file) {
    byte[] html = pages.computeIfAbsent(file, WebPages::read);
    if (html.length == 0) {
      return json(JsonReply.error(404, "NO_PAGES", "this node was built without its pages (the web module)"));
    }
    return respondWithHeaders(PAGE, () -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html))));
  }

  private static byte[] read(String file) {
    try (InputStream in = WebPages.class.getClassLoader().getResourceAsStream(PAGES + file)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
