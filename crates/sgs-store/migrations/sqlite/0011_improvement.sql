-- Lever 4 and improvement science: universal goals with their barriers and targeted strategies
-- (targeted universalism), initiatives of the Office of Innovation with milestones and
-- artifacts, driver diagrams, PDSA cycles and measures with their values.

-- Initiatives (created by the self-assessment's follow-up work) grow the fields an Office of
-- Innovation tracks. `status` stays the lifecycle (open, done, stopped); how an initiative is
-- doing is computed from its measures and milestones, never stored.
ALTER TABLE initiatives ADD COLUMN description TEXT;
ALTER TABLE initiatives ADD COLUMN mode TEXT;
ALTER TABLE initiatives ADD COLUMN start_date TEXT;
ALTER TABLE initiatives ADD COLUMN budget DOUBLE PRECISION;
ALTER TABLE initiatives ADD COLUMN goal_id BIGINT;

-- A universal goal: a measure, a target and a deadline for every student.
CREATE TABLE universal_goals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id TEXT NOT NULL REFERENCES districts(id),
    title TEXT NOT NULL,
    measure TEXT NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    deadline TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX universal_goals_district ON universal_goals(district_id);

-- What stands between a group or a place and the goal, with the evidence.
CREATE TABLE goal_barriers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    goal_id BIGINT NOT NULL REFERENCES universal_goals(id),
    population TEXT NOT NULL,
    description TEXT NOT NULL,
    evidence TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX goal_barriers_goal ON goal_barriers(goal_id);

-- A targeted strategy for a group or a place, against a barrier, carried by an initiative.
CREATE TABLE goal_strategies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    goal_id BIGINT NOT NULL REFERENCES universal_goals(id),
    population TEXT NOT NULL,
    barrier_id BIGINT REFERENCES goal_barriers(id),
    action TEXT NOT NULL,
    owner TEXT NOT NULL,
    initiative_id BIGINT REFERENCES initiatives(id),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX goal_strategies_goal ON goal_strategies(goal_id);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    title TEXT NOT NULL,
    due_date TEXT NOT NULL,
    done_on TEXT,
    roadmap_step BIGINT,
    position BIGINT NOT NULL
);
CREATE INDEX milestones_initiative ON milestones(initiative_id);

CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL
);
CREATE INDEX artifacts_initiative ON artifacts(initiative_id);

-- Driver diagrams: a tree of nodes (aim, primary and secondary drivers, change ideas).
CREATE TABLE driver_nodes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id TEXT NOT NULL REFERENCES districts(id),
    initiative_id BIGINT REFERENCES initiatives(id),
    parent_id BIGINT REFERENCES driver_nodes(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    position BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX driver_nodes_district ON driver_nodes(district_id);

-- Measures: outcome, process or balancing; values entered, imported, or read from SGS's own
-- data (`source`).
CREATE TABLE measures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id TEXT NOT NULL REFERENCES districts(id),
    initiative_id BIGINT REFERENCES initiatives(id),
    name TEXT NOT NULL,
    family TEXT NOT NULL,
    better TEXT NOT NULL,
    unit TEXT NOT NULL,
    source TEXT NOT NULL,
    phase_starts TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX measures_district ON measures(district_id);

CREATE TABLE measure_values (
    measure_id BIGINT NOT NULL REFERENCES measures(id),
    period TEXT NOT NULL,
    position BIGINT NOT NULL,
    value DOUBLE PRECISION,
    entered_by TEXT NOT NULL,
    entered_at BIGINT NOT NULL,
    PRIMARY KEY (measure_id, period)
);

-- Which measures tell whether a driver-diagram node is moving.
CREATE TABLE node_measures (
    node_id BIGINT NOT NULL REFERENCES driver_nodes(id),
    measure_id BIGINT NOT NULL REFERENCES measures(id),
    PRIMARY KEY (node_id, measure_id)
);

-- PDSA cycles test a change idea; a cycle that follows another makes a ramp.
CREATE TABLE pdsa_cycles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id TEXT NOT NULL REFERENCES districts(id),
    change_idea_id BIGINT NOT NULL REFERENCES driver_nodes(id),
    previous_id BIGINT REFERENCES pdsa_cycles(id),
    title TEXT NOT NULL,
    question TEXT NOT NULL,
    change_tested TEXT NOT NULL,
    prediction TEXT NOT NULL,
    measures_plan TEXT NOT NULL,
    who_what_when TEXT NOT NULL,
    start_date TEXT,
    end_date TEXT,
    do_notes TEXT NOT NULL,
    study_notes TEXT NOT NULL,
    act TEXT,
    next_steps TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX pdsa_cycles_idea ON pdsa_cycles(change_idea_id);
