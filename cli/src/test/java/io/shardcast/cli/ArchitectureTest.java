package io.shardcast.cli;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency picture of ../shared/DESIGN.md ("Modules"), checked over every module's production
 * classes (cli sees them all): module arrows point one way, and no two packages depend on each other,
 * directly or around a loop. cli may use testkit: {@code shardcast demo} drives a local cluster with
 * its load clients, as the chaos suite and the benchmarks do.
 */
class ArchitectureTest {

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.shardcast");
    // A rule over no classes passes: make sure every module was found (as classes or as its jar).
    for (String module : List.of("wire", "media", "room", "embeddings", "autoscaler", "cluster", "k8s", "testkit", "chaos", "bench",
        "cli")) {
      assertTrue(production.stream().anyMatch(c -> c.getPackageName().startsWith("io.shardcast." + module)),
          "no classes of io.shardcast." + module + " on the test's class path");
    }
  }

  @Test
  void modulesDependOnEachOtherOnlyAlongTheDesignsArrows() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("wire").definedBy("io.shardcast.wire..")
        .layer("media-pipeline").definedBy("io.shardcast.media..")
        .layer("room-actors").definedBy("io.shardcast.room..")
        .layer("assistant-embeddings").definedBy("io.shardcast.embeddings..")
        .layer("autoscaler").definedBy("io.shardcast.autoscaler..")
        .layer("cluster").definedBy("io.shardcast.cluster..")
        .layer("k8s").definedBy("io.shardcast.k8s..")
        .layer("testkit").definedBy("io.shardcast.testkit..")
        .layer("chaos").definedBy("io.shardcast.chaos..")
        .layer("bench").definedBy("io.shardcast.bench..")
        .layer("cli").definedBy("io.shardcast.cli..")
        .whereLayer("wire").mayNotAccessAnyLayer()
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("chaos").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("testkit").mayOnlyBeAccessedByLayers("chaos", "bench", "cli")
        .whereLayer("cluster").mayOnlyBeAccessedByLayers("bench", "cli")
        .whereLayer("k8s").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("autoscaler").mayOnlyBeAccessedByLayers("cluster", "k8s", "bench", "cli")
        // found at run time by the ServiceLoader, named by no one
        .whereLayer("assistant-embeddings").mayNotBeAccessedByAnyLayer()
        .whereLayer("room-actors").mayOnlyBeAccessedByLayers("assistant-embeddings", "cluster", "bench", "cli")
        .whereLayer("media-pipeline").mayOnlyBeAccessedByLayers("room-actors", "cluster", "testkit", "chaos", "bench",
            "cli")
        .check(production);
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.shardcast.(**)").should().beFreeOfCycles().check(production);
  }
}
