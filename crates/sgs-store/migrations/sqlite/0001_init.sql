-- SGS schema, SQLite flavour. Keep column names and order identical to postgres/0001_init.sql:
-- the schema test compares them. Never edit a shipped migration; add a new one.
CREATE TABLE districts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    boundary TEXT
);
CREATE TABLE campuses (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts(id),
    name TEXT NOT NULL,
    grade_low TEXT,
    grade_high TEXT,
    school_type TEXT,
    governance TEXT NOT NULL,
    address TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    programs TEXT NOT NULL,
    status TEXT NOT NULL,
    predecessor_id TEXT,
    planning_area_id TEXT
);
CREATE INDEX campuses_district ON campuses(district_id);
CREATE TABLE campus_years (
    campus_id TEXT NOT NULL REFERENCES campuses(id),
    school_year TEXT NOT NULL,
    capacity BIGINT,
    rating TEXT,
    not_rated_reason TEXT,
    overall_score BIGINT,
    achievement_score BIGINT,
    progress_score BIGINT,
    closing_gaps_score BIGINT,
    PRIMARY KEY (campus_id, school_year)
);
CREATE TABLE enrollment (
    campus_id TEXT NOT NULL REFERENCES campuses(id),
    school_year TEXT NOT NULL,
    grade_index BIGINT NOT NULL,
    students BIGINT NOT NULL,
    PRIMARY KEY (campus_id, school_year, grade_index)
);
CREATE TABLE group_counts (
    campus_id TEXT NOT NULL REFERENCES campuses(id),
    school_year TEXT NOT NULL,
    student_group TEXT NOT NULL,
    students BIGINT,
    percent DOUBLE PRECISION,
    PRIMARY KEY (campus_id, school_year, student_group)
);
CREATE TABLE planning_areas (
    district_id TEXT NOT NULL REFERENCES districts(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    geometry TEXT NOT NULL,
    PRIMARY KEY (district_id, id)
);
CREATE TABLE resident_counts (
    district_id TEXT NOT NULL REFERENCES districts(id),
    planning_area_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    grade_index BIGINT NOT NULL,
    student_group TEXT NOT NULL,
    students BIGINT NOT NULL,
    PRIMARY KEY (district_id, planning_area_id, school_year, grade_index, student_group)
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id TEXT REFERENCES districts(id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id TEXT,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    file TEXT NOT NULL,
    status TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    message TEXT NOT NULL
);
