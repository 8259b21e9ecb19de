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
    ImageSource source = probe.source();
    if (!Bytes.startsWith(head, 0, Magic.COMPOSITE)) {
      return null;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    int start = Magic.COMPOSITE.length;
    long size = source.size();
    if (size - start > Caps.COMPOSITE_DESCRIPTOR) {
      details.put("descriptorError", "descriptor larger than the cap of " + Caps.COMPOSITE_DESCRIPTOR + " bytes");
      return new Detection(ImageFormat.COMPOSITE, null, details);
    }
    byte[] descriptor;
    if (size <= head.length) {
      descriptor = java.util.Arrays.copyOfRange(head, start, head.length);
    } else {
      descriptor = source.read(start, (int) (size - start));
    }
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
      details.put("length", parsed.length());
      details.put("rules", rules(parsed));
      return new Detection(ImageFormat.COMPOSITE, parsed.length(), details);
    } catch (CompositeDescriptor.MalformedException e) {
      details.put("descriptorError", e.getMessage());
      return new Detection(ImageFormat.COMPOSITE, null, details);
    }
  }

  /**
   * The descriptor's own rules, each true when it holds: version at most 2 (crosvm reads no later
   * one), components present, offsets in ascending order as virtmgr writes them (crosvm sorts them
   * itself), no two components at one offset, and a length past the last component's offset.
   */
  static Map<String, Object> rules(CompositeDescriptor parsed) {
    List<CompositeDescriptor.Component> components = parsed.components();
    boolean sorted = true;
    boolean unique = true;
    java.util.Set<U64> seen = new java.util.HashSet<>();
    U64 last = null;
    for (int i = 0; i < components.size(); i++) {
      U64 offset = components.get(i).offset();
      if (i > 0 && offset.compareTo(components.get(i - 1).offset()) < 0) {
        sorted = false;
      }
      unique &= seen.add(offset);
      last = last == null || offset.compareTo(last) > 0 ? offset : last;
    }
    Map<String, Object> rules = new LinkedHashMap<>();
    rules.put("versionAtMostTwo", parsed.version().compareTo(U64.of(2)) <= 0);
    rules.put("hasComponents", !components.isEmpty());
    rules.put("offsetsSorted", sorted);
    rules.put("offsetsUnique", unique);
    rules.put("lengthPastLastOffset", last != null && parsed.length().compareTo(last) > 0);
    return rules;
  }
}
