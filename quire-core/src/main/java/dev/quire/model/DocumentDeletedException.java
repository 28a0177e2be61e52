package dev.quire.model;

/** The document was deleted; it accepts no more operations. */
public class DocumentDeletedException extends QuireException {

  private final String documentId;

  public DocumentDeletedException(String documentId) {
    super("Document is deleted: " + documentId);
    this.documentId = documentId;
  }

  public String documentId() {
    return documentId;
  }
}
