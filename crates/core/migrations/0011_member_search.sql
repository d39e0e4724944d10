-- Version 11: members are searched through an index, not a scan.
-- `member_search` holds, per member (rowid = members.id), the searchable values (name, its full
-- pinyin and initials, account, mobile, alias, email), each between two \x02 and two \x03 (no
-- member value contains control characters), cut into trigrams. A query of three characters or
-- more matches anywhere in a value; one or two characters match the start or the end of a value
-- (`张`, `zw`, `伟`), which is how people type names.
-- The index is derived data, kept up to date lazily: the triggers below only note which members
-- changed in `member_search_pending` (a range of ids; bulk writes drop the triggers and note the
-- whole range), and the next search indexes them first. Nothing here is content: undo, audit
-- and snapshots ignore every table whose name starts with `member_search`.
CREATE VIRTUAL TABLE member_search USING fts5(
    text, tokenize = 'trigram', detail = full, content = '', contentless_delete = 1
);
CREATE TABLE member_search_pending (lo INTEGER NOT NULL, hi INTEGER NOT NULL);
INSERT INTO member_search_pending VALUES (-9223372036854775808, 9223372036854775807);
CREATE TRIGGER member_search_insert AFTER INSERT ON members BEGIN
    INSERT INTO member_search_pending VALUES (new.id, new.id);
END;
CREATE TRIGGER member_search_update AFTER UPDATE OF name, userid, mobile, alias, email ON members BEGIN
    INSERT INTO member_search_pending VALUES (new.id, new.id);
END;
CREATE TRIGGER member_search_delete AFTER DELETE ON members BEGIN
    INSERT INTO member_search_pending VALUES (old.id, old.id);
END;
-- Rebuilding the index for a million members flushes far fewer segments with a larger buffer.
INSERT INTO member_search (member_search, rank) VALUES ('hashsize', 16777216);
