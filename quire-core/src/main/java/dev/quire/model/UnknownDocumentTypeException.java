package dev.quire.model;

/** No {@link DocumentModel} is registered for a document type. */
public class UnknownDocumentTypeException extends QuireException {

  private final String documentType;

  public UnknownDocumentTypeException(String documentType) {
    super("Unknown document type: " + documentType);
    this.documentType = documentType;
  }

  public String documentType() {
    return documentType;
  }
}
