package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imageaudit.core.internal.format.Fuzzing;
import java.nio.file.Path;

/**
 * Fuzz target: any bytes as an AVF VM config. The reader never throws (an exception would make the
 * config unreadable with an internal error): whatever it is given becomes findings and disks. Its
 * inputs start from the example configs.
 */
class VmConfigFuzzTest {

  private static final Path CONFIG = Path.of("target", "fuzz", "vm.json");

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void anyBytesAreReadAsAConfigIntoFindings(byte[] json) {
    LoadedConfig config = VmConfigReader.parse(CONFIG, json);
    assertThat(config.readable()).isTrue();
    // Disks keep their places in the config's list.
    for (int i = 1; i < config.disks().size(); i++) {
      assertThat(config.disks().get(i).index()).isGreaterThan(config.disks().get(i - 1).index());
    }
  }
}
