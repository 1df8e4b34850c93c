package io.shardcast.room;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.room.reply.RoomReply;
import java.util.Collection;

/**
 * The assistant as the host console reads it ({@code GET /api/rooms/{id}/assistant}):
 * {@code {"mode","suggestions":[{"id","text","intent","productId","askers","at"}],
 * "questions":[{"seq","user","text","intent","at"}],
 * "figures":{"read","answered","handedOver","ageP50Millis","ageP99Millis","ageMaxMillis","replies",
 * "replyP50Millis","replyP99Millis","replyMaxMillis"}}}, newest
 * last; the figures count since the assistant was switched on (ages: how old a comment was when the
 * assistant read it, by bucket bounds).
 */
final class AssistantView {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AssistantView() {}

  /**
   * What the assistant would do with a question ({@code POST .../assistant/try}):
   * {@code {"kind":"answer"|"handover"|"ignore","intent","productId","language","answer"}}.
   */
  static String tried(io.shardcast.room.assistant.Answer a) {
    ObjectNode out = JSON.createObjectNode().put("kind", a.kind().name().toLowerCase(java.util.Locale.ROOT))
        .put("intent", a.intent().label()).put("productId", a.productId())
        .put("language", a.language().name().toLowerCase(java.util.Locale.ROOT));
    return out.put("answer", a.text()).toString();
  }

  static String render(String mode, Collection<RoomReply.Suggestion> suggestions,
      Collection<LiveRoom.AssistantHandover> questions, io.shardcast.room.assistant.AssistantLoad.Snapshot figures) {
    ObjectNode out = JSON.createObjectNode().put("mode", mode);
    ArrayNode s = out.putArray("suggestions");
    for (RoomReply.Suggestion x : suggestions) {
      ObjectNode n = s.addObject().put("id", x.id()).put("text", x.text()).put("intent", x.intent())
          .put("productId", x.productId()).put("at", x.atMillis());
      ArrayNode askers = n.putArray("askers");
      x.askers().forEach(askers::add);
    }
    ArrayNode q = out.putArray("questions");
    for (LiveRoom.AssistantHandover h : questions) {
      q.addObject().put("seq", h.seq()).put("user", h.name()).put("text", h.text()).put("intent", h.intent())
          .put("at", h.atMillis());
    }
    out.putObject("figures").put("read", figures.read()).put("answered", figures.answered())
        .put("handedOver", figures.handedOver()).put("ageP50Millis", figures.ageP50Millis())
        .put("ageP99Millis", figures.ageP99Millis()).put("ageMaxMillis", figures.ageMaxMillis())
        .put("replies", figures.replies()).put("replyP50Millis", figures.replyP50Millis())
        .put("replyP99Millis", figures.replyP99Millis()).put("replyMaxMillis", figures.replyMaxMillis());
    return out.toString();
  }
}
