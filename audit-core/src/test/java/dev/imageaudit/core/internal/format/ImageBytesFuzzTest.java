package dev.imageaudit.core.internal.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imageaudit.core.internal.source.ByteArraySource;
import java.io.IOException;

/**
 * Fuzz target: any bytes, judged as an image by every detector. Its inputs start from the heads of
 * real images of every format (their structures near the start: headers, descriptors, chunks).
 */
class ImageBytesFuzzTest {

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void anyBytesAreJudgedWithinTheCaps(byte[] image) throws IOException {
    Fuzzing.judge(new ByteArraySource(image), image.length);
  }
}
