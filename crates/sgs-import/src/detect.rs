//! Guessing a file's kind: CSV files by the column names in their header row, GeoJSON files by
//! whether their features carry an `id` property (planning areas) or only a `name` (boundaries).

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;
use sgs_domain::Grade;

use crate::FileKind;

/// Guesses the kind of the file at `path`, or `None` when it matches no known layout.
pub(crate) fn detect(path: &Path) -> Option<FileKind> {
    let mut reader = BufReader::new(File::open(path).ok()?);
    let starts_with_brace = {
        let buffer = reader.fill_buf().ok()?;
        let text = String::from_utf8_lossy(&buffer[..buffer.len().min(64)]).into_owned();
        text.trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
    };
    if starts_with_brace {
        let mut text = String::new();
        reader.read_to_string(&mut text).ok()?;
        let value: Value = serde_json::from_str(&text).ok()?;
        if crate::planning::looks_like_planning(&value) {
            return Some(FileKind::SgsPlanning);
        }
        return detect_geojson(&value);
    }
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(reader);
    let headers: Vec<String> = csv
        .byte_headers()
        .ok()?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_ascii_lowercase()
        })
        .collect();
    detect_header(&headers)
}

/// Classifies a CSV header (lowercased).
pub(crate) fn detect_header(headers: &[String]) -> Option<FileKind> {
    let has = |name: &str| headers.iter().any(|h| h == name);
    let kind = if has("school number") && has("grade range") {
        FileKind::TeaDirectory
    } else if has("seasch") && has("latcod") && has("loncod") {
        FileKind::NcesCoordinates
    } else if has("campus") && has("c_rating") {
        if has("cd1s") {
            FileKind::TeaAccountability2022
        } else {
            FileKind::TeaRatings2019
        }
    } else if has("zip") && has("lat") && has("lng") && has("age_5") {
        FileKind::CensusZipChildren
    } else if has("campus_id") && has("district_id") && has("gee") {
        FileKind::TeaEnrollment
    } else if has("campus_id") && has("name") {
        FileKind::SgsCampuses
    } else if has("planning_area_id") && has("grade") && has("count") {
        FileKind::SgsResidents
    } else if has("campus_id") && has("rating") {
        FileKind::SgsRatings
    } else if has("campus_id") && has("capacity") {
        FileKind::SgsCapacity
    } else if has("campus_id") && has("group") {
        FileKind::SgsGroups
    } else if has("birth_year") && has("births") {
        FileKind::SgsBirths
    } else if has("campus_id") && has("action") && has("decided_at") {
        FileKind::SgsPlanDecisions
    } else if has("key") && has("value") {
        FileKind::SgsSettings
    } else if has("campus_id")
        && (has("grade") || headers.iter().any(|h| Grade::parse(h).is_some()))
    {
        FileKind::SgsEnrollment
    } else {
        return None;
    };
    Some(kind)
}

/// Classifies parsed GeoJSON.
fn detect_geojson(value: &Value) -> Option<FileKind> {
    let features: Vec<&Value> = match value.get("type")?.as_str()? {
        "FeatureCollection" => value.get("features")?.as_array()?.iter().collect(),
        "Feature" => vec![value],
        _ => return None,
    };
    let has = |name: &str| {
        features
            .iter()
            .any(|f| f.get("properties").and_then(|p| p.get(name)).is_some())
    };
    if has("campus_id") {
        Some(FileKind::SgsAttendanceZones)
    } else if has("id") {
        Some(FileKind::SgsPlanningAreas)
    } else if has("name") || features.len() == 1 {
        Some(FileKind::DistrictBoundary)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> Vec<String> {
        text.split(',').map(|h| h.to_ascii_lowercase()).collect()
    }

    #[test]
    fn templates_are_told_apart() {
        let cases = [
            ("campus_id,name,grade_low", FileKind::SgsCampuses),
            ("school_year,campus_id,EE,PK,K,1", FileKind::SgsEnrollment),
            ("school_year,campus_id,grade,count", FileKind::SgsEnrollment),
            (
                "school_year,campus_id,rating,not_rated_reason",
                FileKind::SgsRatings,
            ),
            ("campus_id,capacity", FileKind::SgsCapacity),
            (
                "school_year,campus_id,group,count,percent",
                FileKind::SgsGroups,
            ),
            (
                "school_year,planning_area_id,grade,group,count",
                FileKind::SgsResidents,
            ),
            ("key,value", FileKind::SgsSettings),
        ];
        for (text, kind) in cases {
            assert_eq!(detect_header(&header(text)), Some(kind), "{text}");
        }
        assert_eq!(detect_header(&header("a,b,c")), None);
    }
}
