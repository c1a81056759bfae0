-- The district's definition of a great school, versioned by the year each version applies from
-- (JSON read by the analysis crate).
CREATE TABLE performance_frameworks (
    district_id TEXT PRIMARY KEY REFERENCES districts(id),
    definition TEXT NOT NULL
);
