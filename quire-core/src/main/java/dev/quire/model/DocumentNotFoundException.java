package dev.quire.model;

/** No live document has this id (or slug). */
public class DocumentNotFoundException extends QuireException {

  private final String documentId;

  public DocumentNotFoundException(String documentId) {
    super("Document not found: " + documentId);
    this.documentId = documentId;
  }

  public String documentId() {
    return documentId;
  }
}
