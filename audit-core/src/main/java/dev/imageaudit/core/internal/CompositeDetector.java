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
final class CompositeDetector implements FormatDetector {

  @Override
  public Detection detect(Probe probe) throws IOException {
    byte[] head = probe.head();
    if (!Bytes.startsWith(head, 0, Magic.COMPOSITE)) {
      return null;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    int start = Magic.COMPOSITE.length;
    // A device of unknown size: the descriptor is what the head holds.
    long size = probe.size() > 0 ? probe.size() : head.length;
    if (size - start > Caps.COMPOSITE_DESCRIPTOR) {
      details.put("descriptorError", "descriptor larger than the cap of " + Caps.COMPOSITE_DESCRIPTOR + " bytes");
      return new Detection(ImageFormat.COMPOSITE, null, details);
    }
    byte[] descriptor = ProbeBytes.read(probe, start, (int) (size - start));
    try {
      CompositeDescriptor parsed = CompositeDescriptor.parse(descriptor);
      details.put("version", parsed.version());
      List<Map<String, Object>> components = new ArrayList<>();
      for (CompositeDescriptor.Component c : parsed.components()) {
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("path", c.path());
        component.put("offset", c.offset());
        component.put("readWrite", c.readWrite());
        component.put("fileOffset", c.fileOffset());
        components.add(component);
      }
      details.put("components", components);
      if (parsed.componentCount() > components.size()) {
        CappedList.noteCut(details, "components", parsed.componentCount());
      }
      details.put("length", parsed.length());
      putIfPresent(details, "lastOffset", parsed.lastOffset());
      putIfPresent(details, "duplicateOffset", parsed.duplicateOffset());
      details.put("rules", rules(parsed));
      return new Detection(ImageFormat.COMPOSITE, parsed.length(), details);
    } catch (CompositeDescriptor.MalformedException e) {
      details.put("descriptorError", e.getMessage());
      return new Detection(ImageFormat.COMPOSITE, null, details);
    }
  }

  private static void putIfPresent(Map<String, Object> details, String key, Object value) {
    if (value != null) {
      details.put(key, value);
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
