-- Sync (quire-sync's JdbcSyncStore): this replica's node id, its remotes, their cursors, where
-- received operations came from (echo suppression) and dead letters. No foreign keys: removing a
-- remote deletes its cursors explicitly, and dead letters outlive the remote they came from.
CREATE TABLE quire_sync_node (
  singleton  integer PRIMARY KEY CHECK (singleton = 1),
  node_id    text    NOT NULL
);

CREATE TABLE quire_sync_remotes (
  name        text    PRIMARY KEY,
  url         text    NOT NULL,
  filter      text    NOT NULL,
  options     text    NOT NULL,
  created_at  text    NOT NULL
);

-- direction: PULL (remote ordinal applied here) or PUSH (local ordinal the remote acknowledged).
CREATE TABLE quire_sync_cursors (
  remote     text    NOT NULL,
  direction  text    NOT NULL,
  ordinal    bigint  NOT NULL,
  PRIMARY KEY (remote, direction)
);

CREATE TABLE quire_sync_received (
  stream_key  text NOT NULL,
  action_id   text NOT NULL,
  peer        text NOT NULL,
  PRIMARY KEY (stream_key, action_id, peer)
);

-- operations: the WireOperation list as JSON; created_at: ISO-8601 UTC.
CREATE TABLE quire_sync_dead_letters (
  id           text PRIMARY KEY,
  remote       text NOT NULL,
  document_id  text NOT NULL,
  scope        text NOT NULL,
  branch       text NOT NULL,
  reason       text NOT NULL,
  message      text,
  operations   text NOT NULL,
  created_at   text NOT NULL
);
