package io.shardcast.room.state;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** An operation only the room's host (holder of its host token) may perform. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
  @JsonSubTypes.Type(value = HostOp.AddProduct.class, name = "product"),
  @JsonSubTypes.Type(value = HostOp.PinProduct.class, name = "pin"),
  @JsonSubTypes.Type(value = HostOp.IssueCoupon.class, name = "coupon"),
  @JsonSubTypes.Type(value = HostOp.StartLuckyBag.class, name = "bag"),
  @JsonSubTypes.Type(value = HostOp.AnnounceFlashSale.class, name = "sale"),
  @JsonSubTypes.Type(value = HostOp.Announce.class, name = "announce"),
  @JsonSubTypes.Type(value = HostOp.SwitchCamera.class, name = "camera"),
  @JsonSubTypes.Type(value = HostOp.AddCohost.class, name = "cohost"),
  @JsonSubTypes.Type(value = HostOp.RemoveComment.class, name = "removeComment"),
  @JsonSubTypes.Type(value = HostOp.MuteUser.class, name = "mute"),
  @JsonSubTypes.Type(value = HostOp.AddDestination.class, name = "destination"),
  @JsonSubTypes.Type(value = HostOp.RemoveDestination.class, name = "removeDestination"),
  @JsonSubTypes.Type(value = HostOp.ListDestinations.class, name = "destinations"),
  @JsonSubTypes.Type(value = HostOp.Reply.class, name = "reply"),
  @JsonSubTypes.Type(value = HostOp.Verify.class, name = "verify"),
  @JsonSubTypes.Type(value = HostOp.SetPolicies.class, name = "policies"),
  @JsonSubTypes.Type(value = HostOp.SetAssistantMode.class, name = "assistantMode"),
  @JsonSubTypes.Type(value = HostOp.ReadAssistant.class, name = "assistant"),
  @JsonSubTypes.Type(value = HostOp.ApproveSuggestion.class, name = "approve"),
  @JsonSubTypes.Type(value = HostOp.TryAssistant.class, name = "try")
})
public sealed interface HostOp extends CborSerializable {

  /** Puts a product on sale, or replaces it; {@code facts} may be {@link ProductFacts#NONE}. */
  record AddProduct(String productId, String name, long priceCents, int stock, ProductFacts facts)
      implements HostOp {
    /** A product told no more than its name, price and stock. */
    public AddProduct(String productId, String name, long priceCents, int stock) {
      this(productId, name, priceCents, stock, ProductFacts.NONE);
    }
  }

  record PinProduct(String productId) implements HostOp {}

  record IssueCoupon(String couponId, String productId, long discountCents, int count) implements HostOp {}

  record StartLuckyBag(String bagId, String keyword, long durationMillis, int winners, String prize)
      implements HostOp {}

  record AnnounceFlashSale(String saleId, String productId, int quantity, int perUserLimit, long revealAtMillis)
      implements HostOp {}

  record Announce(String text) implements HostOp {}

  record SwitchCamera(String camera) implements HostOp {}

  record AddCohost(String userId) implements HostOp {}

  /** Takes a comment (by its seq) off every viewer's chat. */
  record RemoveComment(long commentSeq) implements HostOp {}

  /** Stops a user's comments reaching the room for {@code durationMillis}; 0 lifts a mute. */
  record MuteUser(String userId, long durationMillis) implements HostOp {}

  /**
   * Restreams the room to another platform: {@code url} (rtmp:// or rtmps://) with {@code streamKey}
   * (a secret), at {@code layer} (null: the best); {@code destinationId} null picks one from the platform.
   * {@code chatSecret} (a secret too) signs the platform's chat events in and the host's replies out
   * to {@code replyUrl} (http or https; null: replies are not sent there).
   */
  record AddDestination(String destinationId, String platform, String url, String streamKey, String layer,
      String chatSecret, String replyUrl)
      implements HostOp {}

  /** Stops and forgets a destination. */
  record RemoveDestination(String destinationId) implements HostOp {}

  /** Reads the destinations and how each push is doing (changes nothing). */
  record ListDestinations() implements HostOp {}

  /**
   * The host answers in the chat: shown to the room's viewers and sent to platforms. To
   * {@code destinationId} when given; else to the platform of the comment {@code inReplyToSeq}
   * answers; else to every destination with a reply URL.
   */
  record Reply(String text, String destinationId, long inReplyToSeq) implements HostOp {}

  /** Checks the host token and changes nothing: for reads answered outside the room (its numbers). */
  record Verify() implements HostOp {}

  /** Sets the room's shop policies (shipping, returns, delivery), replacing the earlier ones. */
  record SetPolicies(Policies policies) implements HostOp {}

  /** Switches the room's assistant: {@code off}, {@code on} (it answers in the chat) or {@code suggest} (the host approves). */
  record SetAssistantMode(String mode) implements HostOp {}

  /** Reads the assistant's mode, its suggestions waiting for approval and the questions handed to the host. */
  record ReadAssistant() implements HostOp {}

  /** Posts the assistant's suggestion {@code suggestionId} to the chat. */
  record ApproveSuggestion(long suggestionId) implements HostOp {}

  /**
   * Asks the assistant {@code text} as a viewer would, without posting anything: what it would say.
   * {@code use} (for the evaluation's ablation): {@code rules} alone, {@code retrieval} (the rules and
   * Lucene), {@code embeddings} (and the embeddings; 400 when they are off), or {@code room} (as the
   * room's assistant answers: embeddings when the node has them on).
   */
  record TryAssistant(String text, String use) implements HostOp {}
}
