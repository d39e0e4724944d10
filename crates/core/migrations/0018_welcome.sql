-- Version 18: welcome messages (guide §5: 配置专属欢迎语). One per scope: the whole
-- organisation (neither column), a department with its subtree, or a member; the narrowest
-- scope that holds a member applies to the customers they add.
CREATE TABLE welcome_messages (
    id            INTEGER PRIMARY KEY,
    department_id INTEGER REFERENCES departments (id),
    member_id     INTEGER REFERENCES members (id),
    text          TEXT NOT NULL,
    CHECK (department_id IS NULL OR member_id IS NULL)
);
CREATE INDEX welcome_messages_department ON welcome_messages (department_id);
CREATE INDEX welcome_messages_member ON welcome_messages (member_id);
