-- Version 21: members in id order through a small index (issue "large workspaces").
-- A page deep in the list (`LIMIT 50 OFFSET 500000`) steps over the ids before it; in this
-- index that is about 10 bytes a member instead of the whole row, so a page at 1,000,000
-- members takes milliseconds instead of over 100.
CREATE INDEX members_order ON members (id);
