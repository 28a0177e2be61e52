-- An operation instance (stream, op_id, skip) is stored at most once. The index refuses a duplicate
-- at insert, so the append no longer looks every operation id up before writing (a query per
-- group); it does so only after a refusal, to tell which batch of the group repeats an operation.
-- It replaces the (document_id, scope, branch, op_id) index, whose lookups it serves as well.
CREATE UNIQUE INDEX quire_operations_instance ON quire_operations (document_id, scope, branch, op_id, skip);
DROP INDEX IF EXISTS quire_operations_op_id;
