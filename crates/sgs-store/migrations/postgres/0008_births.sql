-- Births per calendar year in a district's area, for projecting kindergarten.
CREATE TABLE births (
    district_id TEXT NOT NULL REFERENCES districts(id),
    birth_year BIGINT NOT NULL,
    births BIGINT NOT NULL,
    PRIMARY KEY (district_id, birth_year)
);
