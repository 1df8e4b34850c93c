package io.shardcast.room.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.room.state.RoomEvent.HostReplied;
import io.shardcast.room.state.RoomState;
import java.nio.charset.StandardCharsets;

/**
 * The body a platform's relay gets for a host reply: {@code {"type":"reply","roomId","destinationId",
 * "platform","seq","text","at","inReplyTo"?:{"seq","eventId","userId","userName"}}}, the comment
 * answered included when it came from that platform.
 */
public final class ReplyBody {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReplyBody() {}

  /** {@code answered}: the comment the reply answers (null: none). */
  public static byte[] of(String roomId, RoomState.Destination d, HostReplied reply, RoomState.RecentComment answered) {
    ObjectNode body = JSON.createObjectNode()
        .put("type", "reply").put("roomId", roomId).put("destinationId", d.destinationId())
        .put("platform", d.platform()).put("seq", reply.seq()).put("text", reply.text())
        .put("at", reply.atMillis());
    if (answered != null && d.destinationId().equals(answered.destinationId())) {
      body.putObject("inReplyTo").put("seq", answered.seq()).put("eventId", answered.eventId())
          .put("userId", answered.userId().substring(d.platform().length() + 1))
          .put("userName", answered.userName());
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
