-- OrgDesk workspace schema, version 1: organization profile, departments, members.
-- Foreign keys never cascade: the core deletes dependents explicitly, so that every row change
-- is recorded in the action's changeset and can be undone exactly.

CREATE TABLE organization (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT NOT NULL,
    platform   TEXT NOT NULL DEFAULT 'undecided'
               CHECK (platform IN ('wecom', 'dingtalk', 'feishu', 'undecided')),
    created_at TEXT NOT NULL
);

CREATE TABLE departments (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES departments (id),
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX departments_parent ON departments (parent_id, sort_order);
-- Sibling names are unique; top-level departments (parent NULL) are siblings of each other.
CREATE UNIQUE INDEX departments_sibling_name ON departments (ifnull(parent_id, 0), name);

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    userid          TEXT NOT NULL COLLATE NOCASE UNIQUE,
    name            TEXT NOT NULL,
    alias           TEXT,
    mobile          TEXT,
    telephone       TEXT,
    email           TEXT COLLATE NOCASE,
    biz_email       TEXT COLLATE NOCASE,
    gender          TEXT CHECK (gender IN ('male', 'female')),
    position        TEXT,
    employee_no     TEXT,
    manager_id      INTEGER REFERENCES members (id),
    rank            TEXT,
    join_date       TEXT,
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('invited', 'unverified', 'active', 'frozen', 'departed')),
    address         TEXT,
    employment_type TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX members_mobile ON members (mobile) WHERE mobile IS NOT NULL;
CREATE UNIQUE INDEX members_email ON members (email) WHERE email IS NOT NULL;


CREATE TABLE member_departments (
    member_id     INTEGER NOT NULL REFERENCES members (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    is_main       INTEGER NOT NULL DEFAULT 0 CHECK (is_main IN (0, 1)),
    is_leader     INTEGER NOT NULL DEFAULT 0 CHECK (is_leader IN (0, 1)),
    sort_order    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (member_id, department_id)
) WITHOUT ROWID;
CREATE INDEX member_departments_department ON member_departments (department_id);
CREATE UNIQUE INDEX member_departments_main ON member_departments (member_id) WHERE is_main = 1;
