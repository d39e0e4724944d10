-- Version 8: an action that inserted many rows (a bulk import) may leave their description out of
-- its changeset until it is undone or rolled back: `inserted` lists those rows as JSON,
-- [[table, column, first, last], ...] (the rows whose integer `column` is between first and last).
ALTER TABLE audit_log ADD COLUMN inserted TEXT;
