-- Version 20: applying a plan to the platform (issue "connect to the platform", apply).
-- A saved plan is what `plan` computed, kept by its id so `apply` runs exactly that; the journal
-- holds each operation's fate (queued → pending before the call → done / failed after it), so a
-- run killed in the middle is resumed without repeating what was done. Both record what
-- happened on the platform, so neither undo nor a snapshot restore rewinds them.
CREATE TABLE sync_plans (
    id          TEXT PRIMARY KEY,
    pull_id     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    plan        TEXT NOT NULL   -- JSON: the plan as `plan --json` printed it
);

CREATE TABLE sync_journal (
    plan_id    TEXT NOT NULL REFERENCES sync_plans (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,             -- the operation's index in the plan
    op         TEXT NOT NULL,
    target     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'pending', 'done', 'failed')),
    live_id    INTEGER,                      -- a created department's id on the platform
    errcode    INTEGER,
    message    TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, seq)
);

-- The platform's admins among the live members, where its API says (DingTalk's main and sub
-- admins, Feishu's tenant managers): a plan may not delete them.
ALTER TABLE live_members ADD COLUMN admin TEXT CHECK (admin IN ('creator', 'super_admin'));

-- An applied operation is an audit entry from the platform. SQLite cannot change a CHECK
-- constraint, so the log is rebuilt (as in version 3).
CREATE TABLE audit_log_new (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    source    TEXT NOT NULL CHECK (source IN ('ui', 'cli', 'import', 'platform')),
    actor     TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT '',
    before    TEXT,
    after     TEXT,
    changeset BLOB,
    state     TEXT CHECK (state IN ('done', 'undone', 'discarded', 'rolled_back')),
    ref_id    INTEGER REFERENCES audit_log_new (id),
    inserted  TEXT,
    described BLOB,
    replaced  TEXT
);
INSERT INTO audit_log_new
    SELECT id, at, source, actor, action, target, before, after, changeset, state, ref_id,
           inserted, described, replaced
    FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_state ON audit_log (state, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_ref ON audit_log (ref_id);
