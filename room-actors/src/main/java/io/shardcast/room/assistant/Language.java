package io.shardcast.room.assistant;

/** The language a comment is in, as far as the reply goes: Chinese when it has any Han character. */
public enum Language {
  ZH, EN;

  public static Language of(String text) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) {
        return ZH;
      }
      i += Character.charCount(cp);
    }
    return EN;
  }
}
