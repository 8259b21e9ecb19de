package dev.imageaudit.core.internal;

import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * crosvm composite disks: the 15-byte magic, then one protobuf {@code CompositeDisk} to end of file
 * (FORMATS.md section 7). Component paths are reported, never opened.
 */
final class CompositeDetector extends MagicDetector {

  CompositeDetector() {
    super(Magic.COMPOSITE);
  }

  @Override
  Detection read(Probe probe, byte[] head, Findings found) throws IOException {
    int start = Magic.COMPOSITE.length;
    // A device of unknown size: the descriptor is what the head holds.
    long size = probe.size() > 0 ? probe.size() : head.length;
    if (size - start > Caps.COMPOSITE_DESCRIPTOR) {
      found.put("descriptorError", "descriptor larger than the cap of " + Caps.COMPOSITE_DESCRIPTOR + " bytes");
      return found.toDetection(ImageFormat.COMPOSITE, null);
    }
    byte[] descriptor = ProbeBytes.read(probe, start, (int) (size - start));
    try {
      CompositeDescriptor parsed = CompositeDescriptor.parse(descriptor);
      found.put("version", parsed.version());
      List<Map<String, Object>> components = new ArrayList<>();
      for (CompositeDescriptor.Component c : parsed.components()) {
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("path", c.path());
        component.put("offset", c.offset());
        component.put("readWrite", c.readWrite());
        component.put("fileOffset", c.fileOffset());
        components.add(component);
      }
      found.put("components", components);
      if (parsed.componentCount() > components.size()) {
        CappedList.noteCut(found.notes(), "components", parsed.componentCount());
      }
      found.put("length", parsed.length());
      found.putIfPresent("lastOffset", parsed.lastOffset());
      found.putIfPresent("duplicateOffset", parsed.duplicateOffset());
      found.put("rules", rules(parsed));
      return found.toDetection(ImageFormat.COMPOSITE, parsed.length());
    } catch (CompositeDescriptor.MalformedException e) {
      found.put("descriptorError", e.getMessage());
      return found.toDetection(ImageFormat.COMPOSITE, null);
    }
  }

  /**
   * The descriptor's own rules over all its components, each true when it holds: version at most 2
   * (crosvm reads no later one), components present, offsets in ascending order as virtmgr writes
   * them (crosvm sorts them itself), no two components at one offset, and a length past the last
   * component's offset.
   */
  static Map<String, Object> rules(CompositeDescriptor parsed) {
    Map<String, Object> rules = new LinkedHashMap<>();
    rules.put("versionAtMostTwo", parsed.version().compareTo(U64.of(2)) <= 0);
    rules.put("hasComponents", parsed.componentCount() > 0);
    rules.put("offsetsSorted", parsed.offsetsSorted());
    rules.put("offsetsUnique", parsed.duplicateOffset() == null);
    rules.put("lengthPastLastOffset", parsed.lastOffset() != null && parsed.length().compareTo(parsed.lastOffset()) > 0);
    return rules;
  }
}
