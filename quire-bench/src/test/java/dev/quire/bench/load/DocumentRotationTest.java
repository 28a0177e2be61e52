package dev.quire.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DocumentRotationTest {

  @Test
  void everyDocumentOnce_inTheSameOrderEveryRun() {
    List<String> ids = DocumentRotation.ids("doc-", 1000);

    assertThat(ids).hasSize(1000).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 1000).mapToObj(i -> "doc-" + i).toList());
    assertThat(DocumentRotation.ids("doc-", 1000)).isEqualTo(ids);
  }

  @Test
  void consecutiveJobs_rarelyWriteDocumentsCreatedNextToEachOther() {
    List<String> ids = DocumentRotation.ids("doc-", 1000);

    long neighbours = 0;
    for (int i = 1; i < ids.size(); i++) {
      int previous = Integer.parseInt(ids.get(i - 1).substring(4));
      int current = Integer.parseInt(ids.get(i).substring(4));
      if (Math.abs(current - previous) <= 8) {
        neighbours++;
      }
    }
    // In creation order all 999 pairs are neighbours; a shuffle leaves about 16 of them.
    assertThat(neighbours).isLessThan(50);
  }

  @Test
  void noDocuments_isRefused() {
    assertThatThrownBy(() -> DocumentRotation.ids("doc-", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
