-- Version 2: the audit log, which is also the undo/redo history.
-- `changeset` holds the SQLite session changeset of the action (NULL for undo/redo markers);
-- `state` is 'done' or 'undone' for actions that can be undone, 'discarded' once a new action
-- cleared the redo stack, and NULL for undo/redo markers (which point at their action via ref_id).

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    source    TEXT NOT NULL CHECK (source IN ('ui', 'cli', 'import')),
    actor     TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT '',
    before    TEXT,
    after     TEXT,
    changeset BLOB,
    state     TEXT CHECK (state IN ('done', 'undone', 'discarded')),
    ref_id    INTEGER REFERENCES audit_log (id)
);
CREATE INDEX audit_log_state ON audit_log (state, id);
