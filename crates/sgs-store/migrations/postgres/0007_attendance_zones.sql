-- Attendance zones: the area a campus is zoned to serve, GeoJSON geometry.
CREATE TABLE attendance_zones (
    campus_id TEXT PRIMARY KEY REFERENCES campuses(id),
    district_id TEXT NOT NULL REFERENCES districts(id),
    geometry TEXT NOT NULL
);
