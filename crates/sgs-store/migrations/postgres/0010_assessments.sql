-- The self-assessment (issue 5). Rubric versions are the JSON the sgs-assessment crate
-- serialises; version 1 is the base rubric shipped in code and is stored on first use, so every
-- assessment names a version that is stored here.
CREATE TABLE rubric_versions (
    district_id TEXT NOT NULL REFERENCES districts(id),
    version BIGINT NOT NULL,
    rubric TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (district_id, version)
);
-- One assessment per district and school year; status is open or closed. The facilitator is a
-- named account, who alone sees every rater's individual ratings.
CREATE TABLE assessments (
    id BIGSERIAL PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts(id),
    school_year TEXT NOT NULL,
    rubric_version BIGINT NOT NULL,
    status TEXT NOT NULL,
    facilitator_id BIGINT NOT NULL REFERENCES users(id),
    opened_by TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE UNIQUE INDEX assessments_district_year ON assessments(district_id, school_year);
-- Invited raters: existing accounts, with the seat they hold (cabinet, principal, board,
-- community). submitted_at is set when the rater hands in their ratings.
CREATE TABLE assessment_raters (
    assessment_id BIGINT NOT NULL REFERENCES assessments(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    rater_role TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    invited_at BIGINT NOT NULL,
    submitted_at BIGINT,
    PRIMARY KEY (assessment_id, user_id)
);
-- Individual ratings, private to the rater and the facilitator. answer is a level ("1".."9"),
-- "dont-know", or NULL while a draft has only a note; evidence_links is a JSON array of URLs.
CREATE TABLE assessment_ratings (
    assessment_id BIGINT NOT NULL REFERENCES assessments(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    indicator_id TEXT NOT NULL,
    answer TEXT,
    note TEXT NOT NULL,
    evidence_links TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (assessment_id, user_id, indicator_id)
);
-- The consensus level per indicator, with its rationale, who recorded it and when.
CREATE TABLE assessment_consensus (
    assessment_id BIGINT NOT NULL REFERENCES assessments(id),
    indicator_id TEXT NOT NULL,
    level BIGINT NOT NULL,
    rationale TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users(id),
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (assessment_id, indicator_id)
);
-- Follow-up work. Kept generic so later issues (improvement cycles) extend it: a title, an
-- owner and a due date, the lever it serves and, when it came from the self-assessment, the
-- indicator and assessment behind it.
CREATE TABLE initiatives (
    id BIGSERIAL PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts(id),
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_date TEXT,
    lever_id TEXT,
    source_indicator_id TEXT,
    source_assessment_id BIGINT REFERENCES assessments(id),
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX initiatives_district ON initiatives(district_id);
