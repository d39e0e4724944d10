-- Version 16: customer contact (guide §5). Customers as the customer export lists them, each
-- owned by the members who added them (a customer added by two members has two owners), their
-- orders, and tags in three layers (basic, behaviour, value; value tags are computed by RFM).
CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    mobile      TEXT,            -- normalised; with the name, who the customer is
    external_id TEXT,            -- the platform's id (外部联系人ID), when the export has it
    kind        TEXT,            -- 客户类型 as exported (微信, 企业微信 …)
    company     TEXT,
    description TEXT
);
CREATE UNIQUE INDEX customers_identity ON customers (name, coalesce(mobile, ''));
CREATE INDEX customers_mobile ON customers (mobile) WHERE mobile IS NOT NULL;
CREATE UNIQUE INDEX customers_external ON customers (external_id) WHERE external_id IS NOT NULL;

CREATE TABLE customer_owners (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    member_id   INTEGER NOT NULL REFERENCES members (id),
    added_at    TEXT,            -- YYYY-MM-DD HH:MM:SS
    source      TEXT,            -- 添加渠道
    remark      TEXT,            -- the owner's 备注
    PRIMARY KEY (customer_id, member_id)
) WITHOUT ROWID;
CREATE INDEX customer_owners_member ON customer_owners (member_id);

CREATE TABLE tag_groups (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    layer      TEXT NOT NULL CHECK (layer IN ('basic', 'behaviour', 'value')),
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tags (
    id       INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES tag_groups (id),
    name     TEXT NOT NULL,
    UNIQUE (group_id, name)
);

CREATE TABLE customer_tags (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    tag_id      INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (customer_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX customer_tags_tag ON customer_tags (tag_id);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    number      TEXT UNIQUE,     -- 订单号, when the file has one (a re-import replaces it)
    ordered_at  TEXT NOT NULL,   -- YYYY-MM-DD HH:MM:SS
    amount      REAL NOT NULL CHECK (amount >= 0)
);
CREATE INDEX orders_customer ON orders (customer_id);
