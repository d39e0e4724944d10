-- Version 3: an action can also be 'rolled_back' (an import batch undone out of order, which
-- cannot be redone). SQLite cannot change a CHECK constraint, so the table is rebuilt.

CREATE TABLE audit_log_new (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    source    TEXT NOT NULL CHECK (source IN ('ui', 'cli', 'import')),
    actor     TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT '',
    before    TEXT,
    after     TEXT,
    changeset BLOB,
    state     TEXT CHECK (state IN ('done', 'undone', 'discarded', 'rolled_back')),
    ref_id    INTEGER REFERENCES audit_log_new (id)
);
INSERT INTO audit_log_new (id, at, source, actor, action, target, before, after, changeset, state, ref_id)
    SELECT id, at, source, actor, action, target, before, after, changeset, state, ref_id FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_state ON audit_log (state, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
