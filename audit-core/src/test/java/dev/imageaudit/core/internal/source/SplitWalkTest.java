package dev.imageaudit.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageaudit.core.AuditInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A walk split into subtrees and spliced back together is the whole walk, at every depth. */
@EnabledOnOs(OS.LINUX)
class SplitWalkTest {

  @TempDir Path dir;

  /** Items compared by what the report makes of them: name, exact bytes, and the entry or the file's size. */
  private static String describe(WalkItem item) {
    if (item instanceof WalkItem.Open open) {
      return "open " + open.display() + " " + open.pathBytes() + " " + open.statSize() + " " + open.target();
    }
    return "done " + ((WalkItem.Done) item).entry();
  }

  private static List<String> whole(List<AuditInput> inputs) {
    List<String> items = new ArrayList<>();
    Walker.walk(inputs, false).toIterable().forEach(i -> items.add(describe(i)));
    return items;
  }

  private static List<String> split(List<AuditInput> inputs, int depth) {
    List<Object> units = new ArrayList<>();
    Walker.splitWalk(inputs, depth, units::add, units::add);
    List<String> items = new ArrayList<>();
    for (Object unit : units) {
      if (unit instanceof Walker.Subtree subtree) {
        Walker.walkSubtree(subtree).toIterable().forEach(i -> items.add(describe(i)));
      } else {
        items.add(describe((WalkItem) unit));
      }
    }
    return items;
  }

  @Test
  void splicedSubtreesGiveTheWholeWalk() throws Exception {
    Path store = dir.resolve("store");
    Files.createDirectories(store);
    // Hostile and non-UTF-8 names at every level, links, a FIFO, a folder that cannot be listed, a-b vs a/z order.
    String script =
        "mkdir -p a/z a-b \"$(printf 'd\\377ir')\" 'x\ny/deep/er' '<b>' locked;"
            + "printf 1 > a/z/f1; printf 22 > a-b/f2; printf 333 > \"$(printf 'd\\377ir/f\\376')\";"
            + "printf 4 > 'x\ny/deep/er/\u00fc.img'; printf 5 > '<b>/<script>'; printf 6 > top.img;"
            + "ln -s top.img link; ln -s nowhere dangling; mkfifo pipe; printf 7 > locked/secret;"
            + "chmod 000 locked";
    dev.imageaudit.core.NamesAsBytesTestAccess.sh(store, script);
    try {
      List<AuditInput> inputs = List.of(new AuditInput.PathInput(store), new AuditInput.PathInput(dir.resolve("gone")));
      List<String> whole = whole(inputs);
      assertThat(whole).hasSizeGreaterThan(10);
      for (int depth = 0; depth <= 4; depth++) {
        assertThat(split(inputs, depth)).as("depth " + depth).containsExactlyElementsOf(whole);
      }
    } finally {
      Files.setPosixFilePermissions(store.resolve("locked"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }
}
