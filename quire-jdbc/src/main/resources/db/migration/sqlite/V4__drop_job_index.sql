-- No query reads operations by job id: the index only cost a random B-tree insert per operation
-- on every append (and its pages in every commit's WAL write).
DROP INDEX IF EXISTS quire_operations_job;
