package io.shardcast.cli.ops;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Values put into request paths and queries, encoded so a typo cannot change the request. */
final class OpsPaths {

  private OpsPaths() {}

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
