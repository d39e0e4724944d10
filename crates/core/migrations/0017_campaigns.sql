-- Version 17: the mass-message planner (guide §5). A campaign is sent on a day by its senders
-- to their own customers that match its audience (tags, RFM segments, owners; none: all).
CREATE TABLE campaigns (
    id   INTEGER PRIMARY KEY,
    day  TEXT NOT NULL,   -- YYYY-MM-DD
    text TEXT NOT NULL
);
CREATE INDEX campaigns_day ON campaigns (day);

CREATE TABLE campaign_senders (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    member_id   INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (campaign_id, member_id)
) WITHOUT ROWID;
CREATE INDEX campaign_senders_member ON campaign_senders (member_id);

CREATE TABLE campaign_audience (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    kind        TEXT NOT NULL CHECK (kind IN ('tag', 'segment', 'owner')),
    value       TEXT NOT NULL,
    PRIMARY KEY (campaign_id, kind, value)
) WITHOUT ROWID;
