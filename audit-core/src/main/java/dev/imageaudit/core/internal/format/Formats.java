package dev.imageaudit.core.internal.format;

import dev.imageaudit.core.ImageDetails;
import dev.imageaudit.core.ImageFormat;
import dev.imageaudit.core.U64;
import dev.imageaudit.core.internal.source.ReadPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The registered formats: adding a format is one line in {@link #REGISTERED}. Runs every detector on
 * an image and names it by the highest {@link FormatDetector#probeScore} among the matches, as QEMU's
 * {@code bdrv_probe} does, so registration order never decides.
 */
public final class Formats {
  /**
   * Every detector, one line each, in no particular order: {@link #rank} orders them by their
   * {@link FormatDetector#probeScore}. All of them run on every image, so that bytes two formats
   * claim are flagged ({@link AmbiguousFormat}).
   */
  public static final List<FormatDetector> REGISTERED =
      List.of(
          new QcowDetector(),
          new AndroidSparseDetector(),
          new CompositeDetector(),
          new QedDetector(),
          new ParallelsDetector(),
          new LuksDetector(),
          new BochsDetector(),
          new CloopDetector(),
          new VmdkDetector(),
          VpcDetector.atHead(),
          new VhdxDetector(),
          new VdiDetector(),
          new Iso9660Detector(),
          new ZstdDetector(),
          new DmgDetector(),
          VpcDetector.fixedAtTail());

  /** The registered detectors in the order their answers win. */
  private static final List<FormatDetector> DETECTORS = rank(REGISTERED);

  /** {@link #DETECTORS} as an array: iterated for every file, without a list iterator's interface calls. */
  private static final FormatDetector[] RANKED = DETECTORS.toArray(new FormatDetector[0]);

  /** What the registered detectors read before any header is parsed, together. */
  private static final ReadPlan.Needs NEEDS = needs(REGISTERED);

  /** Returns the union of the first-phase reads {@code detectors} declare. */
  public static ReadPlan.Needs needs(List<? extends FormatDetector> detectors) {
    List<ReadPlan.Range> fixed = new ArrayList<>();
    boolean tail = false;
    for (FormatDetector detector : detectors) {
      fixed.addAll(detector.reads().fixed());
      tail |= detector.reads().tail();
    }
    return new ReadPlan.Needs(fixed, tail);
  }

  private Formats() {}

  /**
   * Returns the first-phase reads of a file of {@code size} bytes (0: unknown) for every registered
   * detector: one merged set, so that no detector's read of its head, fixed offset or tail costs a
   * syscall another's already paid.
   */
  public static ReadPlan plan(long size) {
    return ReadPlan.of(NEEDS, size);
  }

  /**
   * Returns {@code detectors} in the order their answers win: highest {@link
   * FormatDetector#probeScore} first, ties (detectors whose signatures cannot both match) by class
   * name. The result does not depend on the order given.
   *
   * @throws IllegalStateException if two detectors share both score and class name
   */
  static List<FormatDetector> rank(List<FormatDetector> detectors) {
    Comparator<FormatDetector> order = Comparator.comparingInt(FormatDetector::probeScore)
        .reversed()
        .thenComparing(d -> d.getClass().getName());
    List<FormatDetector> ranked = new ArrayList<>(detectors);
    ranked.sort(order);
    for (int i = 1; i < ranked.size(); i++) {
      if (order.compare(ranked.get(i - 1), ranked.get(i)) == 0) {
        throw new IllegalStateException("two detectors tie: " + ranked.get(i).getClass().getName());
      }
    }
    return List.copyOf(ranked);
  }

  /** Returns every registered detector's answer, in the order answers win. */
  public static List<Detection> detectAll(Probe probe) throws IOException {
    return detectAll(probe, RANKED);
  }

  /** Returns the answers of {@code ranked} (as {@link #rank} orders them), in that order. */
  public static List<Detection> detectAll(Probe probe, List<FormatDetector> ranked) throws IOException {
    return detectAll(probe, ranked.toArray(new FormatDetector[0]));
  }

  private static List<Detection> detectAll(Probe probe, FormatDetector[] ranked) throws IOException {
    List<Detection> matches = new ArrayList<>();
    for (FormatDetector detector : ranked) {
      // Not ifPresent(matches::add): under C1 alone, as the launcher runs, each capture of that
      // method reference is an allocation through a method handle, ~2% of a run's CPU (profiled).
      Optional<Detection> found = detector.detect(probe);
      if (found.isPresent()) {
        matches.add(found.get());
      }
    }
    return matches;
  }

  /**
   * Returns the first answer, the highest-scoring (raw, score 0, when there is none), with its
   * partition table and ambiguity.
   */
  public static Detection choose(Probe probe, List<Detection> matches) throws IOException {
    Detection chosen = matches.isEmpty()
        ? new Detection(ImageFormat.RAW, U64.of(probe.size()), ImageDetails.NONE)
        : matches.get(0);
    return AmbiguousFormat.flag(PartitionTables.refine(chosen, probe), matches);
  }
}
