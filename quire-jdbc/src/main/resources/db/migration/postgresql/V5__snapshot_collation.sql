-- quire_documents.document_id is COLLATE "C" (code-point order, as in Java); quire_snapshots and
-- quire_slugs had the database default. A join of two text columns with different collations
-- cannot use an index built for either, so every document load (documents LEFT JOIN snapshots)
-- read the whole snapshots table. Same collation on both sides lets the join use the primary key.
ALTER TABLE quire_snapshots ALTER COLUMN document_id TYPE text COLLATE "C";
ALTER TABLE quire_slugs ALTER COLUMN document_id TYPE text COLLATE "C";
