-- The document view's progress per stream is its snapshots' last_index, written with the snapshot
-- in the same transaction; the copy it also kept here cost an upsert per stream and group. A
-- shadow progress table left by an interrupted rebuild of the view is no longer used either.
DELETE FROM quire_stream_progress WHERE read_model = 'document-view';
DROP TABLE IF EXISTS quire_stream_progress_rebuild_document_view;
