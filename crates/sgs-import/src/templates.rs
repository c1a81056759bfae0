//! SGS's own CSV templates: reading each of them, and writing a whole district's data as the set
//! of templates (`sgs export`). What [`write_templates`] writes, [`read_templates`] reads back to
//! the same data.
//!
//! In every template a blank cell means missing (unknown or masked), never zero. Columns are
//! matched by name, ignoring case and order; a column the template does not define is refused so
//! that a misspelt header cannot silently drop data.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sgs_domain::{
    Campus, CampusStatus, CampusYear, DistrictId, DistrictSnapshot, Governance, Grade, GradeBand,
    GradeBandError, GroupMeasure, NotRatedReason, Rating, ResidentCount, SchoolType, StudentGroup,
};

use crate::table::{Col, Row, Table};
use crate::{geojson, merge_batch, read_file, FileKind, ImportError, Read, ReadOptions};

const CAMPUS_COLUMNS: [&str; 13] = [
    "campus_id",
    "name",
    "grade_low",
    "grade_high",
    "school_type",
    "governance",
    "address",
    "latitude",
    "longitude",
    "programs",
    "status",
    "predecessor_id",
    "planning_area_id",
];
const ENROLLMENT_COLUMNS: [&str; 17] = [
    "school_year",
    "campus_id",
    "EE",
    "PK",
    "K",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "10",
    "11",
    "12",
];
const ENROLLMENT_LONG_COLUMNS: [&str; 4] = ["school_year", "campus_id", "grade", "count"];
const RATING_COLUMNS: [&str; 8] = [
    "school_year",
    "campus_id",
    "rating",
    "not_rated_reason",
    "overall_score",
    "achievement_score",
    "progress_score",
    "closing_gaps_score",
];
const CAPACITY_COLUMNS: [&str; 3] = ["school_year", "campus_id", "capacity"];
const GROUP_COLUMNS: [&str; 5] = ["school_year", "campus_id", "group", "count", "percent"];
const RESIDENT_COLUMNS: [&str; 5] = ["school_year", "planning_area_id", "grade", "group", "count"];
const SETTINGS_COLUMNS: [&str; 2] = ["key", "value"];
const BIRTHS_COLUMNS: [&str; 2] = ["birth_year", "births"];

/// The key of the grade-bands row in `settings.csv`.
const GRADE_BANDS_KEY: &str = "grade_bands";

const STUDENTS: &str = "a whole number of students, or blank when unknown or masked";
const GRADE: &str = "a grade: EE, PK, K or 1 to 12";

/// The header `sgs export` writes for a template kind.
pub(crate) fn columns(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::SgsCampuses => &CAMPUS_COLUMNS,
        FileKind::SgsEnrollment => &ENROLLMENT_COLUMNS,
        FileKind::SgsRatings => &RATING_COLUMNS,
        FileKind::SgsCapacity => &CAPACITY_COLUMNS,
        FileKind::SgsGroups => &GROUP_COLUMNS,
        FileKind::SgsResidents => &RESIDENT_COLUMNS,
        FileKind::SgsSettings => &SETTINGS_COLUMNS,
        FileKind::SgsPlanDecisions => &crate::planning::DECISION_COLUMNS,
        FileKind::SgsBirths => &BIRTHS_COLUMNS,
        _ => &[],
    }
}

/// Refuses a header with a column the template does not define, or a column named twice.
fn check_columns(
    table: &Table,
    allowed: &[&str],
    also: impl Fn(&str) -> bool,
) -> Result<(), ImportError> {
    table.refuse_duplicate_columns()?;
    for header in table.headers() {
        let known = allowed.iter().any(|a| a.eq_ignore_ascii_case(header)) || also(header);
        if !known {
            return Err(ImportError::invalid(
                table.file(),
                Some(1),
                header,
                header,
                format!("only the columns {}", allowed.join(",")),
            )
            .with_message(format!("unknown column {header:?}")));
        }
    }
    Ok(())
}

/// Finds the `school_year` column, or makes sure a default year was given when there is none.
fn year_column(
    table: &Table,
    options: &ReadOptions,
    header: &[&str],
) -> Result<Option<Col>, ImportError> {
    let col = table.find("school_year");
    if col.is_none() && options.school_year.is_none() {
        return Err(ImportError::missing_column(
            table.file(),
            "school_year",
            format!(
                "the header {} (or choose the school year when importing)",
                header.join(",")
            ),
        ));
    }
    Ok(col)
}

/// A grade cell, or `None` when blank.
fn grade_cell(row: &Row<'_>, col: Option<Col>) -> Result<Option<Grade>, ImportError> {
    let Some(col) = col else { return Ok(None) };
    let value = row.raw(col);
    if value.is_empty() {
        return Ok(None);
    }
    Grade::parse(value)
        .map(Some)
        .ok_or_else(|| row.error(col, format!("{GRADE}, or blank")))
}

/// An error for a key seen twice in one file.
fn duplicate(row: &Row<'_>, col: Col, what: String) -> ImportError {
    row.error(col, "each one listed once in the file")
        .with_message(format!("{what} is listed twice"))
}

/// Reads `campuses.csv`.
pub(crate) fn read_campuses(
    path: &Path,
    district: &DistrictId,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    check_columns(&table, &CAMPUS_COLUMNS, |_| false)?;
    let header = CAMPUS_COLUMNS.join(",");
    let id_col = table.require("campus_id", &header)?;
    let name_col = table.require("name", &header)?;
    let col = |name: &str| table.find(name);
    let (low_col, high_col) = (col("grade_low"), col("grade_high"));
    let (type_col, governance_col) = (col("school_type"), col("governance"));
    let (address_col, programs_col, status_col) = (col("address"), col("programs"), col("status"));
    let (lat_col, lon_col) = (col("latitude"), col("longitude"));
    let (predecessor_col, area_col) = (col("predecessor_id"), col("planning_area_id"));

    let mut read = Read::default();
    let mut seen = HashSet::new();
    table.for_each(|row| {
        let id = row.campus_id(id_col, district)?;
        if !seen.insert(id.clone()) {
            return Err(duplicate(row, id_col, format!("campus {id}")));
        }
        let name = row
            .text(Some(name_col))
            .ok_or_else(|| row.error(name_col, "the campus name"))?;
        let grade_low = grade_cell(row, low_col)?;
        let grade_high = grade_cell(row, high_col)?;
        if let (Some(low), Some(high), Some(col)) = (grade_low, grade_high, high_col) {
            if high < low {
                return Err(row.error(col, format!("a grade no lower than grade_low {low}")));
            }
        }
        let school_type = match row.text(type_col) {
            None => None,
            Some(text) => Some(SchoolType::parse(&text).ok_or_else(|| {
                row.error(
                    type_col.unwrap_or(Col(0)),
                    "elementary, middle, high or combined, or blank",
                )
            })?),
        };
        let governance = match row.text(governance_col) {
            None => Governance::DistrictRun,
            Some(text) => Governance::parse(&text).ok_or_else(|| {
                row.error(
                    governance_col.unwrap_or(Col(0)),
                    "district_run, partner_managed, in_district_charter or \
                     open_enrollment_charter (blank means district_run)",
                )
            })?,
        };
        let latitude = row.decimal(lat_col, -90.0, 90.0, "a latitude in degrees, or blank")?;
        let longitude = row.decimal(lon_col, -180.0, 180.0, "a longitude in degrees, or blank")?;
        if latitude.is_some() != longitude.is_some() {
            return Err(row.row_error(
                "the row has only one of latitude and longitude",
                "both latitude and longitude, or neither",
            ));
        }
        let programs = row
            .raw_opt(programs_col)
            .split(';')
            .map(str::trim)
            .filter(|program| !program.is_empty())
            .map(str::to_string)
            .collect();
        let status = match row.raw_opt(status_col).to_ascii_lowercase().as_str() {
            "" | "open" | "active" => CampusStatus::Open,
            "closed" | "inactive" => CampusStatus::Closed,
            _ => {
                return Err(row.error(
                    status_col.unwrap_or(Col(0)),
                    "open or closed (blank means open)",
                ))
            }
        };
        let predecessor_id = row.any_campus_id(predecessor_col)?;
        if predecessor_id.as_ref() == Some(&id) {
            return Err(row.error(
                predecessor_col.unwrap_or(Col(0)),
                "the id of a different campus, or blank",
            ));
        }
        data.campuses.push(Campus {
            id,
            district_id: district.clone(),
            name,
            grade_low,
            grade_high,
            school_type,
            governance,
            address: row.text(address_col),
            latitude,
            longitude,
            programs,
            status,
            predecessor_id,
            planning_area_id: row.text(area_col),
        });
        read.rows += 1;
        Ok(())
    })?;
    Ok(read)
}

/// Reads `enrollment.csv`, wide (a column per grade) or long (`grade,count`).
pub(crate) fn read_enrollment(
    path: &Path,
    district: &DistrictId,
    options: &ReadOptions,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    let long = table.find("grade").is_some();
    let header: &[&str] = if long {
        &ENROLLMENT_LONG_COLUMNS
    } else {
        &ENROLLMENT_COLUMNS
    };
    let header_text = header.join(",");
    let id_col = table.require("campus_id", &header_text)?;
    let year_col = year_column(&table, options, header)?;
    let mut read = Read::default();

    if long {
        check_columns(&table, &ENROLLMENT_LONG_COLUMNS, |_| false)?;
        let grade_col = table.require("grade", &header_text)?;
        let count_col = table.require("count", &header_text)?;
        let mut seen = HashSet::new();
        table.for_each(|row| {
            let year = row.year(year_col, options.school_year)?;
            let id = row.campus_id(id_col, district)?;
            let grade =
                grade_cell(row, Some(grade_col))?.ok_or_else(|| row.error(grade_col, GRADE))?;
            if !seen.insert((id.clone(), year, grade)) {
                return Err(duplicate(
                    row,
                    grade_col,
                    format!("grade {grade} of campus {id} in {year}"),
                ));
            }
            let facts = data.campus_years.entry((id, year)).or_default();
            if let Some(count) = row.count(count_col, STUDENTS)? {
                facts.enrollment.insert(grade, count);
            }
            read.years.insert(year);
            read.rows += 1;
            Ok(())
        })?;
        return Ok(read);
    }

    check_columns(&table, &ENROLLMENT_COLUMNS, |h| {
        Grade::parse(h).is_some() || h.eq_ignore_ascii_case("total")
    })?;
    let total_col = table.find("total");
    let mut grade_cols: Vec<(Col, Grade)> = Vec::new();
    for (index, header) in table.headers().iter().enumerate() {
        if let Some(grade) = Grade::parse(header) {
            if grade_cols.iter().any(|(_, g)| *g == grade) {
                return Err(ImportError::invalid(
                    table.file(),
                    Some(1),
                    header,
                    header,
                    "one column per grade",
                )
                .with_message(format!("grade {grade} has two columns")));
            }
            grade_cols.push((Col(index), grade));
        }
    }
    if grade_cols.is_empty() {
        return Err(ImportError::missing_column(
            table.file(),
            "EE",
            format!("the header {header_text}, or school_year,campus_id,grade,count"),
        )
        .with_message("the header has no grade columns"));
    }
    let mut seen = HashSet::new();
    table.for_each(|row| {
        let year = row.year(year_col, options.school_year)?;
        let id = row.campus_id(id_col, district)?;
        if !seen.insert((id.clone(), year)) {
            return Err(duplicate(row, id_col, format!("campus {id} in {year}")));
        }
        let mut enrollment = BTreeMap::new();
        for &(col, grade) in &grade_cols {
            if let Some(count) = row.count(col, STUDENTS)? {
                enrollment.insert(grade, count);
            }
        }
        if let Some(col) = total_col {
            check_total(row, col, &enrollment)?;
        }
        data.campus_years.entry((id, year)).or_default().enrollment = enrollment;
        read.years.insert(year);
        read.rows += 1;
        Ok(())
    })?;
    Ok(read)
}

/// Checks a `total` cell against the grades when every grade is known; a blank total passes.
pub(crate) fn check_total(
    row: &Row<'_>,
    col: Col,
    enrollment: &BTreeMap<Grade, u32>,
) -> Result<(), ImportError> {
    let expected = "a whole number of students, or blank";
    let Some(total) = row.count(col, expected)? else {
        return Ok(());
    };
    if enrollment.len() == Grade::all().len() {
        let sum: u64 = enrollment.values().map(|&n| u64::from(n)).sum();
        if u64::from(total) != sum {
            return Err(row.error(col, format!("the sum of the grade columns, {sum}")));
        }
    }
    Ok(())
}

/// Parses a Not Rated reason written as an SGS code or as TEA wording.
fn parse_reason(text: &str) -> NotRatedReason {
    let known = [
        "declared_disaster",
        "sb1365",
        "no_data",
        "data_under_review",
    ];
    if known.contains(&text) || text.starts_with("other:") {
        return NotRatedReason::from_code(text);
    }
    match Rating::parse(&format!("Not Rated: {text}"), NotRatedReason::NoData) {
        Ok(Rating::NotRated(reason)) => reason,
        _ => NotRatedReason::Other(text.to_string()),
    }
}

/// Reads `ratings.csv`.
pub(crate) fn read_ratings(
    path: &Path,
    district: &DistrictId,
    options: &ReadOptions,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    check_columns(&table, &RATING_COLUMNS, |_| false)?;
    let header = RATING_COLUMNS.join(",");
    let id_col = table.require("campus_id", &header)?;
    let rating_col = table.require("rating", &header)?;
    let year_col = year_column(&table, options, &RATING_COLUMNS)?;
    let reason_col = table.find("not_rated_reason");
    let overall_col = table.find("overall_score");
    let achievement_col = table.find("achievement_score");
    let progress_col = table.find("progress_score");
    let gaps_col = table.find("closing_gaps_score");

    let mut read = Read::default();
    let mut seen = HashSet::new();
    table.for_each(|row| {
        let year = row.year(year_col, options.school_year)?;
        let id = row.campus_id(id_col, district)?;
        if !seen.insert((id.clone(), year)) {
            return Err(duplicate(row, id_col, format!("campus {id} in {year}")));
        }
        let reason = row.text(reason_col).map(|text| parse_reason(&text));
        let rating = match row.text(Some(rating_col)) {
            None => None,
            Some(text) => Some(
                Rating::parse(&text, reason.clone().unwrap_or(NotRatedReason::NoData))
                    .map_err(|_| row.error(rating_col, "A, B, C, D, F or Not Rated, or blank"))?,
            ),
        };
        let rating = match (rating, reason) {
            (Some(Rating::NotRated(_)), Some(reason)) => Some(Rating::NotRated(reason)),
            (Some(Rating::Letter(_)) | None, Some(_)) => {
                return Err(row.error(
                    reason_col.unwrap_or(rating_col),
                    "a reason only when the rating is Not Rated",
                ))
            }
            (rating, None) => rating,
        };
        let facts = data.campus_years.entry((id, year)).or_default();
        facts.rating = rating;
        facts.overall_score = row.score(overall_col)?;
        facts.achievement_score = row.score(achievement_col)?;
        facts.progress_score = row.score(progress_col)?;
        facts.closing_gaps_score = row.score(gaps_col)?;
        read.years.insert(year);
        read.rows += 1;
        Ok(())
    })?;
    Ok(read)
}

/// Reads `capacity.csv`. Without a `school_year` column, every row is for the year in the
/// options.
pub(crate) fn read_capacity(
    path: &Path,
    district: &DistrictId,
    options: &ReadOptions,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    check_columns(&table, &CAPACITY_COLUMNS, |_| false)?;
    let header = CAPACITY_COLUMNS.join(",");
    let id_col = table.require("campus_id", &header)?;
    let capacity_col = table.require("capacity", &header)?;
    let year_col = year_column(&table, options, &CAPACITY_COLUMNS)?;
    let mut read = Read::default();
    let mut seen = HashSet::new();
    table.for_each(|row| {
        let year = row.year(year_col, options.school_year)?;
        let id = row.campus_id(id_col, district)?;
        if !seen.insert((id.clone(), year)) {
            return Err(duplicate(row, id_col, format!("campus {id} in {year}")));
        }
        let capacity = row.count(capacity_col, "a whole number of seats, or blank")?;
        data.campus_years.entry((id, year)).or_default().capacity = capacity;
        read.years.insert(year);
        read.rows += 1;
        Ok(())
    })?;
    Ok(read)
}

/// Reads `groups.csv`.
pub(crate) fn read_groups(
    path: &Path,
    district: &DistrictId,
    options: &ReadOptions,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    check_columns(&table, &GROUP_COLUMNS, |_| false)?;
    let header = GROUP_COLUMNS.join(",");
    let id_col = table.require("campus_id", &header)?;
    let group_col = table.require("group", &header)?;
    let year_col = year_column(&table, options, &GROUP_COLUMNS)?;
    let count_col = table.find("count");
    let percent_col = table.find("percent");
    if count_col.is_none() && percent_col.is_none() {
        return Err(ImportError::missing_column(table.file(), "count", header));
    }
    let codes: Vec<&str> = StudentGroup::all().iter().map(|g| g.code()).collect();
    let expected_group = format!("a student group code: {}", codes.join(", "));
    let mut read = Read::default();
    let mut seen = HashSet::new();
    table.for_each(|row| {
        let year = row.year(year_col, options.school_year)?;
        let id = row.campus_id(id_col, district)?;
        let group = StudentGroup::parse(row.raw(group_col))
            .ok_or_else(|| row.error(group_col, &expected_group))?;
        if !seen.insert((id.clone(), year, group)) {
            return Err(duplicate(
                row,
                group_col,
                format!("group {} of campus {id} in {year}", group.code()),
            ));
        }
        let count = match count_col {
            Some(col) => row.count(col, STUDENTS)?,
            None => None,
        };
        let measure = GroupMeasure {
            count,
            percent: row.percent(percent_col)?,
        };
        let facts = data.campus_years.entry((id, year)).or_default();
        facts.groups.insert(group, measure);
        read.years.insert(year);
        read.rows += 1;
        Ok(())
    })?;
    Ok(read)
}

/// Reads `residents.csv`. Rows with a blank count are unknown and add nothing.
pub(crate) fn read_residents(
    path: &Path,
    options: &ReadOptions,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    check_columns(&table, &RESIDENT_COLUMNS, |_| false)?;
    let header = RESIDENT_COLUMNS.join(",");
    let area_col = table.require("planning_area_id", &header)?;
    let grade_col = table.require("grade", &header)?;
    let count_col = table.require("count", &header)?;
    let group_col = table.find("group");
    let year_col = year_column(&table, options, &RESIDENT_COLUMNS)?;
    let codes: Vec<&str> = StudentGroup::all().iter().map(|g| g.code()).collect();
    let expected_group = format!(
        "a student group code ({}), or blank for all students",
        codes.join(", ")
    );
    let mut read = Read::default();
    let mut seen = HashSet::new();
    table.for_each(|row| {
        let year = row.year(year_col, options.school_year)?;
        let area = row
            .text(Some(area_col))
            .ok_or_else(|| row.error(area_col, "a planning area id"))?;
        let grade = grade_cell(row, Some(grade_col))?.ok_or_else(|| row.error(grade_col, GRADE))?;
        let group = match row.text(group_col) {
            None => None,
            Some(text) => Some(
                StudentGroup::parse(&text)
                    .ok_or_else(|| row.error(group_col.unwrap_or(Col(0)), &expected_group))?,
            ),
        };
        if !seen.insert((area.clone(), year, grade, group)) {
            return Err(duplicate(
                row,
                grade_col,
                format!("grade {grade} of planning area {area} in {year}"),
            ));
        }
        read.years.insert(year);
        read.rows += 1;
        if let Some(count) = row.count(count_col, STUDENTS)? {
            data.resident_counts.push(ResidentCount {
                planning_area_id: area,
                school_year: year,
                grade,
                group,
                count,
            });
        }
        Ok(())
    })?;
    Ok(read)
}

/// Reads `settings.csv`: one `key,value` row per setting. The only key is `grade_bands`, whose
/// value is a list such as `PK-2, 3-5, 6-8, 9-12`.
pub(crate) fn read_settings(path: &Path, data: &mut DistrictSnapshot) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    check_columns(&table, &SETTINGS_COLUMNS, |_| false)?;
    let header = SETTINGS_COLUMNS.join(",");
    let key_col = table.require("key", &header)?;
    let value_col = table.require("value", &header)?;
    let mut read = Read::default();
    let mut seen = HashSet::new();
    table.for_each(|row| {
        let key = row.raw(key_col).to_ascii_lowercase();
        if key != GRADE_BANDS_KEY {
            return Err(row.error(key_col, format!("a setting key: {GRADE_BANDS_KEY}")));
        }
        if !seen.insert(key.clone()) {
            return Err(duplicate(row, key_col, format!("setting {key}")));
        }
        let bands = GradeBand::parse_list(row.raw(value_col)).map_err(|error| {
            let refused = row.error(
                value_col,
                "grade bands LOW-HIGH separated by commas, such as K-5, 6-8, 9-12, with each \
                 grade in one band at most",
            );
            match error {
                GradeBandError::Backwards(_) | GradeBandError::Overlap(..) => {
                    refused.with_message(error.to_string())
                }
                GradeBandError::Unreadable(_) | GradeBandError::Empty => refused,
            }
        })?;
        data.grade_bands = Some(bands);
        read.rows += 1;
        Ok(())
    })?;
    Ok(read)
}

/// Reads `births.csv`: one row per calendar year of birth, with the number of births.
pub(crate) fn read_births(path: &Path, data: &mut DistrictSnapshot) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    check_columns(&table, &BIRTHS_COLUMNS, |_| false)?;
    let header = BIRTHS_COLUMNS.join(",");
    let year_col = table.require("birth_year", &header)?;
    let births_col = table.require("births", &header)?;
    let mut read = Read::default();
    table.for_each(|row| {
        let year = row
            .raw(year_col)
            .parse::<u16>()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
            .ok_or_else(|| row.error(year_col, "a calendar year such as 2017"))?;
        let births = row
            .raw(births_col)
            .parse::<u32>()
            .map_err(|_| row.error(births_col, "a whole number of births"))?;
        if data.births.insert(year, births).is_some() {
            return Err(duplicate(row, year_col, format!("birth year {year}")));
        }
        read.rows += 1;
        Ok(())
    })?;
    Ok(read)
}

/// Writes a district's data as SGS templates in `dir`: campuses.csv, enrollment.csv,
/// ratings.csv, capacity.csv, groups.csv, residents.csv, settings.csv when the district has set
/// its grade bands, planning_areas.geojson and, when the district has one, boundary.geojson.
/// Returns the paths written.
///
/// Every other CSV is written even when it has no rows. Campuses, planning areas and resident
/// counts keep the snapshot's order; campus years are in (campus, year) order. A campus year with
/// no fact at all writes no row anywhere and so does not come back.
pub fn write_templates(snapshot: &DistrictSnapshot, dir: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut csv_file = |name: &str, header: &[&str], rows: Vec<Vec<String>>| -> io::Result<()> {
        let path = dir.join(name);
        let mut writer = csv::Writer::from_path(&path)?;
        writer.write_record(header)?;
        for row in rows {
            writer.write_record(&row)?;
        }
        writer.flush()?;
        written.push(path);
        Ok(())
    };

    let mut campuses = Vec::new();
    for campus in &snapshot.campuses {
        if let Some(program) = campus.programs.iter().find(|p| p.contains(';')) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "campus {}: program {program:?} contains ';', which separates programs",
                    campus.id
                ),
            ));
        }
        campuses.push(vec![
            campus.id.to_string(),
            campus.name.clone(),
            opt(campus.grade_low.map(Grade::code)),
            opt(campus.grade_high.map(Grade::code)),
            opt(campus.school_type.map(|t| t.code().to_string())),
            campus.governance.code().to_string(),
            opt(campus.address.clone()),
            opt(campus.latitude),
            opt(campus.longitude),
            campus.programs.join(";"),
            match campus.status {
                CampusStatus::Open => "open".to_string(),
                CampusStatus::Closed => "closed".to_string(),
            },
            opt(campus.predecessor_id.as_ref()),
            opt(campus.planning_area_id.clone()),
        ]);
    }
    csv_file("campuses.csv", &CAMPUS_COLUMNS, campuses)?;

    let (mut enrollment, mut ratings, mut capacity, mut groups) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((id, year), facts) in &snapshot.campus_years {
        let key = || vec![year.to_string(), id.to_string()];
        if !facts.enrollment.is_empty() {
            let mut row = key();
            row.extend(
                Grade::all()
                    .into_iter()
                    .map(|g| opt(facts.enrollment.get(&g))),
            );
            enrollment.push(row);
        }
        if let Some(row) = rating_row(facts) {
            ratings.push([key(), row].concat());
        }
        if let Some(seats) = facts.capacity {
            capacity.push([key(), vec![seats.to_string()]].concat());
        }
        for (group, measure) in &facts.groups {
            let values = vec![
                group.code().to_string(),
                opt(measure.count),
                opt(measure.percent),
            ];
            groups.push([key(), values].concat());
        }
    }
    csv_file("enrollment.csv", &ENROLLMENT_COLUMNS, enrollment)?;
    csv_file("ratings.csv", &RATING_COLUMNS, ratings)?;
    csv_file("capacity.csv", &CAPACITY_COLUMNS, capacity)?;
    csv_file("groups.csv", &GROUP_COLUMNS, groups)?;

    let residents = snapshot
        .resident_counts
        .iter()
        .map(|r| {
            vec![
                r.school_year.to_string(),
                r.planning_area_id.clone(),
                r.grade.code(),
                opt(r.group.map(|g| g.code())),
                r.count.to_string(),
            ]
        })
        .collect();
    csv_file("residents.csv", &RESIDENT_COLUMNS, residents)?;

    if let Some(bands) = &snapshot.grade_bands {
        let row = vec![
            GRADE_BANDS_KEY.to_string(),
            GradeBand::list_to_string(bands),
        ];
        csv_file("settings.csv", &SETTINGS_COLUMNS, vec![row])?;
    }

    if !snapshot.births.is_empty() {
        let rows = snapshot
            .births
            .iter()
            .map(|(year, births)| vec![year.to_string(), births.to_string()])
            .collect();
        csv_file("births.csv", &BIRTHS_COLUMNS, rows)?;
    }

    let decisions = crate::planning::decision_rows(&snapshot.planning);
    if !decisions.is_empty() {
        csv_file(
            "plan_decisions.csv",
            &crate::planning::DECISION_COLUMNS,
            decisions,
        )?;
    }

    let planning_docs = sgs_domain::Planning {
        decisions: Vec::new(),
        ..snapshot.planning.clone()
    };
    if !planning_docs.is_empty() {
        let path = dir.join("planning.json");
        let mut out = io::BufWriter::new(fs::File::create(&path)?);
        crate::planning::write_planning(&planning_docs, &mut out)?;
        out.flush()?;
        written.push(path);
    }

    let path = dir.join("planning_areas.geojson");
    let mut out = io::BufWriter::new(fs::File::create(&path)?);
    geojson::write_planning_areas(&snapshot.planning_areas, &mut out)?;
    out.flush()?;
    written.push(path);

    if !snapshot.attendance_zones.is_empty() {
        let path = dir.join("attendance_zones.geojson");
        let mut out = io::BufWriter::new(fs::File::create(&path)?);
        geojson::write_attendance_zones(&snapshot.attendance_zones, &mut out)?;
        out.flush()?;
        written.push(path);
    }

    if let Some(boundary) = &snapshot.boundary {
        let path = dir.join("boundary.geojson");
        let mut out = io::BufWriter::new(fs::File::create(&path)?);
        geojson::write_boundary(snapshot, boundary, &mut out)?;
        out.flush()?;
        written.push(path);
    }
    Ok(written)
}

/// The rating columns after the key, or `None` when the campus year has no rating fact.
fn rating_row(facts: &CampusYear) -> Option<Vec<String>> {
    let scores = [
        facts.overall_score,
        facts.achievement_score,
        facts.progress_score,
        facts.closing_gaps_score,
    ];
    if facts.rating.is_none() && scores.iter().all(Option::is_none) {
        return None;
    }
    let (rating, reason) = match &facts.rating {
        None => (String::new(), String::new()),
        Some(Rating::Letter(letter)) => (letter.to_string(), String::new()),
        Some(Rating::NotRated(reason)) => ("Not Rated".to_string(), reason.code()),
    };
    let mut row = vec![rating, reason];
    row.extend(scores.iter().map(|score| opt(*score)));
    Some(row)
}

/// A cell for an optional value: blank when missing.
fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Reads back a directory written by [`write_templates`] (files that are absent are skipped)
/// and merges the batches into one snapshot for `district`.
pub fn read_templates(dir: &Path, district: &DistrictId) -> Result<DistrictSnapshot, ImportError> {
    let mut snapshot = DistrictSnapshot {
        district_id: Some(district.clone()),
        ..DistrictSnapshot::default()
    };
    let options = ReadOptions::default();
    for kind in FileKind::all() {
        let Some(name) = kind.template_file() else {
            continue;
        };
        let path = dir.join(name);
        if path.exists() {
            merge_batch(&mut snapshot, read_file(&path, kind, district, &options)?);
        }
    }
    Ok(snapshot)
}
