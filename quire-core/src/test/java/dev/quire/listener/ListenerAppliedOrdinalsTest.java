package dev.quire.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListenerAppliedOrdinalsTest {

  @Test
  void add_inOrder_movesTheWatermark() {
    AppliedOrdinals applied = new AppliedOrdinals(0);
    applied.add(1);
    applied.add(2);
    assertThat(applied.watermark()).isEqualTo(2);
    assertThat(applied.pendingRanges()).isZero();
  }

  @Test
  void add_withAGap_holdsTheWatermarkUntilTheGapFills() {
    AppliedOrdinals applied = new AppliedOrdinals(10);
    applied.add(12);
    applied.add(14);
    applied.add(13);
    assertThat(applied.watermark()).isEqualTo(10);
    assertThat(applied.pendingRanges()).isEqualTo(1);
    assertThat(applied.contains(13)).isTrue();
    assertThat(applied.contains(11)).isFalse();

    applied.add(11);

    assertThat(applied.watermark()).isEqualTo(14);
    assertThat(applied.pendingRanges()).isZero();
  }

  @Test
  void add_belowTheWatermark_changesNothing() {
    AppliedOrdinals applied = new AppliedOrdinals(5);
    applied.add(3);
    applied.addRange(1, 5);
    assertThat(applied.watermark()).isEqualTo(5);
    assertThat(applied.pendingRanges()).isZero();
  }

  @Test
  void add_anyOrder_endsAtTheLastOrdinal() {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      List<Long> ordinals = new ArrayList<>();
      for (long i = 1; i <= 200; i++) {
        ordinals.add(i);
      }
      Collections.shuffle(ordinals, random);
      AppliedOrdinals applied = new AppliedOrdinals(0);
      long lowestMissing = 1;
      boolean[] seen = new boolean[202];
      for (long ordinal : ordinals) {
        applied.add(ordinal);
        seen[(int) ordinal] = true;
        while (seen[(int) lowestMissing]) {
          lowestMissing++;
        }
        assertThat(applied.watermark()).isEqualTo(lowestMissing - 1);
      }
      assertThat(applied.pendingRanges()).isZero();
    }
  }

  @Test
  void copy_isIndependent() {
    AppliedOrdinals applied = new AppliedOrdinals(0);
    applied.add(3);
    AppliedOrdinals copy = applied.copy();
    copy.addRange(1, 2);
    assertThat(copy.watermark()).isEqualTo(3);
    assertThat(applied.watermark()).isZero();
  }
}
