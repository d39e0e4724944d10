-- Version 4: roles, their grants (permission + scope), assignments to members, and a
-- "sensitive" flag on departments (visibility isolated). Built-in roles are seeded from
-- assets/permissions/catalogue.json by the migration step in code.

ALTER TABLE departments ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1));

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    -- Built-in roles have a key (super_admin, it_admin, department_head, employee) and take their
    -- name from the catalogue; custom roles have a name.
    key         TEXT UNIQUE,
    name        TEXT,
    level       TEXT NOT NULL CHECK (level IN ('admin', 'department', 'employee')),
    -- Held by every active member without an assignment.
    everyone    INTEGER NOT NULL DEFAULT 0 CHECK (everyone IN (0, 1)),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    CHECK (key IS NOT NULL OR name IS NOT NULL)
);
CREATE UNIQUE INDEX roles_name ON roles (name) WHERE name IS NOT NULL;

CREATE TABLE role_grants (
    role_id    INTEGER NOT NULL REFERENCES roles (id),
    permission TEXT NOT NULL,
    scope      TEXT NOT NULL CHECK (scope IN ('organization', 'own_subtree', 'departments')),
    PRIMARY KEY (role_id, permission)
) WITHOUT ROWID;

CREATE TABLE role_grant_departments (
    role_id       INTEGER NOT NULL,
    permission    TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    PRIMARY KEY (role_id, permission, department_id),
    FOREIGN KEY (role_id, permission) REFERENCES role_grants (role_id, permission)
) WITHOUT ROWID;
CREATE INDEX role_grant_departments_department ON role_grant_departments (department_id);

CREATE TABLE role_assignments (
    role_id   INTEGER NOT NULL REFERENCES roles (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (role_id, member_id)
) WITHOUT ROWID;
CREATE INDEX role_assignments_member ON role_assignments (member_id);
