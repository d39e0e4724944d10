-- Version 19: connecting to the platform (guide's epilogue; issue "connect to the platform").
-- A workspace may be connected to its platform: the non-secret id is kept here, the secret only
-- in the OS keyring under `keyring_user` (a random key made when connecting, never the secret).
-- A pull keeps the live directory beside the plan, never mixed into it.
CREATE TABLE connections (
    platform     TEXT PRIMARY KEY CHECK (platform IN ('wecom', 'dingtalk', 'feishu')),
    client_id    TEXT NOT NULL,   -- WeCom corp id, DingTalk app key, Feishu app id
    keyring_user TEXT NOT NULL,   -- the keyring entry's user name (service "OrgDesk")
    connected_at TEXT NOT NULL
);

CREATE TABLE live_pulls (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    pulled_at   TEXT NOT NULL,
    withheld    TEXT NOT NULL DEFAULT '[]'  -- JSON: fields the platform did not give
);

CREATE TABLE live_departments (
    id         INTEGER PRIMARY KEY,  -- the platform's department id
    parent_id  INTEGER,              -- NULL for the root
    name       TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE live_members (
    userid          TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    mobile          TEXT,
    email           TEXT,
    position        TEXT,
    departments     TEXT NOT NULL DEFAULT '[]',  -- JSON: the platform's department ids
    main_department INTEGER,
    leader_in       TEXT NOT NULL DEFAULT '[]',  -- JSON: department ids they lead
    status          INTEGER                      -- the platform's own code (WeCom: 1 active, 2 disabled, 4 not joined)
);
