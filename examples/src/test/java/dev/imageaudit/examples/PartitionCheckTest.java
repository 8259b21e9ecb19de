package dev.imageaudit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionCheckTest {

  private static final Path STORE = Path.of("image-store");

  @Test
  void sparseAndRawPartitionsPass() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = PartitionCheck.check(
        List.of(STORE.resolve("system.simg"), STORE.resolve("raw-unaligned.img")), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("image-store/system.simg: android-sparse, partition of 262144 bytes\n"
            + "image-store/raw-unaligned.img: raw, partition of 5000 bytes\n");
  }

  @Test
  void theStoreHoldsImagesVirtmgrRefuses() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = PartitionCheck.check(List.of(STORE), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .hasSize(11)
        .contains("image-store/vm-disk.composite: composite, rejected: unsupported partition image type: CompositeDisk")
        .contains("image-store/qcow-v1.qcow: qcow, rejected: unsupported partition image type: Qcow2")
        .contains("image-store/overlay-with-backing.qcow2: qcow2, rejected: unsupported partition image type: Qcow2"
            + " (backed by base.raw)")
        .contains("image-store/qcow2-v3.qcow2: qcow2, rejected: unsupported partition image type: Qcow2")
        .contains("image-store/vendor.simg: android-sparse, partition of 1060864 bytes");
  }
}
