package dev.quire.sync;

import java.util.Objects;

/** A configured peer: a unique local name, the peer's base URL, what to exchange and how. */
public record Remote(String name, String url, RemoteFilter filter, RemoteOptions options) {

  public Remote {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Remote name must not be empty");
    }
    Objects.requireNonNull(url, "url");
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    filter = filter == null ? RemoteFilter.ALL : filter;
    options = options == null ? RemoteOptions.DEFAULTS : options;
  }
}
