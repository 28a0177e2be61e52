package dev.quire.job;

/** What a job does; informational (every kind runs through the same executor). */
public enum JobKind {
  /** Actions on an existing document. */
  MUTATION,
  /** CREATE_DOCUMENT (+ UPGRADE_DOCUMENT) of a new document. */
  CREATE,
  /** DELETE_DOCUMENT. */
  DELETE,
  /** ADD/REMOVE/UPDATE_RELATIONSHIP on the source document. */
  RELATIONSHIP,
  /** Operations produced elsewhere (sync); reserved. */
  LOAD
}
