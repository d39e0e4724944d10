-- Version 6: named snapshots of the workspace, kept inside the file so they travel with it.
-- `data` is a whole workspace database (without its own snapshots and audit log), taken with
-- SQLite's online backup.
CREATE TABLE snapshots (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL DEFAULT 'manual' CHECK (kind IN ('manual', 'initial')),
    created_at  TEXT NOT NULL,
    members     INTEGER NOT NULL,
    departments INTEGER NOT NULL,
    data        BLOB NOT NULL
);
