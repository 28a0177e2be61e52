package dev.quire.sync;

import java.util.List;

/**
 * Which operations a remote exchanges. Empty lists mean "all"; every non-empty criterion must match.
 *
 * @param documentIds only these documents
 * @param collection a drive id: the drive and its {@code child} descendants (as the serving side's
 *     indexer knows them when the page is built)
 * @param scopes only these scopes
 * @param branch only this branch (null: every branch)
 */
public record RemoteFilter(List<String> documentIds, String collection, List<String> scopes, String branch) {

  public static final RemoteFilter ALL = new RemoteFilter(List.of(), null, List.of(), null);

  public RemoteFilter {
    documentIds = documentIds == null ? List.of() : List.copyOf(documentIds);
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    collection = collection == null || collection.isEmpty() ? null : collection;
    branch = branch == null || branch.isEmpty() ? null : branch;
  }

  public static RemoteFilter documents(String... ids) {
    return new RemoteFilter(List.of(ids), null, List.of(), null);
  }

  public static RemoteFilter collection(String driveId) {
    return new RemoteFilter(List.of(), driveId, List.of(), null);
  }
}
