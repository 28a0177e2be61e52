package dev.quire.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.server.ApiClient;
import dev.quire.server.ApiClient.ApiResponse;
import dev.quire.server.ServerConfig;
import dev.quire.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bearer auth: required for writes and admin when configured, absent otherwise. */
@Timeout(30)
class HttpApiAuthTest {

  static final String CREATE = "{\"documentType\":\"quire/json\",\"id\":\"auth-1\"}";

  @Test
  void withToken_writesAndAdminNeedIt_readsDoNot() {
    try (TestServer server = TestServer.start(c -> c.withSecurity(ServerConfig.Security.bearer("s3cret")))) {
      ApiClient anonymous = server.client();
      ApiClient wrong = anonymous.withBearer("s3cret-not");
      ApiClient right = anonymous.withBearer("s3cret");
      long before = server.server().reactor().operationStore().lastOrdinal();

      ApiResponse missing = anonymous.post("/v1/documents", CREATE);
      assertThat(missing.status()).isEqualTo(401);
      assertThat(missing.contentType()).startsWith("application/problem+json");
      assertThat(missing.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(wrong.post("/v1/documents", CREATE).status()).isEqualTo(401);
      assertThat(anonymous.send("POST", "/v1/documents", CREATE, "Authorization", "Basic czNjcmV0").status())
          .isEqualTo(401);
      assertThat(server.server().reactor().operationStore().lastOrdinal()).isEqualTo(before);

      assertThat(right.post("/v1/documents?wait=true", CREATE).status()).isEqualTo(200);
      assertThat(anonymous.get("/v1/documents/auth-1").status()).isEqualTo(200);
      assertThat(anonymous.delete("/v1/documents/auth-1").status()).isEqualTo(401);
      assertThat(anonymous.put("/v1/documents/auth-1/relationships/child/auth-1", null).status()).isEqualTo(401);

      assertThat(anonymous.get("/v1/read-models").status()).isEqualTo(401);
      assertThat(right.get("/v1/read-models").status()).isEqualTo(200);
      assertThat(anonymous.get("/health/ready").status()).isEqualTo(200);
      assertThat(anonymous.get("/metrics").status()).isEqualTo(200);
      assertThat(anonymous.get("/openapi.json").status()).isEqualTo(200);
    }
  }

  @Test
  void withoutToken_writesAreOpen() {
    try (TestServer server = TestServer.start()) {
      assertThat(server.client().post("/v1/documents?wait=true", CREATE).status()).isEqualTo(200);
      assertThat(server.client().get("/v1/read-models").status()).isEqualTo(200);
    }
  }

  @Test
  void needsToken_coversWritesAndAdminOnly() {
    assertThat(BearerAuth.needsToken("POST", "/v1/documents")).isTrue();
    assertThat(BearerAuth.needsToken("PUT", "/v1/documents/a/relationships/child/b")).isTrue();
    assertThat(BearerAuth.needsToken("DELETE", "/v1/documents/a")).isTrue();
    assertThat(BearerAuth.needsToken("GET", "/v1/read-models")).isTrue();
    assertThat(BearerAuth.needsToken("GET", "/v1/documents/a")).isFalse();
    assertThat(BearerAuth.needsToken("GET", "/v1/events")).isFalse();
    assertThat(BearerAuth.needsToken("GET", "/health/ready")).isFalse();
  }
}
