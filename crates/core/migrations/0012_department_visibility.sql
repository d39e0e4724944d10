-- Version 12: each department's visibility in the directory, as the platforms model it.
-- `hidden`: not shown in the directory, except to its own members (and those of the
-- departments under it) and to the viewers listed in `department_viewers`.
-- `only_own`: its members (and those of the departments under it) see only their own
-- departments and the departments under those.
ALTER TABLE departments ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
ALTER TABLE departments ADD COLUMN only_own INTEGER NOT NULL DEFAULT 0 CHECK (only_own IN (0, 1));

-- Who still sees a hidden department: a department (with the departments under it) or a member.
CREATE TABLE department_viewers (
    id                   INTEGER PRIMARY KEY,
    department_id        INTEGER NOT NULL REFERENCES departments (id),
    viewer_department_id INTEGER REFERENCES departments (id),
    viewer_member_id     INTEGER REFERENCES members (id),
    CHECK ((viewer_department_id IS NULL) <> (viewer_member_id IS NULL))
);
CREATE UNIQUE INDEX department_viewers_unique
    ON department_viewers (department_id, ifnull(viewer_department_id, 0), ifnull(viewer_member_id, 0));
CREATE INDEX department_viewers_department ON department_viewers (viewer_department_id);
CREATE INDEX department_viewers_member ON department_viewers (viewer_member_id);
