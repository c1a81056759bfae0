//! Published statewide files, read exactly as TEA and NCES publish them and filtered to one
//! district: the AskTED directory, campus enrollment by grade, the 2019 CAMPRATE ratings, the
//! 2022 TAPR accountability file and NCES CCD coordinates.
//!
//! Rows of other districts are skipped, but every row of the district is checked; a file with
//! no row for the district is refused, since that almost always means the wrong district id.

use std::collections::HashSet;
use std::path::Path;

use sgs_domain::{
    Campus, CampusId, CampusStatus, DistrictId, DistrictSnapshot, Governance, Grade, GroupMeasure,
    NotRatedReason, Rating, SchoolType, SchoolYear, StudentGroup,
};

use crate::table::{pad_id, Col, Row, Table};
use crate::templates::check_total;
use crate::{ImportError, Read};

/// A campus record with only an id and a name; readers fill in what their file knows.
fn bare_campus(id: CampusId, name: String) -> Campus {
    Campus::new(id, name)
}

/// Whether the district cell of a row names `district`.
fn in_district(row: &Row<'_>, col: Col, district: &DistrictId) -> bool {
    pad_id(row.raw(col), 6) == district.as_str()
}

/// The error for a statewide file with nothing for the district.
fn no_rows(file: &str, district: &DistrictId, column: &str) -> ImportError {
    ImportError::general(
        file,
        None,
        format!("the file has no rows for district {district}"),
        format!("rows whose {column} is {district} (is the district id right?)"),
    )
}

/// An error for a campus listed twice in a file that should list it once.
fn listed_twice(row: &Row<'_>, col: Col, id: &CampusId) -> ImportError {
    row.error(col, "each campus listed once")
        .with_message(format!("campus {id} is listed twice"))
}

/// Parses an AskTED grade range such as `PK-05`, `09-12`, `EE KG-05` or `KG-02 05`: the lowest
/// and highest grade named. `AE` (adult education) and `UG` (ungraded) name no grade.
fn grade_range(text: &str) -> Result<Option<(Grade, Grade)>, ()> {
    let mut grades = Vec::new();
    for token in text.split(|c: char| c == '-' || c.is_whitespace()) {
        match token.to_ascii_uppercase().as_str() {
            "" | "AE" | "UG" => {}
            other => grades.push(Grade::parse(other).ok_or(())?),
        }
    }
    Ok(grades
        .iter()
        .min()
        .copied()
        .zip(grades.iter().max().copied()))
}

/// A grade cell of a published file, `None` when masked.
fn grade_cell(row: &Row<'_>, col: Col) -> Result<Option<Grade>, ImportError> {
    if row.masked(Some(col)) {
        return Ok(None);
    }
    Grade::parse(row.raw(col))
        .map(Some)
        .ok_or_else(|| row.error(col, "a grade: EE, PK, KG or 01 to 12"))
}

const DIRECTORY_HEADER: &str = "the TEA AskTED directory header (District Number, District Name, \
     District Type, School Number, School Name, Charter Type, School Street Address, School City, \
     School State, School Zip, Grade Range, School Status, …)";

/// Reads the TEA AskTED directory. Its enrollment column is a single October count and is not
/// imported as yearly data.
pub(crate) fn read_directory(
    path: &Path,
    district: &DistrictId,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, true)?;
    let need = |name: &str| table.require(name, DIRECTORY_HEADER);
    let district_col = need("District Number")?;
    let district_name_col = need("District Name")?;
    let district_type_col = need("District Type")?;
    let id_col = need("School Number")?;
    let name_col = need("School Name")?;
    let charter_col = need("Charter Type")?;
    let street_col = need("School Street Address")?;
    let city_col = need("School City")?;
    let state_col = need("School State")?;
    let zip_col = need("School Zip")?;
    let grades_col = need("Grade Range")?;
    let status_col = need("School Status")?;

    let mut read = Read::default();
    let mut seen = HashSet::new();
    table.for_each(|row| {
        if !in_district(row, district_col, district) {
            return Ok(());
        }
        let id = row.campus_id(id_col, district)?;
        if !seen.insert(id.clone()) {
            return Err(listed_twice(row, id_col, &id));
        }
        let name = row
            .text(Some(name_col))
            .ok_or_else(|| row.error(name_col, "the school name"))?;
        let span = grade_range(row.raw(grades_col)).map_err(|()| {
            row.error(
                grades_col,
                "a grade range such as PK-05, 09-12 or EE KG-05 (EE, PK, KG, 01-12, AE, UG)",
            )
        })?;
        let charter = row.raw(charter_col).to_ascii_uppercase();
        let district_type = row.raw(district_type_col).to_ascii_uppercase();
        let governance = if charter == "CAMPUS CHARTER" {
            Governance::InDistrictCharter
        } else if charter.contains("CHARTER") || district_type == "CHARTER" {
            Governance::OpenEnrollmentCharter
        } else {
            Governance::DistrictRun
        };
        let status = match row.raw(status_col).to_ascii_lowercase().as_str() {
            "active" | "under construction" | "open" => CampusStatus::Open,
            "closed" | "inactive" => CampusStatus::Closed,
            _ => {
                return Err(row.error(status_col, "Active, Under Construction or Closed"));
            }
        };
        let state_zip = [row.raw(state_col), row.raw(zip_col)]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let address = [row.raw(street_col), row.raw(city_col), &state_zip]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        let mut campus = bare_campus(id, name);
        campus.grade_low = span.map(|(low, _)| low);
        campus.grade_high = span.map(|(_, high)| high);
        campus.school_type = span.map(|(low, high)| SchoolType::from_span(low, high));
        campus.governance = governance;
        campus.address = (!address.is_empty()).then_some(address);
        campus.status = status;
        data.campuses.push(campus);
        if data.name.is_empty() {
            data.name = row.raw(district_name_col).to_string();
        }
        read.rows += 1;
        Ok(())
    })?;
    if read.rows == 0 {
        return Err(no_rows(table.file(), district, "District Number"));
    }
    Ok(read)
}

/// Reads TEA campus enrollment by grade (`school_year,district_id,campus_id,total,GEE,…,G12`).
/// The batch's years are every year in the file, so a year in which a campus has no row
/// replaces that campus's enrollment with nothing.
pub(crate) fn read_enrollment(
    path: &Path,
    district: &DistrictId,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, true)?;
    let header = "school_year,district_id,campus_id,total,GEE,GPK,GK,G01,…,G12";
    let year_col = table.require("school_year", header)?;
    let district_col = table.require("district_id", header)?;
    let id_col = table.require("campus_id", header)?;
    let total_col = table.find("total");
    let mut grade_cols: Vec<(Col, Grade)> = Vec::new();
    for (index, name) in table.headers().iter().enumerate() {
        if name.to_ascii_uppercase().starts_with('G') {
            if let Some(grade) = Grade::parse(name) {
                grade_cols.push((Col(index), grade));
            }
        }
    }
    for grade in Grade::all() {
        if !grade_cols.iter().any(|(_, g)| *g == grade) {
            let name = match grade {
                Grade::G(n) => format!("G{n:02}"),
                other => format!("G{other}"),
            };
            return Err(ImportError::missing_column(table.file(), &name, header));
        }
    }

    let mut read = Read::default();
    let mut seen = HashSet::new();
    let mut last_year: Option<(String, SchoolYear)> = None;
    let expected = "a whole number of students, or a TEA mask (*, ., -1) when masked";
    table.for_each(|row| {
        let year = match &last_year {
            Some((text, year)) if text == row.raw(year_col) => *year,
            _ => {
                let year = row.year(Some(year_col), None)?;
                last_year = Some((row.raw(year_col).to_string(), year));
                year
            }
        };
        read.years.insert(year);
        if !in_district(row, district_col, district) {
            return Ok(());
        }
        let id = row.campus_id(id_col, district)?;
        if !seen.insert((id.clone(), year)) {
            return Err(listed_twice(row, id_col, &id)
                .with_message(format!("campus {id} is listed twice for {year}")));
        }
        let mut enrollment = std::collections::BTreeMap::new();
        for &(col, grade) in &grade_cols {
            if let Some(count) = row.count(col, expected)? {
                enrollment.insert(grade, count);
            }
        }
        if let Some(col) = total_col {
            check_total(row, col, &enrollment)?;
        }
        data.campus_years.entry((id, year)).or_default().enrollment = enrollment;
        read.rows += 1;
        Ok(())
    })?;
    if read.rows == 0 {
        return Err(no_rows(table.file(), district, "district_id"));
    }
    Ok(read)
}

/// The two A–F rating layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// 2019 CAMPRATE: the rating and the overall score, school year 2018-2019.
    Y2019,
    /// 2022 TAPR accountability: the rating, the overall and domain scores and three student
    /// group percents, school year 2021-2022.
    Y2022,
}

/// Reads a TEA campus rating file. Besides the campus years it carries campus records (name,
/// grades, type, charter flag) that the store uses only to create campuses it does not know.
pub(crate) fn read_ratings(
    path: &Path,
    district: &DistrictId,
    layout: Layout,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, true)?;
    let (year, header) = match layout {
        Layout::Y2019 => (
            SchoolYear::starting(2018),
            "the TEA 2019 CAMPRATE header (CAMPUS, CAMPNAME, DISTRICT, C_RATING, CDALLS, GRDLOW, \
             GRDHIGH, GRDTYPE, CFLCHART, …)",
        ),
        Layout::Y2022 => (
            SchoolYear::starting(2021),
            "the TEA 2022 accountability header (CAMPUS, CAMPNAME, DISTRICT, C_RATING, CDALLS, \
             CD1S, CD2S, CD3S, CPETECOP, CPETLEPP, CPETSPEP, GRDLOW, GRDHIGH, GRDTYPE, CFLCHART, …)",
        ),
    };
    let need = |name: &str| table.require(name, header);
    let id_col = need("CAMPUS")?;
    let name_col = need("CAMPNAME")?;
    let district_col = need("DISTRICT")?;
    let rating_col = need("C_RATING")?;
    let overall_col = need("CDALLS")?;
    let low_col = need("GRDLOW")?;
    let high_col = need("GRDHIGH")?;
    let type_col = need("GRDTYPE")?;
    let charter_col = need("CFLCHART")?;
    let district_name_col = table.find("DISTNAME");
    let domains = match layout {
        Layout::Y2019 => None,
        Layout::Y2022 => Some([need("CD1S")?, need("CD2S")?, need("CD3S")?]),
    };
    let groups = match layout {
        Layout::Y2019 => None,
        Layout::Y2022 => Some([
            (StudentGroup::EconomicallyDisadvantaged, need("CPETECOP")?),
            (StudentGroup::EmergentBilingual, need("CPETLEPP")?),
            (StudentGroup::SpecialEducation, need("CPETSPEP")?),
        ]),
    };

    let mut read = Read::default();
    let mut seen = HashSet::new();
    table.for_each(|row| {
        if !in_district(row, district_col, district) {
            return Ok(());
        }
        let id = row.campus_id(id_col, district)?;
        if !seen.insert(id.clone()) {
            return Err(listed_twice(row, id_col, &id));
        }
        let rating = if row.masked(Some(rating_col)) {
            None
        } else {
            // A bare "Not Rated" carries no reason: in 2019 and 2022 TEA wrote it for campuses
            // with no or insufficient data (2022's other campuses say "Not Rated: SB 1365").
            Some(
                Rating::parse(row.raw(rating_col), NotRatedReason::NoData).map_err(|_| {
                    row.error(
                        rating_col,
                        "A, B, C, D, F, Not Rated or Not Rated: <reason>",
                    )
                })?,
            )
        };
        let facts = data.campus_years.entry((id.clone(), year)).or_default();
        facts.rating = rating;
        facts.overall_score = row.score(Some(overall_col))?;
        if let Some([achievement, progress, gaps]) = domains {
            facts.achievement_score = row.score(Some(achievement))?;
            facts.progress_score = row.score(Some(progress))?;
            facts.closing_gaps_score = row.score(Some(gaps))?;
        }
        if let Some(groups) = &groups {
            for &(group, col) in groups {
                if let Some(percent) = row.percent(Some(col))? {
                    let measure = GroupMeasure {
                        count: None,
                        percent: Some(percent),
                    };
                    facts.groups.insert(group, measure);
                }
            }
        }

        let name = row
            .text(Some(name_col))
            .ok_or_else(|| row.error(name_col, "the campus name"))?;
        let mut campus = bare_campus(id, name);
        campus.grade_low = grade_cell(row, low_col)?;
        campus.grade_high = grade_cell(row, high_col)?;
        campus.school_type = if row.masked(Some(type_col)) {
            None
        } else {
            Some(
                SchoolType::parse(row.raw(type_col))
                    .ok_or_else(|| row.error(type_col, "E, M, S or B"))?,
            )
        };
        if row.raw(charter_col).eq_ignore_ascii_case("Y") {
            campus.governance = Governance::OpenEnrollmentCharter;
        }
        data.campuses.push(campus);
        if data.name.is_empty() {
            data.name = row.raw_opt(district_name_col).to_string();
        }
        read.rows += 1;
        Ok(())
    })?;
    if read.rows == 0 {
        return Err(no_rows(table.file(), district, "DISTRICT"));
    }
    read.years.insert(year);
    Ok(read)
}

/// Reads NCES CCD coordinates: one campus record per school of the district with `SEASCH` as
/// the campus id, `SCHNAM` as the name and `LATCOD`/`LONCOD` as the location. Schools without
/// coordinates are skipped. The records are coordinates only: see [`crate::DataParts`].
pub(crate) fn read_nces(
    path: &Path,
    district: &DistrictId,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, true)?;
    let header = "the NCES CCD header (SEASCH, SCHNAM, LATCOD, LONCOD, …)";
    let id_col = table.require("SEASCH", header)?;
    let name_col = table.require("SCHNAM", header)?;
    let lat_col = table.require("LATCOD", header)?;
    let lon_col = table.require("LONCOD", header)?;
    let mut read = Read::default();
    let mut in_file = 0usize;
    let mut seen = HashSet::new();
    table.for_each(|row| {
        if !pad_id(row.raw(id_col), 9).starts_with(district.as_str()) {
            return Ok(());
        }
        in_file += 1;
        let id = row.campus_id(id_col, district)?;
        if !seen.insert(id.clone()) {
            return Err(listed_twice(row, id_col, &id));
        }
        let latitude = row.decimal(Some(lat_col), -90.0, 90.0, "a latitude in degrees")?;
        let longitude = row.decimal(Some(lon_col), -180.0, 180.0, "a longitude in degrees")?;
        let (Some(latitude), Some(longitude)) = (latitude, longitude) else {
            return Ok(());
        };
        let name = row.text(Some(name_col)).unwrap_or_else(|| id.to_string());
        let mut campus = bare_campus(id, name);
        campus.latitude = Some(latitude);
        campus.longitude = Some(longitude);
        data.campuses.push(campus);
        read.rows += 1;
        Ok(())
    })?;
    if in_file == 0 {
        return Err(no_rows(table.file(), district, "SEASCH (first six digits)"));
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn askted_grade_ranges() {
        let cases = [
            ("PK-05", Some((Grade::PK, Grade::G(5)))),
            ("09-12", Some((Grade::G(9), Grade::G(12)))),
            ("EE KG-05", Some((Grade::EE, Grade::G(5)))),
            ("KG-02 05", Some((Grade::K, Grade::G(5)))),
            ("EE-KG 09-12", Some((Grade::EE, Grade::G(12)))),
            ("09 12", Some((Grade::G(9), Grade::G(12)))),
            ("06-AE", Some((Grade::G(6), Grade::G(6)))),
            ("PK", Some((Grade::PK, Grade::PK))),
            ("UG", None),
            ("AE", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(grade_range(text), Ok(expected), "{text:?}");
        }
        assert!(grade_range("05-13").is_err());
        assert!(grade_range("K5").is_err());
    }
}
