-- Version 5: what the business needs of its platform, for the fit score.
CREATE TABLE needs (
    key        TEXT PRIMARY KEY,
    importance TEXT NOT NULL CHECK (importance IN ('must', 'nice')),
    weight     INTEGER NOT NULL DEFAULT 3 CHECK (weight BETWEEN 1 AND 5),
    value      REAL
) WITHOUT ROWID;
