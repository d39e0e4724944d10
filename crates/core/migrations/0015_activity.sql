-- Version 15: operations health (the guide's epilogue). What the consoles' statistics exports
-- say about how the workspace is used, as imported: member activity, customer contact
-- statistics and the API call log. Members are referred to by id without a foreign key: the
-- activity of someone later removed stays part of the period's figures.

-- Member activity, one row per member and week (Monday-based): bit d (0 = Monday) of `reported`
-- is set when an imported file has the member's day d, and of `active` when they logged in
-- that day. A re-import of a day replaces that day's bit, so overlapping files never double count.
CREATE TABLE activity_weeks (
    week      INTEGER NOT NULL,  -- Julian day number of the week's Monday
    member_id INTEGER NOT NULL,
    reported  INTEGER NOT NULL CHECK (reported BETWEEN 1 AND 127),
    active    INTEGER NOT NULL CHECK (active BETWEEN 0 AND 127 AND (active & ~reported) = 0),
    PRIMARY KEY (week, member_id)
) WITHOUT ROWID;

-- Customer contact statistics per member, day and (when the export has one) source.
CREATE TABLE contact_stats (
    member_id           INTEGER NOT NULL,
    day                 INTEGER NOT NULL,  -- Julian day number
    source              TEXT NOT NULL DEFAULT '',
    chats               INTEGER,
    sent                INTEGER,
    replied_share       REAL CHECK (replied_share BETWEEN 0 AND 1),
    first_reply_seconds REAL CHECK (first_reply_seconds >= 0),
    added               INTEGER,
    lost                INTEGER,
    quick_replies       INTEGER,
    PRIMARY KEY (member_id, day, source)
) WITHOUT ROWID;
CREATE INDEX contact_stats_day ON contact_stats (day);

-- The API call log: imported from a file, or (later) written by the platform client.
CREATE TABLE api_calls (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,     -- YYYY-MM-DD HH:MM:SS
    endpoint TEXT NOT NULL,
    errcode  INTEGER NOT NULL   -- 0 = success
);
CREATE INDEX api_calls_at ON api_calls (at);
