package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.CompositeDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.internal.source.Caps;
import java.io.IOException;

/**
 * crosvm composite disks: the 15-byte magic, then one protobuf {@code CompositeDisk} to end of file
 * (FORMATS.md section 7). Component paths are reported, never opened.
 *
 * <p>The header past the magic is the protobuf, read into a {@link CompositeDescriptor}; what it
 * says is a {@link CompositeDetails}.
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
      return found.toDetection(ImageFormat.COMPOSITE, null,
          CompositeDetails.unread("descriptor larger than the cap of " + Caps.COMPOSITE_DESCRIPTOR + " bytes"));
    }
    byte[] descriptor = ProbeBytes.read(probe, start, (int) (size - start));
    CompositeDescriptor parsed;
    try {
      parsed = CompositeDescriptor.parse(descriptor);
    } catch (CompositeDescriptor.MalformedException e) {
      return found.toDetection(ImageFormat.COMPOSITE, null, CompositeDetails.unread(e.getMessage()));
    }
    if (parsed.componentCount() > parsed.components().size()) {
      CappedList.noteCut(found.notes(), "components", parsed.componentCount());
    }
    CompositeDetails details = new CompositeDetails(parsed.version(), parsed.components(), parsed.length(),
        parsed.lastOffset(), parsed.duplicateOffset(), parsed.rules(), null);
    return found.toDetection(ImageFormat.COMPOSITE, parsed.length(), details);
  }
}
