-- Sync (quire-sync's JdbcSyncStore): this replica's node id, its remotes, their cursors, where
-- received operations came from (echo suppression) and dead letters. No foreign keys: removing a
-- remote deletes its cursors explicitly, and dead letters outlive the remote they came from.
CREATE TABLE quire_sync_node (
  singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
  node_id    TEXT    NOT NULL
);

CREATE TABLE quire_sync_remotes (
  name        TEXT    PRIMARY KEY,
  url         TEXT    NOT NULL,
  filter      TEXT    NOT NULL,
  options     TEXT    NOT NULL,
  created_at  TEXT    NOT NULL
);

-- direction: PULL (remote ordinal applied here) or PUSH (local ordinal the remote acknowledged).
CREATE TABLE quire_sync_cursors (
  remote     TEXT    NOT NULL,
  direction  TEXT    NOT NULL,
  ordinal    INTEGER NOT NULL,
  PRIMARY KEY (remote, direction)
);

CREATE TABLE quire_sync_received (
  stream_key  TEXT NOT NULL,
  action_id   TEXT NOT NULL,
  peer        TEXT NOT NULL,
  PRIMARY KEY (stream_key, action_id, peer)
);

-- operations: the WireOperation list as JSON; created_at: ISO-8601 UTC.
CREATE TABLE quire_sync_dead_letters (
  id           TEXT PRIMARY KEY,
  remote       TEXT NOT NULL,
  document_id  TEXT NOT NULL,
  scope        TEXT NOT NULL,
  branch       TEXT NOT NULL,
  reason       TEXT NOT NULL,
  message      TEXT,
  operations   TEXT NOT NULL,
  created_at   TEXT NOT NULL
);
