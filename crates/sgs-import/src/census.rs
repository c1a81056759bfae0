//! Children by single year of age per ZIP code (Census 2010 SF1, as published per ZIP with its
//! centre point), turned into planning areas and resident counts for a district that has no
//! neighbourhood polygons of its own.
//!
//! Each ZIP becomes a planning area `zip-<code>`, drawn as the part of the district nearest to
//! the ZIP's centre (the district boundary when one is imported or stored; otherwise a rectangle
//! around the centres, see [`clip_census_areas`]). A child's age on the census day stands for a
//! grade: 4 for pre-kindergarten, 5 for kindergarten, 6 for grade 1, and so on to 17 for grade
//! 12. The counts are for the school year the import names (`--year`): a census count is an
//! estimate of demand, not an enrollment, and ZIP codes cross district lines, so every area's
//! count includes children who live outside the district's part of it. `docs/data-formats.md`
//! says so where it documents the file.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use sgs_domain::geo::{bounding_ring, nearest_cells, outer_rings};
use sgs_domain::{DistrictSnapshot, Grade, PlanningArea, ResidentCount};

use crate::table::Table;
use crate::{AreaCentre, ImportError, Read, ReadOptions};

/// The columns the reader needs: the ZIP, its centre, and ages 4 to 17.
pub(crate) fn required_columns() -> Vec<String> {
    let mut columns = vec!["zip".to_string(), "lat".into(), "lng".into()];
    columns.extend((4..=17).map(|age| format!("age_{age}")));
    columns
}

/// The grade a child of `age` (on the census day) stands for.
fn grade_for_age(age: u8) -> Grade {
    match age {
        4 => Grade::PK,
        5 => Grade::K,
        _ => Grade::G(age - 5),
    }
}

/// Reads the file into planning areas (cells around a rectangle of the ZIP centres, to be
/// clipped to the boundary by [`clip_census_areas`]) and resident counts for the import's year.
pub(crate) fn read_zip_children(
    path: &Path,
    options: &ReadOptions,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    let required = required_columns();
    let header = required.join(",");
    let zip_col = table.require("zip", &header)?;
    let lat_col = table.require("lat", &header)?;
    let lng_col = table.require("lng", &header)?;
    let land_col = table.find("land_sqmi");
    let ages: Vec<(u8, crate::table::Col)> = (4..=17)
        .map(|age| Ok((age, table.require(&format!("age_{age}"), &header)?)))
        .collect::<Result<_, ImportError>>()?;
    let Some(year) = options.school_year else {
        return Err(ImportError::general(
            table.file(),
            None,
            "census counts carry no school year",
            "the school year the counts stand for, given with --year (e.g. --year 2021-2022)",
        ));
    };

    let mut read = Read::default();
    let mut seen = HashSet::new();
    let mut centres = Vec::new();
    table.for_each(|row| {
        let zip = row.raw(zip_col).to_string();
        if zip.len() != 5 || !zip.bytes().all(|b| b.is_ascii_digit()) {
            return Err(row.error(zip_col, "a five-digit ZIP code"));
        }
        if !seen.insert(zip.clone()) {
            return Err(row.row_error(format!("ZIP {zip} appears twice"), "one row per ZIP code"));
        }
        let lat = row
            .decimal(Some(lat_col), -90.0, 90.0, "a latitude in degrees")?
            .ok_or_else(|| row.error(lat_col, "a latitude in degrees"))?;
        let lng = row
            .decimal(Some(lng_col), -180.0, 180.0, "a longitude in degrees")?
            .ok_or_else(|| row.error(lng_col, "a longitude in degrees"))?;
        let land = row.decimal(land_col, 0.0, 100_000.0, "a land area in square miles")?;
        let area = format!("zip-{zip}");
        for &(age, col) in &ages {
            // A masked age is unknown, not zero: no count is recorded for its grade.
            if let Some(count) = row.count(col, "a whole number of children")? {
                data.resident_counts.push(ResidentCount {
                    planning_area_id: area.clone(),
                    school_year: year,
                    grade: grade_for_age(age),
                    group: None,
                    count,
                });
            }
        }
        centres.push((area, zip, (lng, lat), land.filter(|l| *l > 0.0)));
        read.rows += 1;
        Ok(())
    })?;
    if centres.is_empty() {
        return Err(ImportError::general(
            table.file(),
            None,
            "the file has no ZIP rows",
            "one row per ZIP code",
        ));
    }
    read.years.insert(year);
    let points: Vec<(f64, f64)> = centres.iter().map(|(_, _, p, _)| *p).collect();
    let cells = nearest_cells(&points, &[bounding_ring(&points, 0.25)]);
    for ((id, zip, centre, land), cell) in centres.into_iter().zip(cells) {
        if let Some(geometry) = cell {
            read.area_centres.push(AreaCentre {
                id: id.clone(),
                centre,
                land_square_miles: land,
            });
            data.planning_areas.push(PlanningArea {
                id,
                name: format!("ZIP {zip}"),
                geometry,
            });
        }
    }
    Ok(read)
}

/// Redraws census areas as the parts of `boundary` (a GeoJSON `Polygon` or `MultiPolygon`)
/// nearest each ZIP centre, drops the areas (and their counts) that fall wholly outside it, and
/// scales each area's counts to the share of its ZIP's land that its part of the district
/// covers, where the land area is known.
pub(crate) fn clip_census_areas(
    data: &mut DistrictSnapshot,
    centres: &[AreaCentre],
    boundary: &serde_json::Value,
) {
    let clip = outer_rings(boundary);
    if clip.is_empty() || centres.is_empty() {
        return;
    }
    let points: Vec<(f64, f64)> = centres.iter().map(|c| c.centre).collect();
    let cells = nearest_cells(&points, &clip);
    let mut share: HashMap<String, f64> = HashMap::new();
    data.planning_areas = centres
        .iter()
        .zip(cells)
        .filter_map(|(centre, cell)| {
            let geometry = cell?;
            let name = data
                .planning_areas
                .iter()
                .find(|a| a.id == centre.id)
                .map(|a| a.name.clone())?;
            let covered = centre
                .land_square_miles
                .map(|land| (square_miles(&geometry) / land).min(1.0))
                .unwrap_or(1.0);
            share.insert(centre.id.clone(), covered);
            Some(PlanningArea {
                id: centre.id.clone(),
                name,
                geometry,
            })
        })
        .collect();
    data.resident_counts
        .retain_mut(|r| match share.get(&r.planning_area_id) {
            Some(covered) => {
                r.count = (f64::from(r.count) * covered).round() as u32;
                true
            }
            None => false,
        });
}

/// The area of a GeoJSON polygon geometry in square miles (outer rings, lon/lat degrees on a
/// sphere of the Earth's mean radius, flat within the polygon: exact enough for a district).
pub(crate) fn square_miles(geometry: &serde_json::Value) -> f64 {
    const MILES_PER_DEGREE: f64 = 69.09;
    outer_rings(geometry)
        .iter()
        .map(|ring| {
            let lat = ring.iter().map(|p| p.1).sum::<f64>() / ring.len() as f64;
            let scale = lat.to_radians().cos();
            let doubled: f64 = (0..ring.len())
                .map(|i| {
                    let (x1, y1) = ring[i];
                    let (x2, y2) = ring[(i + 1) % ring.len()];
                    x1 * scale * y2 - x2 * scale * y1
                })
                .sum();
            (doubled / 2.0).abs() * MILES_PER_DEGREE * MILES_PER_DEGREE
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_degree_square_at_the_equator_is_about_4800_square_miles() {
        let square = serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]});
        let area = square_miles(&square);
        assert!(
            (area - 69.09 * 69.09 * (0.5f64).to_radians().cos()).abs() < 1.0,
            "{area}"
        );
    }

    #[test]
    fn counts_shrink_to_the_share_of_the_zip_inside_the_boundary() {
        // Two ZIPs of 100 children each; the first has 800 square miles of land, the second's
        // is unknown.
        let deg = 20.0 / 69.09; // 20 miles in degrees at the equator
        let mut data = DistrictSnapshot::default();
        for (id, name) in [("zip-1", "ZIP 1"), ("zip-2", "ZIP 2")] {
            data.planning_areas.push(PlanningArea {
                id: id.into(),
                name: name.into(),
                geometry: serde_json::json!(null),
            });
            data.resident_counts.push(ResidentCount {
                planning_area_id: id.into(),
                school_year: sgs_domain::SchoolYear::starting(2021),
                grade: Grade::K,
                group: None,
                count: 100,
            });
        }
        let centres = [
            AreaCentre {
                id: "zip-1".into(),
                centre: (0.0, 0.0),
                land_square_miles: Some(800.0),
            },
            AreaCentre {
                id: "zip-2".into(),
                centre: (2.0 * deg, 0.0),
                land_square_miles: None,
            },
        ];
        // The boundary: from the first centre's left half-width to the far right.
        let boundary = serde_json::json!({"type": "Polygon", "coordinates": [[
            [-deg / 2.0, -deg / 2.0], [3.0 * deg, -deg / 2.0], [3.0 * deg, deg / 2.0], [-deg / 2.0, deg / 2.0], [-deg / 2.0, -deg / 2.0]
        ]]});
        clip_census_areas(&mut data, &centres, &boundary);
        // zip-1's cell runs from x = -deg/2 to the bisector at x = deg (30 miles) and is 20
        // miles tall: 600 of its 800 square miles, so 75 children. zip-2's land is unknown: all
        // 100 stay.
        let counts: Vec<u32> = data.resident_counts.iter().map(|r| r.count).collect();
        assert_eq!(counts, vec![75, 100]);
        assert_eq!(data.planning_areas.len(), 2);
    }

    #[test]
    fn ages_stand_for_grades() {
        assert_eq!(grade_for_age(4), Grade::PK);
        assert_eq!(grade_for_age(5), Grade::K);
        assert_eq!(grade_for_age(6), Grade::G(1));
        assert_eq!(grade_for_age(17), Grade::G(12));
    }
}
