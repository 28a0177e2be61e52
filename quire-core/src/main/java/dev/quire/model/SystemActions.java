package dev.quire.model;

import java.util.Set;

/** Action types of the {@code document} scope, handled by Quire itself rather than a model's reducer. */
public final class SystemActions {

  public static final String CREATE_DOCUMENT = "CREATE_DOCUMENT";
  public static final String UPGRADE_DOCUMENT = "UPGRADE_DOCUMENT";
  public static final String DELETE_DOCUMENT = "DELETE_DOCUMENT";
  public static final String ADD_RELATIONSHIP = "ADD_RELATIONSHIP";
  public static final String REMOVE_RELATIONSHIP = "REMOVE_RELATIONSHIP";
  public static final String UPDATE_RELATIONSHIP = "UPDATE_RELATIONSHIP";

  public static final Set<String> ALL =
      Set.of(CREATE_DOCUMENT, UPGRADE_DOCUMENT, DELETE_DOCUMENT, ADD_RELATIONSHIP, REMOVE_RELATIONSHIP, UPDATE_RELATIONSHIP);

  /** The relationship type that makes the target a child of the source (find by parentId, cascade delete). */
  public static final String CHILD_RELATIONSHIP = "child";

  private SystemActions() {}

  public static boolean isSystemAction(String type) {
    return ALL.contains(type);
  }
}
