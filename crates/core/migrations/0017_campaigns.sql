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

-- Orders without the order-number index: an import keeps order numbers unique itself (it reads
-- the numbers once and replaces by row id), so a million orders are written without keeping
-- that b-tree. The customer index stays (the foreign key needs it).
CREATE TABLE orders_plain (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    number      TEXT,            -- 订单号, when the file has one (a re-import replaces it)
    ordered_at  TEXT NOT NULL,   -- YYYY-MM-DD HH:MM:SS
    amount      REAL NOT NULL CHECK (amount >= 0)
);
INSERT INTO orders_plain SELECT id, customer_id, number, ordered_at, amount FROM orders;
DROP TABLE orders;
ALTER TABLE orders_plain RENAME TO orders;
CREATE INDEX orders_customer ON orders (customer_id);
