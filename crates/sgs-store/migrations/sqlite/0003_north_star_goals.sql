-- The district's North Star goal: a share of students in quality seats by a school year.
CREATE TABLE north_star_goals (
    district_id TEXT PRIMARY KEY REFERENCES districts(id),
    target_percent DOUBLE PRECISION NOT NULL,
    target_year TEXT NOT NULL
);
