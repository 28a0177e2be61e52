-- Per read model and stream, the highest operation index it has committed. Seeds the read model's
-- consistency tracker on start (a token issued before a restart is honoured after it) and lets
-- another process learn a read model's progress (PostgreSQL LISTEN/NOTIFY).
CREATE TABLE quire_stream_progress (
  read_model   text    NOT NULL,
  document_id  text    NOT NULL,
  scope        text    NOT NULL,
  branch       text    NOT NULL,
  last_index   bigint  NOT NULL,
  PRIMARY KEY (read_model, document_id, scope, branch)
);

-- Key columns that queries order by use COLLATE "C": code-point order, the same as Java's.
-- Document view: one row per document and branch (header), one per scope (snapshot), slugs.
-- created is false while only operations of other scopes arrived before CREATE_DOCUMENT.
CREATE TABLE quire_documents (
  document_id    text    COLLATE "C" NOT NULL,
  branch         text    NOT NULL,
  document_type  text    NOT NULL,
  created        boolean NOT NULL,
  deleted        boolean NOT NULL,
  slug           text,
  name           text,
  created_at     text,
  PRIMARY KEY (document_id, branch)
);
CREATE INDEX quire_documents_type ON quire_documents (branch, document_type, document_id);

CREATE TABLE quire_snapshots (
  document_id    text    NOT NULL,
  branch         text    NOT NULL,
  scope          text    NOT NULL,
  content        text,
  last_index     bigint  NOT NULL,
  last_hash      text,
  last_modified  text,
  PRIMARY KEY (document_id, branch, scope)
);

CREATE TABLE quire_slugs (
  branch       text NOT NULL,
  slug         text NOT NULL,
  document_id  text NOT NULL,
  PRIMARY KEY (branch, slug)
);

-- Document indexer: typed directed edges of the main branch.
CREATE TABLE quire_relationships (
  source_id          text COLLATE "C" NOT NULL,
  target_id          text COLLATE "C" NOT NULL,
  relationship_type  text COLLATE "C" NOT NULL,
  metadata           text,
  created_at         text COLLATE "C" NOT NULL,
  updated_at         text NOT NULL,
  PRIMARY KEY (source_id, target_id, relationship_type)
);
CREATE INDEX quire_relationships_target ON quire_relationships (target_id, relationship_type);
CREATE INDEX quire_relationships_type ON quire_relationships (relationship_type);
