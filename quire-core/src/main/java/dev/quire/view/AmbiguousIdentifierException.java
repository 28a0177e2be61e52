package dev.quire.view;

import dev.quire.model.QuireException;

/** An identifier is the id of one document and the slug of another. */
public class AmbiguousIdentifierException extends QuireException {

  public AmbiguousIdentifierException(String identifier, String idMatch, String slugMatch) {
    super("Ambiguous identifier \"" + identifier + "\": it is the id of document " + idMatch
        + " and the slug of document " + slugMatch + "; read by id or by slug explicitly");
  }
}
