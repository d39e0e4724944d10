-- Version 22: the members linked to more than one department, found through a small index
-- (issue "large workspaces"). A member with two links has one that is not their main
-- department; the department list's counts correct for those members only (a member counted
-- once per subtree), instead of reading every member's links.
CREATE INDEX member_departments_extra ON member_departments (member_id) WHERE is_main = 0;
