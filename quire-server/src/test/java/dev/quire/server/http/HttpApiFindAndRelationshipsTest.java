package dev.quire.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.ApiClient;
import dev.quire.server.ApiClient.ApiResponse;
import dev.quire.server.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GET /v1/documents (find, cursor paging) and the relationship endpoints. */
@Timeout(60)
class HttpApiFindAndRelationshipsTest {

  static TestServer server;
  static ApiClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    client = server.client();
    for (int i = 0; i < 7; i++) {
      client.post("/v1/documents?wait=true",
          "{\"documentType\":\"quire/drive\",\"id\":\"drive-" + i + "\",\"slug\":\"drive-slug-" + i + "\"}");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void findByType_pagesThroughEveryDocumentOnce() {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      ApiResponse page = client.get("/v1/documents?type=quire/drive&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().get("items").size()).isLessThanOrEqualTo(3);
      page.json().get("items").forEach(doc -> ids.add(doc.at("/header/id").asText()));
      cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(ids).containsExactlyInAnyOrder(
        "drive-0", "drive-1", "drive-2", "drive-3", "drive-4", "drive-5", "drive-6");
    assertThat(pages).isGreaterThanOrEqualTo(3);
  }

  @Test
  void findByIdsAndSlugs_keepsInputOrder() {
    ApiResponse byIds = client.get("/v1/documents?ids=drive-5,drive-1&ids=drive-3");
    assertThat(byIds.json().get("items")).extracting(d -> d.at("/header/id").asText())
        .containsExactly("drive-5", "drive-1", "drive-3");

    ApiResponse bySlugs = client.get("/v1/documents?slugs=drive-slug-2");
    assertThat(bySlugs.json().get("items")).extracting(d -> d.at("/header/id").asText()).containsExactly("drive-2");
  }

  @Test
  void relationships_putListDelete_withTokens() {
    client.createJson("parent");
    client.createJson("kid-a");
    client.createJson("kid-b");

    ApiResponse put = client.put("/v1/documents/parent/relationships/child/kid-a?wait=true", "{\"metadata\":{\"order\":1}}");
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    ApiResponse putB = client.put("/v1/documents/parent/relationships/child/kid-b", null);
    assertThat(putB.status()).isEqualTo(202);
    String token = client.get("/v1/jobs/" + putB.json().get("id").asText() + "?waitFor=READ_READY")
        .header(Tokens.HEADER).orElseThrow();

    JsonNode outgoing = client.get("/v1/documents/parent/relationships?type=child", Tokens.HEADER, token).json();
    assertThat(outgoing.get("items")).extracting(r -> r.get("targetId").asText()).containsExactly("kid-a", "kid-b");
    assertThat(outgoing.at("/items/0/metadata/order").asInt()).isEqualTo(1);

    JsonNode incoming = client.get("/v1/documents/kid-b/relationships?direction=incoming", Tokens.HEADER, token).json();
    assertThat(incoming.get("items")).extracting(r -> r.get("sourceId").asText()).containsExactly("parent");

    JsonNode children = client.get("/v1/documents?parentId=parent", Tokens.HEADER, token).json();
    assertThat(children.get("items")).extracting(d -> d.at("/header/id").asText()).containsExactly("kid-a", "kid-b");

    ApiResponse removed = client.delete("/v1/documents/parent/relationships/child/kid-a?wait=true");
    assertThat(removed.status()).isEqualTo(200);
    String after = removed.header(Tokens.HEADER).orElseThrow();
    JsonNode left = client.get("/v1/documents/parent/relationships", Tokens.HEADER, after).json();
    assertThat(left.get("items")).extracting(r -> r.get("targetId").asText()).containsExactly("kid-b");
  }

  @Test
  void putRelationship_again_replacesTheMetadata() {
    client.createJson("meta-src");
    client.createJson("meta-dst");
    client.put("/v1/documents/meta-src/relationships/link/meta-dst?wait=true", "{\"metadata\":{\"v\":1}}");

    ApiResponse replaced = client.put("/v1/documents/meta-src/relationships/link/meta-dst?wait=true",
        "{\"metadata\":{\"v\":2}}");

    assertThat(replaced.status()).isEqualTo(200);
    String token = replaced.header(Tokens.HEADER).orElseThrow();
    JsonNode edges = client.get("/v1/documents/meta-src/relationships?type=link", Tokens.HEADER, token).json();
    assertThat(edges.get("items")).hasSize(1);
    assertThat(edges.at("/items/0/metadata/v").asInt()).isEqualTo(2);
  }

  @Test
  void cascadeDelete_removesChildren() {
    client.createJson("tree");
    client.createJson("leaf");
    client.put("/v1/documents/tree/relationships/child/leaf?wait=true", null);

    ApiResponse deleted = client.delete("/v1/documents/tree?cascade=true&wait=true");

    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    ApiResponse leaf = client.get("/v1/documents/leaf");
    assertThat(leaf.status()).isEqualTo(404);
  }
}
