package io.shardcast.cluster.access;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Operators are known by their tokens' digests and hold only the scopes they were given. */
class OperatorTokensTest {

  static Config config(String s) {
    return ConfigFactory.parseString(s).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void eachOperatorHasItsScopesAndTheOldSingleTokenHasBoth() {
    OperatorTokens tokens = OperatorTokens.from(config("""
        shardcast.ops.token = "legacy-token"
        shardcast.access.operators = [
          {name = "dashboard", sha256 = "%s", scopes = ["ops:read"]},
          {name = "oncall", sha256 = "%s", scopes = ["ops:read", "ops:write"]}
        ]
        """.formatted(OperatorTokens.hash("read-only-token"), OperatorTokens.hash("oncall-token"))));
    Identity dashboard = ((Verdict.Accepted) tokens.check("read-only-token")).identity();
    assertEquals("ops:dashboard", dashboard.name());
    assertTrue(dashboard.may(Scope.OPS_READ));
    assertFalse(dashboard.may(Scope.OPS_WRITE));
    assertFalse(dashboard.may(Scope.VIEWER));
    assertTrue(((Verdict.Accepted) tokens.check("oncall-token")).identity().may(Scope.OPS_WRITE));
    assertEquals(new Identity.Operator("ops", Set.of(Scope.OPS_READ, Scope.OPS_WRITE)),
        ((Verdict.Accepted) tokens.check("legacy-token")).identity());
  }

  @Test
  void anUnknownOrMissingTokenIsRefused() {
    OperatorTokens tokens = OperatorTokens.from(config("shardcast.ops.token = \"t\""));
    assertEquals("TOKEN_INVALID", ((Verdict.Refused) tokens.check("T")).refusal().code());
    assertEquals("TOKEN_MISSING", ((Verdict.Refused) tokens.check("")).refusal().code());
    assertFalse(OperatorTokens.from(config("")).any(), "no operator: ops endpoints are closed");
  }

  @Test
  void aBadEntryNamesItself() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OperatorTokens.from(config(
        "shardcast.access.operators = [{name = \"x\", sha256 = \"zz\", scopes = []}]")));
    assertTrue(e.getMessage().contains("operators[0] (x)"), e.getMessage());
    IllegalArgumentException scope = assertThrows(IllegalArgumentException.class, () -> OperatorTokens.from(config(
        "shardcast.access.operators = [{name = \"x\", sha256 = \"%s\", scopes = [\"root\"]}]"
            .formatted(OperatorTokens.hash("a")))));
    assertTrue(scope.getMessage().contains("unknown scope 'root'"), scope.getMessage());
  }
}
