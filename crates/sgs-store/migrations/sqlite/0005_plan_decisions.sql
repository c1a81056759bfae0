-- The annual school plan: decisions on school actions, per campus and school year.
CREATE TABLE plan_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id TEXT NOT NULL REFERENCES districts(id),
    campus_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    action TEXT NOT NULL,
    rationale TEXT NOT NULL,
    owner TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at BIGINT NOT NULL
);
