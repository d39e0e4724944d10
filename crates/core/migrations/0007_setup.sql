-- Version 7: the setup journey. The organisation's legal details, the certification plan, manual
-- checklist ticks, security settings, and the hardware inventory with its offline/failure log.
ALTER TABLE organization ADD COLUMN legal_name TEXT;
ALTER TABLE organization ADD COLUMN credit_code TEXT;
ALTER TABLE organization ADD COLUMN entity_type TEXT NOT NULL DEFAULT 'enterprise';
ALTER TABLE organization ADD COLUMN industry TEXT;
ALTER TABLE organization ADD COLUMN region TEXT;
ALTER TABLE organization ADD COLUMN headcount INTEGER;

CREATE TABLE certification (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    method       TEXT NOT NULL,
    submitted_on TEXT,
    approved_on  TEXT,
    -- Material keys ticked as ready, as a JSON array.
    ready        TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE checklist_ticks (
    item   TEXT PRIMARY KEY,
    done   INTEGER NOT NULL CHECK (done IN (0, 1)),
    reason TEXT
) WITHOUT ROWID;

CREATE TABLE security_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
    id               INTEGER PRIMARY KEY,
    serial           TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('attendance', 'display', 'tablet')),
    model            TEXT,
    site             TEXT NOT NULL,
    batch            TEXT NOT NULL,
    connectivity     TEXT,
    face_recognition INTEGER NOT NULL DEFAULT 0 CHECK (face_recognition IN (0, 1))
);
CREATE INDEX devices_batch ON devices (batch);

CREATE TABLE device_events (
    id        INTEGER PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    day       TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('offline', 'failure')),
    hours     REAL,
    note      TEXT
);
CREATE INDEX device_events_device ON device_events (device_id, day);
