-- The append-only operation log: the source of truth.
-- ordinal: store-wide position, assigned max+1 under the write lock, so commit order = ordinal order.
-- op_timestamp: fixed-width ISO-8601 UTC text (nine fraction digits), so text order = time order.
CREATE TABLE quire_operations (
  ordinal        INTEGER PRIMARY KEY,
  job_id         TEXT    NOT NULL,
  op_id          TEXT    NOT NULL,
  document_id    TEXT    NOT NULL,
  document_type  TEXT    NOT NULL,
  scope          TEXT    NOT NULL,
  branch         TEXT    NOT NULL,
  op_index       INTEGER NOT NULL,
  skip           INTEGER NOT NULL,
  op_timestamp   TEXT    NOT NULL,
  hash           TEXT    NOT NULL,
  action_type    TEXT    NOT NULL,
  action         TEXT    NOT NULL,
  error          TEXT,
  written_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CONSTRAINT quire_operations_revision UNIQUE (document_id, scope, branch, op_index)
);

CREATE INDEX quire_operations_op_id ON quire_operations (document_id, scope, branch, op_id);
CREATE INDEX quire_operations_job ON quire_operations (job_id);

-- Per read model, the highest ordinal it has committed (a running max: it never moves backwards).
CREATE TABLE quire_read_model_checkpoints (
  read_model    TEXT    PRIMARY KEY,
  last_ordinal  INTEGER NOT NULL DEFAULT 0,
  updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
