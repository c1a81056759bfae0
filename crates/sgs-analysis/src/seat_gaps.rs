//! The Quality Seats Analysis: per planning area and grade band, demand (resident students),
//! supply (quality seats serving the area), the gap between them, the service level, and a
//! ranking that names the priority areas. This is the IFF supply-and-demand method; every supply
//! figure keeps the list of campuses behind it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sgs_domain::summary::Tier;
use sgs_domain::{
    geo, Campus, CampusId, CampusYear, Grade, GradeBand, PlanningArea, ResidentCount, SchoolYear,
};

use crate::framework::Framework;

/// How a campus's seats count for an area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Attribution {
    /// The campus sits in the area (its planning area, or the polygon holds its coordinates).
    LocatedIn,
    /// The campus is within this many miles of the area's centre (access-aware; a campus can
    /// serve several areas).
    WithinMiles(f64),
    /// The campus's attendance zone covers the area's centre (zones in the settings).
    AttendanceZone,
}

/// One area, one grade band, one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeatGapRow {
    /// The school year.
    pub school_year: SchoolYear,
    /// Planning area id.
    pub area_id: String,
    /// Grade band name.
    pub band: String,
    /// Resident students in the band.
    pub demand: u32,
    /// Quality seats serving the area in the band.
    pub supply: f64,
    /// Demand − supply; negative is a surplus.
    pub gap: f64,
    /// Supply ÷ demand, capped at 1; `None` without residents.
    pub service_level: Option<f64>,
    /// 1 = the largest gap among areas for this band and year.
    pub rank: usize,
    /// The quality campuses behind `supply`, with the seats each contributes.
    pub campuses: Vec<(CampusId, f64)>,
}

/// An area's standing across every band and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRanking {
    /// Planning area id.
    pub area_id: String,
    /// Display name.
    pub name: String,
    /// Mean of its ranks over bands and years.
    pub mean_rank: f64,
    /// Total gap over bands in the latest year analysed.
    pub latest_gap: f64,
    /// Whether it is among the priority areas.
    pub priority: bool,
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeatGapReport {
    /// Years analysed: those with letter ratings and resident counts.
    pub years: Vec<SchoolYear>,
    /// Every area × band × year.
    pub rows: Vec<SeatGapRow>,
    /// Areas by mean rank, best (largest need) first.
    pub areas: Vec<AreaRanking>,
}

/// Settings of the analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatGapSettings {
    /// How seats count for an area.
    pub attribution: Attribution,
    /// How many areas to name as priorities.
    pub priority_areas: usize,
    /// Attendance zones by campus, for [`Attribution::AttendanceZone`].
    pub zones: BTreeMap<CampusId, serde_json::Value>,
}

impl Default for SeatGapSettings {
    fn default() -> Self {
        SeatGapSettings {
            attribution: Attribution::LocatedIn,
            priority_areas: 3,
            zones: BTreeMap::new(),
        }
    }
}

/// Seats a campus offers in a band: capacity where known (split across bands by enrollment, or
/// by grades served when enrollment is missing), else enrollment.
pub fn band_seats(campus: &Campus, facts: &CampusYear, band: &GradeBand) -> f64 {
    let in_band: u32 = facts
        .enrollment
        .iter()
        .filter(|(g, _)| band.contains(**g))
        .map(|(_, n)| n)
        .sum();
    let total = facts.total_enrollment().unwrap_or(0);
    match facts.capacity {
        Some(capacity) if total > 0 => f64::from(capacity) * f64::from(in_band) / f64::from(total),
        Some(capacity) => {
            let (Some(low), Some(high)) = (campus.grade_low, campus.grade_high) else {
                return 0.0;
            };
            let served: Vec<Grade> = Grade::all()
                .into_iter()
                .filter(|g| low <= *g && *g <= high)
                .collect();
            let in_band = served.iter().filter(|g| band.contains(**g)).count();
            if served.is_empty() {
                0.0
            } else {
                f64::from(capacity) * in_band as f64 / served.len() as f64
            }
        }
        None => f64::from(in_band),
    }
}

/// The average of an area's outer-ring vertices: its centre, closely enough for distances.
pub fn area_centre(area: &PlanningArea) -> Option<(f64, f64)> {
    let g = &area.geometry;
    let ring = match g["type"].as_str()? {
        "Polygon" => g["coordinates"].get(0)?,
        "MultiPolygon" => g["coordinates"].get(0)?.get(0)?,
        _ => return None,
    };
    let mut points: Vec<(f64, f64)> = ring
        .as_array()?
        .iter()
        .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
        .collect();
    // GeoJSON rings repeat their first point at the end; count it once.
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some((
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    ))
}

/// Great-circle distance in miles between two (longitude, latitude) points.
pub fn miles_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 3958.8 * h.sqrt().asin()
}

fn serves(campus: &Campus, area: &PlanningArea, settings: &SeatGapSettings) -> bool {
    match settings.attribution {
        Attribution::LocatedIn => match &campus.planning_area_id {
            Some(id) => id == &area.id,
            None => match (campus.longitude, campus.latitude) {
                (Some(lon), Some(lat)) => geo::contains(&area.geometry, lon, lat),
                _ => false,
            },
        },
        Attribution::WithinMiles(miles) => {
            match (campus.longitude, campus.latitude, area_centre(area)) {
                (Some(lon), Some(lat), Some(centre)) => miles_between((lon, lat), centre) <= miles,
                _ => false,
            }
        }
        Attribution::AttendanceZone => match (settings.zones.get(&campus.id), area_centre(area)) {
            (Some(zone), Some((lon, lat))) => geo::contains(zone, lon, lat),
            _ => false,
        },
    }
}

/// Runs the Quality Seats Analysis.
#[allow(clippy::too_many_arguments)]
pub fn seat_gaps(
    campuses: &[Campus],
    campus_years: &BTreeMap<(CampusId, SchoolYear), CampusYear>,
    areas: &[PlanningArea],
    residents: &[ResidentCount],
    bands: &[GradeBand],
    framework: &Framework,
    settings: &SeatGapSettings,
) -> SeatGapReport {
    let campus_by_id: BTreeMap<&CampusId, &Campus> = campuses.iter().map(|c| (&c.id, c)).collect();
    let resident_years: BTreeSet<SchoolYear> = residents.iter().map(|r| r.school_year).collect();
    let rated_years: BTreeSet<SchoolYear> = campus_years
        .iter()
        .filter(|((_, y), f)| {
            matches!(
                framework.tier_in(*y, f),
                Tier::Quality | Tier::Mixed | Tier::Low
            )
        })
        .map(|((_, y), _)| *y)
        .collect();
    let years: Vec<SchoolYear> = rated_years.intersection(&resident_years).copied().collect();

    // Which areas each campus serves does not change from year to year.
    let served_areas: BTreeMap<&CampusId, Vec<&str>> = campuses
        .iter()
        .map(|c| {
            let list = areas
                .iter()
                .filter(|a| serves(c, a, settings))
                .map(|a| a.id.as_str())
                .collect();
            (&c.id, list)
        })
        .collect();

    let mut rows = Vec::new();
    for year in &years {
        for band in bands {
            let mut band_rows: Vec<SeatGapRow> = areas
                .iter()
                .map(|area| {
                    let demand: u32 = residents
                        .iter()
                        .filter(|r| {
                            r.school_year == *year
                                && r.group.is_none()
                                && r.planning_area_id == area.id
                                && band.contains(r.grade)
                        })
                        .map(|r| r.count)
                        .sum();
                    SeatGapRow {
                        school_year: *year,
                        area_id: area.id.clone(),
                        band: band.name.clone(),
                        demand,
                        supply: 0.0,
                        gap: 0.0,
                        service_level: None,
                        rank: 0,
                        campuses: Vec::new(),
                    }
                })
                .collect();
            for ((campus_id, campus_year), facts) in campus_years {
                if campus_year != year || framework.tier_in(*year, facts) != Tier::Quality {
                    continue;
                }
                let Some(campus) = campus_by_id.get(campus_id) else {
                    continue;
                };
                let seats = band_seats(campus, facts, band);
                if seats <= 0.0 {
                    continue;
                }
                for area_id in served_areas.get(campus_id).into_iter().flatten() {
                    if let Some(row) = band_rows.iter_mut().find(|r| r.area_id == *area_id) {
                        row.supply += seats;
                        row.campuses.push((campus_id.clone(), seats));
                    }
                }
            }
            for row in &mut band_rows {
                row.gap = f64::from(row.demand) - row.supply;
                row.service_level =
                    (row.demand > 0).then(|| (row.supply / f64::from(row.demand)).min(1.0));
            }
            // Competition ranking: the largest gap is 1; equal gaps share a rank.
            let mut gaps: Vec<f64> = band_rows.iter().map(|r| r.gap).collect();
            gaps.sort_by(|a, b| b.total_cmp(a));
            for row in &mut band_rows {
                row.rank = 1 + gaps.iter().filter(|g| **g > row.gap + 1e-9).count();
            }
            rows.extend(band_rows);
        }
    }

    let latest = years.last().copied();
    let mut rankings: Vec<AreaRanking> = areas
        .iter()
        .map(|area| {
            let ranks: Vec<usize> = rows
                .iter()
                .filter(|r| r.area_id == area.id)
                .map(|r| r.rank)
                .collect();
            let mean_rank = if ranks.is_empty() {
                f64::NAN
            } else {
                ranks.iter().sum::<usize>() as f64 / ranks.len() as f64
            };
            let latest_gap = rows
                .iter()
                .filter(|r| r.area_id == area.id && Some(r.school_year) == latest)
                .map(|r| r.gap)
                .sum();
            AreaRanking {
                area_id: area.id.clone(),
                name: area.name.clone(),
                mean_rank,
                latest_gap,
                priority: false,
            }
        })
        .filter(|a| !a.mean_rank.is_nan())
        .collect();
    rankings.sort_by(|a, b| {
        a.mean_rank
            .total_cmp(&b.mean_rank)
            .then(a.area_id.cmp(&b.area_id))
    });
    for area in rankings.iter_mut().take(settings.priority_areas) {
        area.priority = true;
    }

    SeatGapReport {
        years,
        rows,
        areas: rankings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sgs_domain::{CampusStatus, DistrictId, Governance, Rating};

    fn square(x: f64) -> serde_json::Value {
        json!({"type": "Polygon", "coordinates": [[[x, 29.0], [x + 0.1, 29.0], [x + 0.1, 29.1], [x, 29.1], [x, 29.0]]]})
    }

    fn campus(serial: &str, area: &str, low: Grade, high: Grade) -> Campus {
        Campus {
            id: CampusId::parse(&format!("999901{serial}")).unwrap(),
            district_id: DistrictId::parse("999901").unwrap(),
            name: serial.into(),
            grade_low: Some(low),
            grade_high: Some(high),
            school_type: None,
            governance: Governance::DistrictRun,
            address: None,
            latitude: None,
            longitude: None,
            programs: vec![],
            status: CampusStatus::Open,
            predecessor_id: None,
            planning_area_id: Some(area.into()),
        }
    }

    fn residents(
        year: SchoolYear,
        area: &str,
        per_grade: u32,
        grades: std::ops::RangeInclusive<u8>,
    ) -> Vec<ResidentCount> {
        grades
            .map(|g| ResidentCount {
                planning_area_id: area.into(),
                school_year: year,
                grade: Grade::from_index(g).unwrap(),
                group: None,
                count: per_grade,
            })
            .collect()
    }

    #[test]
    fn hand_worked_gaps_service_levels_and_ranks() {
        let year = SchoolYear::starting(2022);
        let areas = vec![
            PlanningArea {
                id: "east".into(),
                name: "East".into(),
                geometry: square(-98.4),
            },
            PlanningArea {
                id: "west".into(),
                name: "West".into(),
                geometry: square(-98.6),
            },
        ];
        let k8 = campus("101", "east", Grade::K, Grade::G(8));
        let high = campus("001", "west", Grade::G(9), Grade::G(12));
        let low_rated = campus("102", "west", Grade::K, Grade::G(5));
        let mut data = BTreeMap::new();
        // A B-rated K-8 in East: 600 seats, enrollment 300 in K-5 and 200 in 6-8, so 360 / 240.
        let mut f = CampusYear {
            capacity: Some(600),
            rating: Some(Rating::Letter('B')),
            ..Default::default()
        };
        f.enrollment.insert(Grade::K, 300);
        f.enrollment.insert(Grade::G(6), 200);
        data.insert((k8.id.clone(), year), f);
        // An A-rated high school in West without capacity: its 800 students are its seats.
        let mut f = CampusYear {
            rating: Some(Rating::Letter('A')),
            ..Default::default()
        };
        f.enrollment.insert(Grade::G(9), 800);
        data.insert((high.id.clone(), year), f);
        // A D-rated elementary in West offers no quality seats.
        let mut f = CampusYear {
            capacity: Some(500),
            rating: Some(Rating::Letter('D')),
            ..Default::default()
        };
        f.enrollment.insert(Grade::K, 450);
        data.insert((low_rated.id.clone(), year), f);

        // Residents: East 100 per grade K-12 (600 K-5, 300 6-8, 400 9-12); West 50 per grade.
        let mut people = residents(year, "east", 100, 2..=14);
        people.extend(residents(year, "west", 50, 2..=14));

        let report = seat_gaps(
            &[k8.clone(), high.clone(), low_rated],
            &data,
            &areas,
            &people,
            &GradeBand::defaults(),
            &Framework::TeaAtoF,
            &SeatGapSettings {
                attribution: Attribution::LocatedIn,
                priority_areas: 1,
                ..Default::default()
            },
        );
        assert_eq!(report.years, vec![year]);
        let row = |area: &str, band: &str| {
            report
                .rows
                .iter()
                .find(|r| r.area_id == area && r.band == band)
                .unwrap()
        };

        let east_k5 = row("east", "K-5");
        assert_eq!(
            (east_k5.demand, east_k5.supply, east_k5.gap),
            (600, 360.0, 240.0)
        );
        assert_eq!(east_k5.service_level, Some(0.6));
        assert_eq!(east_k5.campuses, vec![(k8.id.clone(), 360.0)]);
        let west_k5 = row("west", "K-5");
        assert_eq!(
            (west_k5.demand, west_k5.supply, west_k5.gap),
            (300, 0.0, 300.0)
        );
        assert_eq!((west_k5.rank, east_k5.rank), (1, 2));
        let west_hs = row("west", "9-12");
        assert_eq!(
            (west_hs.gap, west_hs.service_level),
            (200.0 - 800.0, Some(1.0)),
            "surplus, capped"
        );
        assert_eq!((row("east", "9-12").rank, west_hs.rank), (1, 2));
        assert_eq!(row("east", "6-8").gap, 300.0 - 240.0);
        assert_eq!(row("west", "6-8").rank, 1, "150 unserved beats 60");

        // Ranks: West 1, 1, 2 → 4/3; East 2, 2, 1 → 5/3.
        assert_eq!(report.areas[0].area_id, "west");
        assert!((report.areas[0].mean_rank - 4.0 / 3.0).abs() < 1e-9);
        assert!((report.areas[1].mean_rank - 5.0 / 3.0).abs() < 1e-9);
        assert!(report.areas[0].priority && !report.areas[1].priority);
        assert_eq!(report.areas[0].latest_gap, 300.0 + 150.0 - 600.0);
    }

    #[test]
    fn seats_within_a_distance_can_serve_several_areas() {
        let areas = [
            PlanningArea {
                id: "a".into(),
                name: "A".into(),
                geometry: square(-98.50),
            },
            PlanningArea {
                id: "b".into(),
                name: "B".into(),
                geometry: square(-98.40),
            },
        ];
        let mut c = campus("101", "a", Grade::K, Grade::G(5));
        (c.longitude, c.latitude) = (Some(-98.47), Some(29.05));
        let centre_a = area_centre(&areas[0]).unwrap();
        let centre_b = area_centre(&areas[1]).unwrap();
        assert!((centre_b.0 + 98.35).abs() < 1e-9 && (centre_b.1 - 29.05).abs() < 1e-9);
        // 0.12 degrees of longitude at latitude 29.05 is about 7.25 miles; 0.02 is about 1.21.
        assert!((miles_between((-98.47, 29.05), centre_b) - 7.25).abs() < 0.05);
        assert!((miles_between((-98.47, 29.05), centre_a) - 1.21).abs() < 0.05);
        let by = |attribution| SeatGapSettings {
            attribution,
            ..Default::default()
        };
        assert!(serves(&c, &areas[0], &by(Attribution::LocatedIn)));
        assert!(!serves(&c, &areas[1], &by(Attribution::LocatedIn)));
        assert!(serves(&c, &areas[0], &by(Attribution::WithinMiles(1.5))));
        assert!(!serves(&c, &areas[1], &by(Attribution::WithinMiles(1.5))));
        assert!(
            serves(&c, &areas[1], &by(Attribution::WithinMiles(8.0))),
            "one campus, two areas"
        );

        // A zone drawn over area B's centre makes the campus serve B, and only B.
        let mut zoned = by(Attribution::AttendanceZone);
        zoned.zones.insert(c.id.clone(), square(-98.40));
        assert!(serves(&c, &areas[1], &zoned));
        assert!(!serves(&c, &areas[0], &zoned));
        let other = Campus::new(CampusId::parse("999901102").unwrap(), "no zone");
        assert!(
            !serves(&other, &areas[1], &zoned),
            "a campus without a zone serves no area"
        );
    }
}
