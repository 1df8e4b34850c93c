package io.shardcast.room.state;

/** The room's shop policies as the host wrote them (free text; null: not said). */
public record Policies(String shipping, String returns, String delivery) {

  public static final Policies NONE = new Policies(null, null, null);
}
