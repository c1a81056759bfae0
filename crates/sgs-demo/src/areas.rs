//! The demo district's twelve planning areas: who lives there and where their borders run.
//!
//! The areas tile a four-by-three grid of irregular polygons around longitude -98.5, latitude
//! 29.45. Grid corners and the midpoints of grid edges are jittered once and shared by the
//! neighbouring areas, so the areas meet without gaps or overlaps and the district boundary is
//! exactly the outline of the grid.

use serde_json::{json, Value};

use crate::random::Random;

/// Number of grid columns (west to east).
const COLUMNS: usize = 4;
/// Number of grid rows (south to north).
const ROWS: usize = 3;
/// Longitude of the western edge of the grid before jitter.
const WEST: f64 = -98.62;
/// Latitude of the southern edge of the grid before jitter.
const SOUTH: f64 = 29.365;
/// Width of a grid cell in degrees of longitude.
const CELL_WIDTH: f64 = 0.06;
/// Height of a grid cell in degrees of latitude.
const CELL_HEIGHT: f64 = 0.055;
/// Largest shift of a grid corner, in degrees.
const CORNER_JITTER: f64 = 0.009;
/// Largest shift of an edge midpoint, in degrees.
const MIDPOINT_JITTER: f64 = 0.005;

/// Shares of a neighborhood's students in each student group, in percent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Demographics {
    /// Economically disadvantaged.
    pub(crate) economically_disadvantaged: f64,
    /// Emergent bilingual.
    pub(crate) emergent_bilingual: f64,
    /// Special education.
    pub(crate) special_education: f64,
    /// Hispanic.
    pub(crate) hispanic: f64,
    /// African American.
    pub(crate) african_american: f64,
    /// White.
    pub(crate) white: f64,
    /// Asian.
    pub(crate) asian: f64,
    /// Two or more races.
    pub(crate) two_or_more: f64,
}

/// Everything the generator assumes about one planning area.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AreaProfile {
    /// Planning area id.
    pub(crate) id: &'static str,
    /// Display name.
    pub(crate) name: &'static str,
    /// Grid column, 0 = west.
    pub(crate) column: usize,
    /// Grid row, 0 = north.
    pub(crate) row: usize,
    /// Names of the elementary schools located in the area, without the word "Elementary".
    pub(crate) elementary_names: &'static [&'static str],
    /// Name of the area's middle school.
    pub(crate) middle_name: &'static str,
    /// Name of the area's high school, when it has one.
    pub(crate) high_name: Option<&'static str>,
    /// The area whose high school this area's middle school feeds.
    pub(crate) high_school_area: &'static str,
    /// Yearly multiplier of kindergarten entry: above 1 the neighborhood is growing.
    pub(crate) growth: f64,
    /// Mean kindergarten entry per elementary school in 2018-2019.
    pub(crate) kindergarten_size: f64,
    /// Mean overall scaled score of the area's campuses in 2018-2019.
    pub(crate) quality: f64,
    /// Who the students are.
    pub(crate) demographics: Demographics,
    /// Share of resident students attending open-enrollment charters or other districts.
    pub(crate) charter_share: f64,
    /// Students enrolled in the area's campuses per district student living there: above 1
    /// the area draws students from elsewhere (magnets), below 1 its students leave.
    pub(crate) attraction: f64,
}

/// Shorthand for a demographics row.
#[allow(clippy::too_many_arguments)]
const fn demographics(
    economically_disadvantaged: f64,
    emergent_bilingual: f64,
    special_education: f64,
    hispanic: f64,
    african_american: f64,
    white: f64,
    asian: f64,
    two_or_more: f64,
) -> Demographics {
    Demographics {
        economically_disadvantaged,
        emergent_bilingual,
        special_education,
        hispanic,
        african_american,
        white,
        asian,
        two_or_more,
    }
}

/// The twelve planning areas, north row first, west to east.
pub(crate) const AREAS: [AreaProfile; 12] = [
    AreaProfile {
        id: "far-northwest",
        name: "Far Northwest",
        column: 0,
        row: 0,
        elementary_names: &[
            "Alder Creek",
            "Canyon Ridge",
            "Juniper Hills",
            "Agave Hills",
        ],
        middle_name: "Stonegate Middle School",
        high_name: Some("Northfield High School"),
        high_school_area: "far-northwest",
        growth: 1.035,
        kindergarten_size: 115.0,
        quality: 86.0,
        demographics: demographics(38.0, 11.0, 10.0, 50.0, 7.0, 31.0, 8.0, 3.6),
        charter_share: 0.10,
        attraction: 1.0,
    },
    AreaProfile {
        id: "northwest",
        name: "Northwest",
        column: 1,
        row: 0,
        elementary_names: &["Bluebonnet Trail", "Willow Springs", "Eleanor Whitfield"],
        middle_name: "Ruth Hendricks Middle School",
        high_name: None,
        high_school_area: "far-northwest",
        growth: 1.01,
        kindergarten_size: 104.0,
        quality: 83.0,
        demographics: demographics(58.0, 17.0, 11.0, 68.0, 7.0, 19.0, 3.5, 2.1),
        charter_share: 0.12,
        attraction: 0.95,
    },
    AreaProfile {
        id: "north-central",
        name: "North Central",
        column: 2,
        row: 0,
        elementary_names: &[
            "Pecan Grove",
            "Live Oak Park",
            "Arthur Pennington",
            "Samuel Brightwater",
        ],
        middle_name: "Hillcrest Middle School",
        high_name: Some("Riverbend High School"),
        high_school_area: "north-central",
        growth: 0.995,
        kindergarten_size: 98.0,
        quality: 84.0,
        demographics: demographics(50.0, 13.0, 11.0, 60.0, 8.0, 26.0, 3.5, 2.1),
        charter_share: 0.12,
        attraction: 1.15,
    },
    AreaProfile {
        id: "northeast",
        name: "Northeast",
        column: 3,
        row: 0,
        elementary_names: &["Cottonwood", "Lantana", "Daniel Okafor"],
        middle_name: "Walter Kincaid Middle School",
        high_name: None,
        high_school_area: "north-central",
        growth: 1.015,
        kindergarten_size: 98.0,
        quality: 77.0,
        demographics: demographics(72.0, 15.0, 12.0, 60.0, 22.0, 12.0, 3.0, 2.6),
        charter_share: 0.16,
        attraction: 0.95,
    },
    AreaProfile {
        id: "west-side",
        name: "West Side",
        column: 0,
        row: 1,
        elementary_names: &[
            "Ofelia Garza",
            "Carmen Ybarra",
            "Inez Salazar",
            "Graciela Montoya",
        ],
        middle_name: "Agustin Lerma Middle School",
        high_name: Some("Arroyo Seco High School"),
        high_school_area: "west-side",
        growth: 0.975,
        kindergarten_size: 93.0,
        quality: 69.0,
        demographics: demographics(94.0, 27.0, 13.0, 95.0, 2.0, 2.0, 0.3, 0.3),
        charter_share: 0.14,
        attraction: 0.9,
    },
    AreaProfile {
        id: "downtown",
        name: "Downtown",
        column: 1,
        row: 1,
        elementary_names: &["Mill Race", "Josephine Tate"],
        middle_name: "Beatrice Holloway Middle School",
        high_name: Some("Founders High School"),
        high_school_area: "downtown",
        growth: 0.985,
        kindergarten_size: 82.0,
        quality: 81.0,
        demographics: demographics(78.0, 17.0, 12.0, 76.0, 10.0, 11.0, 1.5, 1.1),
        charter_share: 0.10,
        attraction: 1.45,
    },
    AreaProfile {
        id: "near-east-side",
        name: "Near East Side",
        column: 2,
        row: 1,
        elementary_names: &["Harriet Coleman", "Marcus Ellison", "Henry Lockhart"],
        middle_name: "Mabel Pruitt Middle School",
        high_name: None,
        high_school_area: "east-side",
        growth: 0.965,
        kindergarten_size: 76.0,
        quality: 66.0,
        demographics: demographics(95.0, 13.0, 14.0, 57.0, 39.0, 2.0, 0.3, 1.3),
        charter_share: 0.28,
        attraction: 0.8,
    },
    AreaProfile {
        id: "east-side",
        name: "East Side",
        column: 3,
        row: 1,
        elementary_names: &["Red Bluff", "Rosa Delgado", "Benjamin Fairchild"],
        middle_name: "Clarence Odom Middle School",
        high_name: Some("Eastgate High School"),
        high_school_area: "east-side",
        growth: 0.98,
        kindergarten_size: 93.0,
        quality: 70.0,
        demographics: demographics(92.0, 19.0, 13.0, 72.0, 23.0, 3.0, 0.4, 1.2),
        charter_share: 0.22,
        attraction: 0.92,
    },
    AreaProfile {
        id: "southwest",
        name: "Southwest",
        column: 0,
        row: 2,
        elementary_names: &[
            "Mesquite Flats",
            "Sycamore Crossing",
            "Lucinda Reyes",
            "Paloma Vista",
        ],
        middle_name: "Cielo Vista Middle School",
        high_name: Some("Mesa Verde High School"),
        high_school_area: "southwest",
        growth: 1.025,
        kindergarten_size: 109.0,
        quality: 76.0,
        demographics: demographics(80.0, 23.0, 12.0, 87.0, 4.0, 7.0, 1.0, 0.6),
        charter_share: 0.10,
        attraction: 1.0,
    },
    AreaProfile {
        id: "south-central",
        name: "South Central",
        column: 1,
        row: 2,
        elementary_names: &["Stone Quarry", "Tomas Villarreal", "Dolores Cantu"],
        middle_name: "Mission Road Middle School",
        high_name: Some("Southview High School"),
        high_school_area: "south-central",
        growth: 0.99,
        kindergarten_size: 98.0,
        quality: 74.0,
        demographics: demographics(89.0, 25.0, 13.0, 92.0, 3.0, 4.0, 0.3, 0.3),
        charter_share: 0.13,
        attraction: 1.0,
    },
    AreaProfile {
        id: "southeast",
        name: "Southeast",
        column: 2,
        row: 2,
        elementary_names: &["Cedar Bend", "Old Mill", "Gilbert Navarro"],
        middle_name: "Yolanda Pierce Middle School",
        high_name: None,
        high_school_area: "far-southeast",
        growth: 1.0,
        kindergarten_size: 98.0,
        quality: 69.0,
        demographics: demographics(90.0, 21.0, 13.0, 80.0, 13.0, 5.0, 0.5, 1.1),
        charter_share: 0.20,
        attraction: 0.9,
    },
    AreaProfile {
        id: "far-southeast",
        name: "Far Southeast",
        column: 3,
        row: 2,
        elementary_names: &["Bright Meadow", "Harmony Fields"],
        middle_name: "Granite Ridge Middle School",
        high_name: Some("Granite Ridge High School"),
        high_school_area: "far-southeast",
        growth: 1.045,
        kindergarten_size: 109.0,
        quality: 67.0,
        demographics: demographics(85.0, 19.0, 12.0, 76.0, 16.0, 6.0, 0.8, 0.8),
        charter_share: 0.24,
        attraction: 0.75,
    },
];

/// The index in [`AREAS`] of the area with `id`.
pub(crate) fn area_index(id: &str) -> usize {
    AREAS
        .iter()
        .position(|area| area.id == id)
        .unwrap_or_else(|| panic!("unknown planning area {id}"))
}

/// A longitude/latitude pair.
pub(crate) type Point = (f64, f64);

/// Rounds a coordinate to five decimals (about one meter), as published boundary files do.
fn round_coordinate(value: f64) -> f64 {
    (value * 100_000.0).round() / 100_000.0
}

/// The jittered grid corner at column line `column` and row line `row` (row 0 = south).
fn corner(column: usize, row: usize) -> Point {
    let mut random = Random::keyed("grid-corner", (column * 10 + row) as u64);
    let longitude = WEST + CELL_WIDTH * column as f64 + random.between(-1.0, 1.0) * CORNER_JITTER;
    let latitude = SOUTH + CELL_HEIGHT * row as f64 + random.between(-1.0, 1.0) * CORNER_JITTER;
    (round_coordinate(longitude), round_coordinate(latitude))
}

/// A jittered point between two corners; `key` names the shared edge.
fn midpoint(from: Point, to: Point, key: u64) -> Point {
    let mut random = Random::keyed("grid-edge", key);
    let longitude = (from.0 + to.0) / 2.0 + random.between(-1.0, 1.0) * MIDPOINT_JITTER;
    let latitude = (from.1 + to.1) / 2.0 + random.between(-1.0, 1.0) * MIDPOINT_JITTER;
    (round_coordinate(longitude), round_coordinate(latitude))
}

/// The midpoint of the west-to-east edge starting at corner (`column`, `row`).
fn east_edge_midpoint(column: usize, row: usize) -> Point {
    let key = 1000 + (column * 10 + row) as u64;
    midpoint(corner(column, row), corner(column + 1, row), key)
}

/// The midpoint of the south-to-north edge starting at corner (`column`, `row`).
fn north_edge_midpoint(column: usize, row: usize) -> Point {
    let key = 2000 + (column * 10 + row) as u64;
    midpoint(corner(column, row), corner(column, row + 1), key)
}

/// The counterclockwise, closed outline of one grid cell (row 0 = south).
fn cell_ring(column: usize, row: usize) -> Vec<Point> {
    vec![
        corner(column, row),
        east_edge_midpoint(column, row),
        corner(column + 1, row),
        north_edge_midpoint(column + 1, row),
        corner(column + 1, row + 1),
        east_edge_midpoint(column, row + 1),
        corner(column, row + 1),
        north_edge_midpoint(column, row),
        corner(column, row),
    ]
}

/// The grid row (0 = south) of an area, whose `row` counts from the north.
fn grid_row(area: &AreaProfile) -> usize {
    ROWS - 1 - area.row
}

/// A closed ring as a GeoJSON `Polygon`.
fn polygon(ring: &[Point]) -> Value {
    let coordinates: Vec<Value> = ring
        .iter()
        .map(|(longitude, latitude)| json!([longitude, latitude]))
        .collect();
    json!({ "type": "Polygon", "coordinates": [coordinates] })
}

/// The GeoJSON geometry of every area, in [`AREAS`] order.
pub(crate) fn area_geometries() -> Vec<Value> {
    AREAS
        .iter()
        .map(|area| polygon(&cell_ring(area.column, grid_row(area))))
        .collect()
}

/// The district boundary: the outline of the whole grid, counterclockwise from the south-west.
pub(crate) fn boundary_geometry() -> Value {
    let mut ring = Vec::new();
    for column in 0..COLUMNS {
        ring.push(corner(column, 0));
        ring.push(east_edge_midpoint(column, 0));
    }
    for row in 0..ROWS {
        ring.push(corner(COLUMNS, row));
        ring.push(north_edge_midpoint(COLUMNS, row));
    }
    for column in (1..=COLUMNS).rev() {
        ring.push(corner(column, ROWS));
        ring.push(east_edge_midpoint(column - 1, ROWS));
    }
    for row in (1..=ROWS).rev() {
        ring.push(corner(0, row));
        ring.push(north_edge_midpoint(0, row - 1));
    }
    ring.push(corner(0, 0));
    polygon(&ring)
}

/// A point inside an area's cell at fractions (`across`, `up`) of its width and height, found
/// by bilinear interpolation between the cell's four corners.
pub(crate) fn point_in_area(area: &AreaProfile, across: f64, up: f64) -> Point {
    let row = grid_row(area);
    let south_west = corner(area.column, row);
    let south_east = corner(area.column + 1, row);
    let north_east = corner(area.column + 1, row + 1);
    let north_west = corner(area.column, row + 1);
    let blend = |pick: fn(Point) -> f64| {
        (1.0 - across) * (1.0 - up) * pick(south_west)
            + across * (1.0 - up) * pick(south_east)
            + across * up * pick(north_east)
            + (1.0 - across) * up * pick(north_west)
    };
    (
        round_coordinate(blend(|point| point.0)),
        round_coordinate(blend(|point| point.1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sgs_domain::geo::contains;

    #[test]
    fn areas_tile_the_district_without_overlap() {
        let geometries = area_geometries();
        let boundary = boundary_geometry();
        let mut random = Random::keyed("tiling-test", 0);
        for _ in 0..2_000 {
            let longitude = random.between(WEST - 0.02, WEST + 4.0 * CELL_WIDTH + 0.02);
            let latitude = random.between(SOUTH - 0.02, SOUTH + 3.0 * CELL_HEIGHT + 0.02);
            let holding = geometries
                .iter()
                .filter(|geometry| contains(geometry, longitude, latitude))
                .count();
            let inside = contains(&boundary, longitude, latitude);
            assert!(holding <= 1, "({longitude}, {latitude}) in {holding} areas");
            assert_eq!(holding == 1, inside, "({longitude}, {latitude})");
        }
    }

    #[test]
    fn area_ids_are_unique_and_feed_areas_with_a_high_school() {
        for (index, area) in AREAS.iter().enumerate() {
            assert_eq!(area_index(area.id), index);
            let feeds = &AREAS[area_index(area.high_school_area)];
            assert!(feeds.high_name.is_some(), "{} feeds {}", area.id, feeds.id);
        }
        let cells: std::collections::BTreeSet<_> =
            AREAS.iter().map(|area| (area.column, area.row)).collect();
        assert_eq!(cells.len(), AREAS.len());
    }
}
