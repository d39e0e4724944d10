-- Version 9: an index for every foreign key. Without one, deleting a member (undo of an import,
-- a snapshot restore) scans the whole members table for reports pointing at it: an undo of
-- 100,000 new members took minutes.
CREATE INDEX members_manager ON members (manager_id);
CREATE INDEX audit_log_ref ON audit_log (ref_id);
