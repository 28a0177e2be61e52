package dev.quire.sync;

import java.time.Instant;

/**
 * A snapshot of one remote link.
 *
 * @param pullCursor the remote's ordinal up to which its operations are applied and indexed here
 * @param pushCursor the local ordinal up to which the remote acknowledged our operations
 * @param pullLag operations the remote has beyond {@code pullCursor} (as of the last page)
 * @param pushLag local operations beyond {@code pushCursor}
 */
public record RemoteStatus(String name, String url, String remoteNodeId, ConnectionState state, long pullCursor,
    long pushCursor, long pullLag, long pushLag, Instant lastSuccess, Instant lastFailure, String lastError,
    int consecutiveFailures) {}
