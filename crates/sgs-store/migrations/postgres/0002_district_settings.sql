-- District settings: the grade bands a district plans by (default K-5, 6-8, 9-12).
CREATE TABLE district_settings (
    district_id TEXT PRIMARY KEY REFERENCES districts(id),
    grade_bands TEXT NOT NULL
);
