//! Readers that turn files into SGS district data, and the writer for SGS's own templates.
//!
//! Two families of files are read. SGS's own CSV templates (campuses, enrollment, ratings,
//! capacity, student groups, residents, district settings) and GeoJSON files (planning areas,
//! district boundary) are what `sgs export` writes, so they round-trip through [`write_templates`]
//! and [`read_templates`]. Published Texas files (the TEA AskTED directory, TEA enrollment by
//! grade, the 2019 and 2022 A–F rating files, NCES school coordinates and Census district
//! boundaries) are read exactly as published and filtered to one district.
//!
//! This crate does no database work. [`read_file`] returns an [`ImportBatch`]: the data one file
//! contributes, as a [`DistrictSnapshot`], with the school years it covers. [`FileKind::parts`]
//! says which parts of the district's data the batch replaces. Any error refuses the whole file
//! with an [`ImportError`] naming the file, line, column, value and what was expected.

// `ImportError` has the public shape the store and CLI are written against, and an error ends
// a read, so its size (just over clippy's limit) costs nothing measurable.
#![allow(clippy::result_large_err)]

mod census;
mod detect;
mod error;
mod geojson;
mod merge;
mod planning;
mod table;
mod tea;
mod templates;

use std::path::Path;

use sgs_domain::{DistrictId, DistrictSnapshot, SchoolYear};

pub use error::ImportError;
pub use merge::merge_batch;
pub use templates::{read_templates, write_templates};

/// The kinds of file SGS can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// SGS template `campuses.csv`: one row per campus.
    SgsCampuses,
    /// SGS template `enrollment.csv`: enrollment by grade, wide (one column per grade) or long.
    SgsEnrollment,
    /// SGS template `ratings.csv`: rating and domain scores per campus and year.
    SgsRatings,
    /// SGS template `capacity.csv`: seats per campus and year.
    SgsCapacity,
    /// SGS template `groups.csv`: student-group counts and percents per campus and year.
    SgsGroups,
    /// SGS template `residents.csv`: resident students per planning area, grade and year.
    SgsResidents,
    /// SGS `planning_areas.geojson`: a FeatureCollection with `id` and `name` properties.
    SgsPlanningAreas,
    /// SGS `attendance_zones.geojson`: a FeatureCollection with a `campus_id` property.
    SgsAttendanceZones,
    /// SGS template `births.csv`: births per calendar year, for projecting kindergarten.
    SgsBirths,
    /// SGS template `settings.csv`: the district's settings as `key,value` rows (grade bands).
    SgsSettings,
    /// SGS `planning.json`: the North Star goal, the definition of great, the school-action
    /// policy and the what-if scenarios.
    SgsPlanning,
    /// SGS template `plan_decisions.csv`: the decisions of the annual school plan.
    SgsPlanDecisions,
    /// TEA AskTED school directory (`tea_askted_directory_2019.csv`).
    TeaDirectory,
    /// TEA campus enrollment by grade, several years (`tea_campus_enrollment_by_grade_*.csv`).
    TeaEnrollment,
    /// TEA 2019 campus ratings, CAMPRATE layout (`tea_campus_ratings_2019_CAMPRATE.csv`).
    TeaRatings2019,
    /// TEA 2022 campus accountability, TAPR layout (`tea_campus_accountability_2021_22.csv`).
    TeaAccountability2022,
    /// NCES Common Core of Data school coordinates (`nces_ccd_tx_schools_*_latlon.csv`).
    NcesCoordinates,
    /// A district boundary GeoJSON: SGS's `boundary.geojson` or the Census district file.
    DistrictBoundary,
    /// Census children by single year of age per ZIP code, with each ZIP's centre
    /// (`saisd_area_zip_child_population_census2010.csv`): planning areas and resident counts.
    CensusZipChildren,
}

/// The parts of a district's data a batch carries and replaces. The field names match the
/// store's replace scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DataParts {
    /// Campus facts are inserted or updated from the batch's campuses.
    pub campuses: bool,
    /// The batch's campuses carry only coordinates (and a name for display): update latitude and
    /// longitude of campuses already known and ignore the rest.
    pub coordinates_only: bool,
    /// Enrollment by grade is replaced for the batch's years.
    pub enrollment: bool,
    /// Ratings, Not Rated reasons and the four domain scores are replaced for the batch's years.
    pub ratings: bool,
    /// Capacities are replaced for the batch's years.
    pub capacity: bool,
    /// Student-group measures are replaced for the batch's years.
    pub groups: bool,
    /// Resident counts are replaced for the batch's years.
    pub residents: bool,
    /// The planning areas are replaced.
    pub planning_areas: bool,
    /// The attendance zones are replaced.
    pub attendance_zones: bool,
    /// The births series is replaced.
    pub births: bool,
    /// The district boundary (and name) is replaced.
    pub boundary: bool,
    /// The district's settings (its grade bands) are replaced.
    pub settings: bool,
    /// The planning documents (goal, definition of great, action policy, scenarios) are
    /// replaced.
    pub planning: bool,
    /// The decisions of the annual school plan are replaced.
    pub plan_decisions: bool,
}

impl FileKind {
    /// A stable code for the command line and the import log, such as `enrollment` or
    /// `tea-ratings-2019`.
    pub fn code(self) -> &'static str {
        match self {
            FileKind::SgsCampuses => "campuses",
            FileKind::SgsEnrollment => "enrollment",
            FileKind::SgsRatings => "ratings",
            FileKind::SgsCapacity => "capacity",
            FileKind::SgsGroups => "groups",
            FileKind::SgsResidents => "residents",
            FileKind::SgsPlanningAreas => "planning-areas",
            FileKind::SgsAttendanceZones => "attendance-zones",
            FileKind::SgsBirths => "births",
            FileKind::SgsSettings => "settings",
            FileKind::SgsPlanning => "planning",
            FileKind::SgsPlanDecisions => "plan-decisions",
            FileKind::TeaDirectory => "tea-directory",
            FileKind::TeaEnrollment => "tea-enrollment",
            FileKind::TeaRatings2019 => "tea-ratings-2019",
            FileKind::TeaAccountability2022 => "tea-accountability-2022",
            FileKind::NcesCoordinates => "nces-coordinates",
            FileKind::DistrictBoundary => "boundary",
            FileKind::CensusZipChildren => "census-zip-children",
        }
    }

    /// Parses a code, ignoring case, accepting `_` for `-` and an optional `sgs-` prefix.
    pub fn parse(s: &str) -> Option<FileKind> {
        let normal = s.trim().to_ascii_lowercase().replace('_', "-");
        let bare = normal.strip_prefix("sgs-").unwrap_or(&normal);
        FileKind::all().into_iter().find(|kind| kind.code() == bare)
    }

    /// Every kind, SGS templates first.
    pub fn all() -> [FileKind; 19] {
        [
            FileKind::SgsCampuses,
            FileKind::SgsEnrollment,
            FileKind::SgsRatings,
            FileKind::SgsCapacity,
            FileKind::SgsGroups,
            FileKind::SgsResidents,
            FileKind::SgsPlanningAreas,
            FileKind::SgsAttendanceZones,
            FileKind::SgsBirths,
            FileKind::SgsSettings,
            FileKind::SgsPlanning,
            FileKind::SgsPlanDecisions,
            FileKind::TeaDirectory,
            FileKind::TeaEnrollment,
            FileKind::TeaRatings2019,
            FileKind::TeaAccountability2022,
            FileKind::NcesCoordinates,
            FileKind::DistrictBoundary,
            FileKind::CensusZipChildren,
        ]
    }

    /// One English sentence saying what the file is.
    pub fn description(self) -> &'static str {
        match self {
            FileKind::SgsCampuses => "SGS campuses template: names, grades, governance, location",
            FileKind::SgsEnrollment => "SGS enrollment template: fall enrollment by grade",
            FileKind::SgsRatings => "SGS ratings template: A–F rating and domain scores",
            FileKind::SgsCapacity => "SGS capacity template: seats per campus",
            FileKind::SgsGroups => "SGS student groups template: counts and percents",
            FileKind::SgsResidents => {
                "SGS residents template: students living in each planning area"
            }
            FileKind::SgsPlanningAreas => "SGS planning areas GeoJSON (properties id, name)",
            FileKind::SgsAttendanceZones => "SGS attendance zones GeoJSON (property campus_id)",
            FileKind::SgsBirths => "SGS births template: births per calendar year",
            FileKind::SgsSettings => "SGS district settings: grade bands",
            FileKind::SgsPlanning => {
                "SGS planning.json: North Star goal, definition of great, action policy, scenarios"
            }
            FileKind::SgsPlanDecisions => "SGS plan decisions: the annual school plan",
            FileKind::TeaDirectory => "TEA AskTED school directory",
            FileKind::TeaEnrollment => "TEA campus enrollment by grade (several years)",
            FileKind::TeaRatings2019 => "TEA 2019 campus ratings (CAMPRATE)",
            FileKind::TeaAccountability2022 => "TEA 2022 campus accountability (TAPR)",
            FileKind::NcesCoordinates => "NCES CCD school coordinates",
            FileKind::DistrictBoundary => "District boundary GeoJSON",
            FileKind::CensusZipChildren => {
                "Census children by age per ZIP code: planning areas and resident counts (--year)"
            }
        }
    }

    /// Guesses a file's kind from its header row, or for GeoJSON from its shape.
    pub fn detect(path: &Path) -> Option<FileKind> {
        detect::detect(path)
    }

    /// The parts of a district's data a batch of this kind carries and replaces.
    pub fn parts(self) -> DataParts {
        let none = DataParts::default();
        match self {
            FileKind::SgsCampuses | FileKind::TeaDirectory => DataParts {
                campuses: true,
                ..none
            },
            FileKind::SgsEnrollment | FileKind::TeaEnrollment => DataParts {
                enrollment: true,
                ..none
            },
            FileKind::SgsRatings | FileKind::TeaRatings2019 => DataParts {
                ratings: true,
                ..none
            },
            FileKind::TeaAccountability2022 => DataParts {
                ratings: true,
                groups: true,
                ..none
            },
            FileKind::SgsCapacity => DataParts {
                capacity: true,
                ..none
            },
            FileKind::SgsGroups => DataParts {
                groups: true,
                ..none
            },
            FileKind::SgsResidents => DataParts {
                residents: true,
                ..none
            },
            FileKind::SgsPlanningAreas => DataParts {
                planning_areas: true,
                ..none
            },
            FileKind::SgsAttendanceZones => DataParts {
                attendance_zones: true,
                ..none
            },
            FileKind::SgsBirths => DataParts {
                births: true,
                ..none
            },
            FileKind::SgsSettings => DataParts {
                settings: true,
                ..none
            },
            FileKind::SgsPlanning => DataParts {
                planning: true,
                ..none
            },
            FileKind::SgsPlanDecisions => DataParts {
                plan_decisions: true,
                ..none
            },
            FileKind::NcesCoordinates => DataParts {
                coordinates_only: true,
                ..none
            },
            FileKind::DistrictBoundary => DataParts {
                boundary: true,
                ..none
            },
            FileKind::CensusZipChildren => DataParts {
                planning_areas: true,
                residents: true,
                ..none
            },
        }
    }

    /// The file name `sgs export` gives this kind, for SGS's own formats.
    pub fn template_file(self) -> Option<&'static str> {
        match self {
            FileKind::SgsCampuses => Some("campuses.csv"),
            FileKind::SgsEnrollment => Some("enrollment.csv"),
            FileKind::SgsRatings => Some("ratings.csv"),
            FileKind::SgsCapacity => Some("capacity.csv"),
            FileKind::SgsGroups => Some("groups.csv"),
            FileKind::SgsResidents => Some("residents.csv"),
            FileKind::SgsPlanningAreas => Some("planning_areas.geojson"),
            FileKind::SgsAttendanceZones => Some("attendance_zones.geojson"),
            FileKind::SgsBirths => Some("births.csv"),
            FileKind::SgsSettings => Some("settings.csv"),
            FileKind::SgsPlanning => Some("planning.json"),
            FileKind::SgsPlanDecisions => Some("plan_decisions.csv"),
            FileKind::DistrictBoundary => Some("boundary.geojson"),
            _ => None,
        }
    }

    /// The header `sgs export` writes for an SGS CSV template; empty for other kinds.
    pub fn template_columns(self) -> &'static [&'static str] {
        templates::columns(self)
    }
}

/// Choices a file cannot make for itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The school year for SGS template rows that carry none (no `school_year` column, or a
    /// blank cell); without it such rows are refused. Published files name their own years.
    pub school_year: Option<SchoolYear>,
    /// The `name` property of the boundary feature to take from a file of many districts, such
    /// as "San Antonio Independent School District".
    pub district_name: Option<String>,
}

/// What one file contributes to a district.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportBatch {
    /// The kind of file read.
    pub kind: FileKind,
    /// The file's name.
    pub file: String,
    /// Data rows (or GeoJSON features) read for the district; rows of other districts in a
    /// published file are not counted.
    pub rows: usize,
    /// The data, with `district_id` set; only the parts named by [`FileKind::parts`] are filled.
    pub data: DistrictSnapshot,
    /// The school years the batch covers, ascending. For each yearly part the batch carries,
    /// these years are replaced wholesale; empty for kinds that are not yearly.
    pub years: Vec<SchoolYear>,
    /// For planning areas drawn around points (census ZIP centres), each area's centre, so
    /// [`ImportBatch::fit_areas_to`] can redraw them inside a boundary; empty for every other
    /// kind.
    pub area_centres: Vec<AreaCentre>,
}

/// The point a planning area was drawn around, and the land area it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCentre {
    /// Planning area id.
    pub id: String,
    /// Longitude and latitude of the centre.
    pub centre: (f64, f64),
    /// Land area of what the point stands for (a whole ZIP code), in square miles, when known.
    pub land_square_miles: Option<f64>,
}

impl ImportBatch {
    /// Redraws planning areas that were drawn around points as the parts of `boundary` (GeoJSON
    /// geometry) nearest each point, dropping areas (and their resident counts) wholly outside
    /// it. Where the land area a point stands for is known, its resident counts are scaled to
    /// the share of that land its part of the district covers (at most all of it), so a ZIP
    /// code that lies mostly outside the district does not bring all its children with it.
    /// Batches of other kinds are left as they are.
    pub fn fit_areas_to(&mut self, boundary: &serde_json::Value) {
        if !self.area_centres.is_empty() {
            census::clip_census_areas(&mut self.data, &self.area_centres, boundary);
            let kept: std::collections::HashSet<&str> = self
                .data
                .planning_areas
                .iter()
                .map(|a| a.id.as_str())
                .collect();
            self.area_centres.retain(|c| kept.contains(c.id.as_str()));
        }
    }
}

/// Reads one file of the given kind for `district`. Rows of campuses in other districts are an
/// error in SGS templates and are skipped in published statewide files. Any error refuses the
/// whole file.
pub fn read_file(
    path: &Path,
    kind: FileKind,
    district: &DistrictId,
    options: &ReadOptions,
) -> Result<ImportBatch, ImportError> {
    let mut data = DistrictSnapshot {
        district_id: Some(district.clone()),
        ..DistrictSnapshot::default()
    };
    let read = match kind {
        FileKind::SgsCampuses => templates::read_campuses(path, district, &mut data),
        FileKind::SgsEnrollment => templates::read_enrollment(path, district, options, &mut data),
        FileKind::SgsRatings => templates::read_ratings(path, district, options, &mut data),
        FileKind::SgsCapacity => templates::read_capacity(path, district, options, &mut data),
        FileKind::SgsGroups => templates::read_groups(path, district, options, &mut data),
        FileKind::SgsResidents => templates::read_residents(path, options, &mut data),
        FileKind::SgsPlanningAreas => geojson::read_planning_areas(path, &mut data),
        FileKind::SgsAttendanceZones => geojson::read_attendance_zones(path, district, &mut data),
        FileKind::SgsBirths => templates::read_births(path, &mut data),
        FileKind::SgsSettings => templates::read_settings(path, &mut data),
        FileKind::SgsPlanning => planning::read_planning(path, &mut data),
        FileKind::SgsPlanDecisions => planning::read_decisions(path, district, &mut data),
        FileKind::TeaDirectory => tea::read_directory(path, district, &mut data),
        FileKind::TeaEnrollment => tea::read_enrollment(path, district, &mut data),
        FileKind::TeaRatings2019 => {
            tea::read_ratings(path, district, tea::Layout::Y2019, &mut data)
        }
        FileKind::TeaAccountability2022 => {
            tea::read_ratings(path, district, tea::Layout::Y2022, &mut data)
        }
        FileKind::NcesCoordinates => tea::read_nces(path, district, &mut data),
        FileKind::DistrictBoundary => geojson::read_boundary(path, district, options, &mut data),
        FileKind::CensusZipChildren => census::read_zip_children(path, options, &mut data),
    }?;
    Ok(ImportBatch {
        kind,
        file: table::file_name(path),
        rows: read.rows,
        data,
        years: read.years.into_iter().collect(),
        area_centres: read.area_centres,
    })
}

/// What a reader reports besides the data it filled in.
#[derive(Debug, Default)]
pub(crate) struct Read {
    /// Data rows or features read for the district.
    pub rows: usize,
    /// School years covered.
    pub years: std::collections::BTreeSet<SchoolYear>,
    /// Centres of planning areas drawn around points.
    pub area_centres: Vec<AreaCentre>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in FileKind::all() {
            assert_eq!(FileKind::parse(kind.code()), Some(kind));
            assert!(!kind.description().is_empty());
        }
        assert_eq!(
            FileKind::parse("SGS_Planning_Areas"),
            Some(FileKind::SgsPlanningAreas)
        );
        assert_eq!(FileKind::parse("nonsense"), None);
    }

    #[test]
    fn every_kind_replaces_something() {
        for kind in FileKind::all() {
            assert_ne!(kind.parts(), DataParts::default(), "{kind:?}");
        }
    }
}
