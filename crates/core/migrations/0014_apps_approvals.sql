-- Version 14: apps and approvals (guide §4). The workspace's rank order, approval templates
-- (a JSON document each, as they are imported and exported), approval records as the consoles
-- export them, and the app plan with each app's visibility and admins.
CREATE TABLE ranks (
    position INTEGER PRIMARY KEY,  -- 0 is the lowest rank
    name     TEXT NOT NULL UNIQUE
);

CREATE TABLE approval_templates (
    key        TEXT PRIMARY KEY,
    body       TEXT NOT NULL CHECK (json_valid(body)),
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE approval_records (
    number       TEXT PRIMARY KEY,
    template     TEXT NOT NULL,
    applicant    TEXT NOT NULL,
    department   TEXT,
    submitted_at TEXT NOT NULL,  -- YYYY-MM-DD HH:MM:SS, local time as exported
    finished_at  TEXT,
    status       TEXT NOT NULL
                 CHECK (status IN ('approved', 'rejected', 'pending', 'withdrawn')),
    approvers    TEXT            -- as the file names them, separated by ','
);

CREATE TABLE apps (
    key        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('native', 'self_built', 'third_party')),
    facing     TEXT NOT NULL DEFAULT 'internal' CHECK (facing IN ('internal', 'customer')),
    reads      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(reads)),
    everyone   INTEGER NOT NULL DEFAULT 0 CHECK (everyone IN (0, 1)),
    sort_order INTEGER NOT NULL DEFAULT 0
);

-- Who sees an app besides "everyone": departments (with their subtrees), roles, members.
CREATE TABLE app_visibility (
    id            INTEGER PRIMARY KEY,
    app_key       TEXT NOT NULL REFERENCES apps (key),
    department_id INTEGER REFERENCES departments (id),
    role_id       INTEGER REFERENCES roles (id),
    member_id     INTEGER REFERENCES members (id),
    CHECK ((department_id IS NOT NULL) + (role_id IS NOT NULL) + (member_id IS NOT NULL) = 1)
);
CREATE INDEX app_visibility_app ON app_visibility (app_key);
CREATE INDEX app_visibility_department ON app_visibility (department_id);
CREATE INDEX app_visibility_role ON app_visibility (role_id);
CREATE INDEX app_visibility_member ON app_visibility (member_id);

CREATE TABLE app_admins (
    app_key   TEXT NOT NULL REFERENCES apps (key),
    member_id INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (app_key, member_id)
) WITHOUT ROWID;
CREATE INDEX app_admins_member ON app_admins (member_id);
