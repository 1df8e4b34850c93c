package io.shardcast.room.assistant;

/**
 * What the assistant does with one comment: answers it ({@code text}, built from the room's facts
 * alone), hands it to the host (a clear question the facts cannot answer: {@code text} says the host
 * will answer), or leaves it (not a question, or nothing safe to say).
 */
public record Answer(Kind kind, Intent intent, String productId, Language language, String text) {

  public enum Kind { ANSWER, HANDOVER, IGNORE }

  static Answer ignore() {
    return new Answer(Kind.IGNORE, Intent.NONE, null, Language.EN, null);
  }

  static Answer handover(Intent intent, String productId, Language lang) {
    return new Answer(Kind.HANDOVER, intent, productId, lang, Templates.handover(lang));
  }

  static Answer answer(Intent intent, String productId, Language lang, String text) {
    return new Answer(Kind.ANSWER, intent, productId, lang, text);
  }

  public boolean answered() {
    return kind == Kind.ANSWER;
  }
}
