package dev.quire.model;

/** Well-known scope and branch names. */
public final class Scopes {

  /** System operations: create, upgrade, delete, relationships. */
  public static final String DOCUMENT = "document";

  public static final String GLOBAL = "global";
  public static final String LOCAL = "local";

  /** The default branch. */
  public static final String MAIN_BRANCH = "main";

  private Scopes() {}
}
