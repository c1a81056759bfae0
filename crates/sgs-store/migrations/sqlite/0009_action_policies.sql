-- The district's school-action policy: rules that propose actions (JSON read by the analysis crate).
CREATE TABLE action_policies (
    district_id TEXT PRIMARY KEY REFERENCES districts(id),
    rules TEXT NOT NULL
);
