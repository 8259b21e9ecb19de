package dev.imageaudit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class U64Test {

  @Test
  void toBigIntegerIsTheUnsignedValue() {
    assertThat(U64.of(0).toBigInteger()).isEqualTo(BigInteger.ZERO);
    assertThat(U64.of(Long.MAX_VALUE).toBigInteger()).isEqualTo(BigInteger.TWO.pow(63).subtract(BigInteger.ONE));
    assertThat(U64.of(Long.MIN_VALUE).toBigInteger()).isEqualTo(BigInteger.TWO.pow(63));
    assertThat(U64.of(-1).toBigInteger()).isEqualTo(BigInteger.TWO.pow(64).subtract(BigInteger.ONE));
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long bits = random.nextLong();
      assertThat(U64.of(bits).toBigInteger()).isEqualTo(new BigInteger(Long.toUnsignedString(bits)));
    }
  }
}
