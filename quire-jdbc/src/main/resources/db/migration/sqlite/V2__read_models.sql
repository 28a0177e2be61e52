-- Per read model and stream, the highest operation index it has committed. Seeds the read model's
-- consistency tracker on start (a token issued before a restart is honoured after it) and lets
-- another process learn a read model's progress (PostgreSQL LISTEN/NOTIFY).
CREATE TABLE quire_stream_progress (
  read_model   TEXT    NOT NULL,
  document_id  TEXT    NOT NULL,
  scope        TEXT    NOT NULL,
  branch       TEXT    NOT NULL,
  last_index   INTEGER NOT NULL,
  PRIMARY KEY (read_model, document_id, scope, branch)
);

-- Document view: one row per document and branch (header), one per scope (snapshot), slugs.
-- created = 0 while only operations of other scopes arrived before CREATE_DOCUMENT.
CREATE TABLE quire_documents (
  document_id    TEXT    NOT NULL,
  branch         TEXT    NOT NULL,
  document_type  TEXT    NOT NULL,
  created        INTEGER NOT NULL,
  deleted        INTEGER NOT NULL,
  slug           TEXT,
  name           TEXT,
  created_at     TEXT,
  PRIMARY KEY (document_id, branch)
);
CREATE INDEX quire_documents_type ON quire_documents (branch, document_type, document_id);

CREATE TABLE quire_snapshots (
  document_id    TEXT    NOT NULL,
  branch         TEXT    NOT NULL,
  scope          TEXT    NOT NULL,
  content        TEXT,
  last_index     INTEGER NOT NULL,
  last_hash      TEXT,
  last_modified  TEXT,
  PRIMARY KEY (document_id, branch, scope)
);

CREATE TABLE quire_slugs (
  branch       TEXT NOT NULL,
  slug         TEXT NOT NULL,
  document_id  TEXT NOT NULL,
  PRIMARY KEY (branch, slug)
);

-- Document indexer: typed directed edges of the main branch.
CREATE TABLE quire_relationships (
  source_id          TEXT NOT NULL,
  target_id          TEXT NOT NULL,
  relationship_type  TEXT NOT NULL,
  metadata           TEXT,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  PRIMARY KEY (source_id, target_id, relationship_type)
);
CREATE INDEX quire_relationships_target ON quire_relationships (target_id, relationship_type);
CREATE INDEX quire_relationships_type ON quire_relationships (relationship_type);
