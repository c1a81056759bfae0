-- School choice: a season's applications as the files of the open choice format
-- (docs/choice-format.md), match runs with every output file, and chance-of-offer estimates
-- for the school finder.

-- One season's inputs: programs.csv, students.csv, preferences.csv and the optional files.
CREATE TABLE choice_files (
    district_id TEXT NOT NULL REFERENCES districts(id),
    season TEXT NOT NULL,
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (district_id, season, name)
);

-- A run of the match: the policy it used, how its seed was fixed, and what it found.
CREATE TABLE match_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id TEXT NOT NULL REFERENCES districts(id),
    season TEXT NOT NULL,
    label TEXT NOT NULL,
    policy TEXT NOT NULL,
    public_value TEXT,
    seed TEXT NOT NULL,
    input_digest TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX match_runs_district ON match_runs(district_id);

-- A run's output files: assignments.csv, cutoffs.csv, waitlists.csv, lottery.csv, run.json.
CREATE TABLE match_run_files (
    run_id BIGINT NOT NULL REFERENCES match_runs(id),
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
);

-- The latest chance-of-offer estimate of a season (per program and priority group).
CREATE TABLE offer_chances (
    district_id TEXT NOT NULL REFERENCES districts(id),
    season TEXT NOT NULL,
    redraws BIGINT NOT NULL,
    report TEXT NOT NULL,
    computed_by TEXT NOT NULL,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (district_id, season)
);
