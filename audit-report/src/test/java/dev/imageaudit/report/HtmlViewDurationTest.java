package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The run's duration on the HTML report reads as the formatter it replaced wrote it. */
class HtmlViewDurationTest {

  @Test
  void underAMinuteInHundredthsOfASecondRoundedHalfUp() {
    Random random = new Random(11);
    for (int n = 0; n < 20_000; n++) {
      long nanos = n < 6 ? new long[] {0, 4_999_999, 5_000_000, 125_000_000, 59_994_999_999L, 9_995_000_000L}[n]
          : (long) (random.nextDouble() * 59_994_000_000L);
      assertThat(HtmlView.duration(Duration.ofNanos(nanos)))
          .as("%d ns", nanos)
          .isEqualTo(String.format(Locale.ROOT, "%.2f s", nanos / 1e9));
    }
  }

  @Test
  void longerInMinutesAndHours() {
    assertThat(HtmlView.duration(Duration.ofSeconds(61))).isEqualTo("1 min 1 s");
    assertThat(HtmlView.duration(Duration.ofSeconds(3599))).isEqualTo("59 min 59 s");
    assertThat(HtmlView.duration(Duration.ofSeconds(3600 * 26 + 62))).isEqualTo("26 h 1 min 2 s");
    assertThat(HtmlView.duration(Duration.ofSeconds(-1))).isEqualTo("\u2014");
  }
}
