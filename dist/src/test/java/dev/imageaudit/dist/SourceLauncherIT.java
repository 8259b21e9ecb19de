package dev.imageaudit.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source checkout's {@code ./image-audit}: it rebuilds a stale jar when it can, and when the user
 * cannot write the checkout it runs the jar it has and says so, never starting Maven. The checkout
 * here holds the real launcher and the real built jar, and a {@code mvnw} that only records that it
 * was called (the launcher's build command, not Maven, is what is tested).
 */
class SourceLauncherIT {

  @TempDir Path tmp;
  Path checkout;
  Path jar;

  @BeforeEach
  void checkoutWithAStaleJar() throws Exception {
    Release.worldReadable(tmp);
    checkout = Files.createDirectory(tmp.resolve("checkout"));
    Path launcher = checkout.resolve("image-audit");
    Files.copy(Release.repo().resolve("image-audit"), launcher);
    Path mvnw =
        Files.writeString(
            checkout.resolve("mvnw"), "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/mvnw.log\"\n");
    Command.ok(tmp, "chmod", "0755", launcher.toString(), mvnw.toString());
    Path target = Files.createDirectories(checkout.resolve("audit-cli/target"));
    Path built = Release.repo().resolve("audit-cli/target");
    jar = Files.copy(built.resolve("image-audit.jar"), target.resolve("image-audit.jar"));
    Command.ok(tmp, "cp", "-R", built.resolve("lib").toString(), target.resolve("lib").toString());
    Path source =
        Files.createDirectories(checkout.resolve("audit-core/src/main/java/dev/imageaudit/core"));
    Files.writeString(source.resolve("Changed.java"), "package dev.imageaudit.core;\n");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    Command.ok(tmp, "chmod", "-R", "a+rX", checkout.toString());
  }

  private Command.Result run(boolean unprivileged) throws Exception {
    List<String> command = List.of(checkout.resolve("image-audit").toString(), "--version");
    return Command.run(
        tmp,
        Map.of("JAVA_HOME", System.getProperty("java.home")),
        unprivileged ? Command.unprivileged(command) : command);
  }

  @Test
  void aUserWhoCannotWriteTheCheckoutRunsTheStaleJarAndIsTold() throws Exception {
    if (!Command.root()) {
      Command.ok(tmp, "chmod", "-R", "a-w", checkout.toString()); // no user switch: take write away
    }

    Command.Result r = run(true);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("image-audit ");
    assertThat(r.err())
        .contains("the sources changed since " + jar)
        .contains("so it is not rebuilt: running the stale build")
        .contains("./mvnw -B -DskipTests -pl audit-cli -am package");
    assertThat(checkout.resolve("mvnw.log")).doesNotExist();
  }

  @Test
  void withoutAJarAUserWhoCannotBuildGetsExit4() throws Exception {
    Files.delete(jar);
    if (!Command.root()) {
      Command.ok(tmp, "chmod", "-R", "a-w", checkout.toString());
    }

    Command.Result r = run(true);

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err()).contains("not built yet, and this user cannot write");
    assertThat(checkout.resolve("mvnw.log")).doesNotExist();
  }

  @Test
  void theOwnerRebuildsOnceThenRunsWithoutBuilding() throws Exception {
    Command.Result first = run(false);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.err()).isEqualTo("image-audit: rebuilding (sources changed)...\n");
    assertThat(Files.readString(checkout.resolve("mvnw.log")))
        .contains("-DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip -pl audit-cli -am package");

    Command.Result second = run(false);
    assertThat(second.exitCode()).isZero();
    assertThat(second.err()).isEmpty();
    assertThat(Files.readAllLines(checkout.resolve("mvnw.log"))).hasSize(1);
  }

  /**
   * After a build, the launcher trains on the example store and dumps a static class-data archive
   * beside the jar; the next run maps the application's classes from it, picocli's included (an
   * archive written at exit cannot hold them).
   */
  @Test
  void theOwnerGetsAClassDataArchiveThatHoldsPicocli() throws Exception {
    // Deleted first: the deletion stamps its folder, which the launcher's staleness check also sees,
    // with the kernel's coarse clock; the jar's time is then set after it.
    Files.delete(checkout.resolve("audit-core/src/main/java/dev/imageaudit/core/Changed.java"));
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
    Path store = Files.createDirectories(checkout.resolve("examples"));
    Command.ok(tmp, "cp", "-R", Release.repo().resolve("examples/image-store").toString(), store.toString());
    Path jsa = checkout.resolve("audit-cli/target/image-audit.jsa");

    Command.Result first = run(false);

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(checkout.resolve("mvnw.log")).doesNotExist();
    assertThat(jsa).isRegularFile();
    Command.Result r =
        Command.run(
            tmp,
            Map.of("JAVA_HOME", System.getProperty("java.home"), "JAVA_OPTS", "-Xlog:class+load"),
            List.of(checkout.resolve("image-audit").toString(), "scan", "-q", "-o", "out", store.resolve("image-store").toString()));
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    long picocli = r.out().lines().filter(l -> l.contains(" picocli.") && l.contains("shared objects file")).count();
    long fromJars = r.out().lines().filter(l -> l.contains("source: file:")).count();
    assertThat(picocli).as("picocli classes mapped from the archive").isGreaterThan(100);
    assertThat(fromJars).as("classes still read from the jars").isLessThan(50);
  }
}
