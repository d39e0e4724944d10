-- Version 10: bulk changes are undone in bulk.
-- The rows a bulk import inserted (listed in `inserted`) are described in their own column while
-- the import is undone (for redo), not appended to its changeset: undo and rollback delete them
-- by their listed ranges instead of row by row.
ALTER TABLE audit_log ADD COLUMN described BLOB;
-- An action that replaced the whole content (a snapshot restore) lists the tables here; its
-- changeset then holds their previous rows as inserts, and undo and redo replace the content
-- again in bulk (the other direction is kept in `described` meanwhile).
ALTER TABLE audit_log ADD COLUMN replaced TEXT;
