-- Version 10: the rows a bulk import inserted (listed in `inserted`) are described in their own
-- column while the import is undone (for redo), not appended to its changeset: undo and rollback
-- delete them in bulk by their listed ranges instead of row by row.
ALTER TABLE audit_log ADD COLUMN described BLOB;
