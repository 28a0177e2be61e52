-- The append-only operation log: the source of truth.
-- ordinal: store-wide position, assigned max+1 while the appender holds a transaction-scoped advisory
-- lock, so ordinals become visible in order (no out-of-order commits for tailing readers).
-- op_timestamp: fixed-width ISO-8601 UTC text (nine fraction digits, exact Instant round trip).
CREATE TABLE quire_operations (
  ordinal        bigint      PRIMARY KEY,
  job_id         text        NOT NULL,
  op_id          text        NOT NULL,
  document_id    text        NOT NULL,
  document_type  text        NOT NULL,
  scope          text        NOT NULL,
  branch         text        NOT NULL,
  op_index       bigint      NOT NULL,
  skip           integer     NOT NULL,
  op_timestamp   text        NOT NULL,
  hash           text        NOT NULL,
  action_type    text        NOT NULL,
  action         json        NOT NULL,
  error          text,
  written_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT quire_operations_revision UNIQUE (document_id, scope, branch, op_index)
);

CREATE INDEX quire_operations_op_id ON quire_operations (document_id, scope, branch, op_id);
CREATE INDEX quire_operations_job ON quire_operations (job_id);

-- Per read model, the highest ordinal it has committed (a running max: it never moves backwards).
CREATE TABLE quire_read_model_checkpoints (
  read_model    text        PRIMARY KEY,
  last_ordinal  bigint      NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
