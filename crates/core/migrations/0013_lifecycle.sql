-- Version 13: member lifecycle (guide §3). Departments whose members face customers (their
-- activation matters: unverified members cannot use external contact); leavers with their leaving
-- date and successor; steps of a joiner's or leaver's checklist ticked by hand.
ALTER TABLE departments ADD COLUMN customer_facing INTEGER NOT NULL DEFAULT 0
    CHECK (customer_facing IN (0, 1));

CREATE TABLE leavers (
    member_id    INTEGER PRIMARY KEY REFERENCES members (id),
    leaving_on   TEXT NOT NULL,
    successor_id INTEGER REFERENCES members (id)
);
CREATE INDEX leavers_successor ON leavers (successor_id);

CREATE TABLE lifecycle_ticks (
    member_id INTEGER NOT NULL REFERENCES members (id),
    kind      TEXT NOT NULL CHECK (kind IN ('joiner', 'leaver')),
    step      TEXT NOT NULL,
    done_on   TEXT NOT NULL,
    note      TEXT,
    PRIMARY KEY (member_id, kind, step)
) WITHOUT ROWID;
