//! GeoJSON files: SGS planning areas (a FeatureCollection whose features have `id` and `name`
//! properties) and district boundaries (SGS's own `boundary.geojson`, or a file of many
//! districts such as the Census one, from which the feature is chosen by its `name`).
//!
//! Geometry must be a `Polygon` or `MultiPolygon` in longitude/latitude. GeoJSON errors name the
//! member at fault (for example `features[3].properties.id`); JSON syntax errors name the line.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;

use serde_json::Value;
use sgs_domain::{CampusId, DistrictId, DistrictSnapshot, PlanningArea};

use crate::table::file_name;
use crate::{ImportError, Read, ReadOptions};

/// Reads and parses a JSON file.
fn read_json(path: &Path) -> Result<(String, Value), ImportError> {
    let file = file_name(path);
    let text = std::fs::read_to_string(path)
        .map_err(|err| ImportError::general(&file, None, format!("cannot read file: {err}"), ""))?;
    let value = serde_json::from_str(&text).map_err(|err| {
        ImportError::general(
            &file,
            Some(err.line() as u64),
            format!("not valid JSON: {err}"),
            "a GeoJSON FeatureCollection",
        )
    })?;
    Ok((file, value))
}

/// The features of a FeatureCollection, or a lone Feature.
fn features<'a>(file: &str, value: &'a Value) -> Result<Vec<&'a Value>, ImportError> {
    let expected = "a GeoJSON FeatureCollection";
    match value.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => match value.get("features").and_then(Value::as_array) {
            Some(features) => Ok(features.iter().collect()),
            None => Err(ImportError::invalid(
                file,
                None,
                "features",
                &short(value.get("features")),
                "an array of features",
            )),
        },
        Some("Feature") => Ok(vec![value]),
        other => Err(ImportError::invalid(
            file,
            None,
            "type",
            other.unwrap_or(""),
            expected,
        )),
    }
}

/// A short rendering of a JSON value for an error message.
fn short(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => {
            let text = other.to_string();
            if text.chars().count() > 60 {
                format!("{}…", text.chars().take(60).collect::<String>())
            } else {
                text
            }
        }
    }
}

/// A property as text: strings as written, numbers in decimal; `None` when absent or blank.
fn property(feature: &Value, name: &str) -> Option<String> {
    match feature.get("properties")?.get(name)? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The feature's geometry, which must be a Polygon or MultiPolygon.
fn polygon(file: &str, index: usize, feature: &Value) -> Result<Value, ImportError> {
    let geometry = feature.get("geometry").unwrap_or(&Value::Null);
    let kind = geometry.get("type").and_then(Value::as_str);
    let has_coordinates = geometry
        .get("coordinates")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty());
    if matches!(kind, Some("Polygon" | "MultiPolygon")) && has_coordinates {
        Ok(geometry.clone())
    } else {
        Err(ImportError::invalid(
            file,
            None,
            &format!("features[{index}].geometry"),
            &short(geometry.get("type")),
            "a Polygon or MultiPolygon geometry with coordinates",
        ))
    }
}

/// Reads `planning_areas.geojson`. A feature without a `name` is named by its `id`.
pub(crate) fn read_planning_areas(
    path: &Path,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let (file, value) = read_json(path)?;
    let mut seen = HashSet::new();
    for (index, feature) in features(&file, &value)?.into_iter().enumerate() {
        let field = format!("features[{index}].properties.id");
        let id = property(feature, "id").ok_or_else(|| {
            let found = feature.get("properties").and_then(|p| p.get("id"));
            ImportError::invalid(
                &file,
                None,
                &field,
                &short(found),
                "a non-blank planning area id",
            )
        })?;
        if !seen.insert(id.clone()) {
            return Err(
                ImportError::invalid(&file, None, &field, &id, "each id once")
                    .with_message(format!("planning area {id:?} appears twice")),
            );
        }
        let name = property(feature, "name").unwrap_or_else(|| id.clone());
        let geometry = polygon(&file, index, feature)?;
        data.planning_areas
            .push(PlanningArea { id, name, geometry });
    }
    Ok(Read {
        rows: data.planning_areas.len(),
        ..Read::default()
    })
}

/// Reads `attendance_zones.geojson`: one feature per campus, its `campus_id` property naming a
/// campus of `district`, its geometry the zone.
pub(crate) fn read_attendance_zones(
    path: &Path,
    district: &DistrictId,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let (file, value) = read_json(path)?;
    for (index, feature) in features(&file, &value)?.into_iter().enumerate() {
        let field = format!("features[{index}].properties.campus_id");
        let raw = property(feature, "campus_id").unwrap_or_default();
        let campus_id = CampusId::parse(&raw)
            .ok()
            .filter(|id| id.district_id() == *district)
            .ok_or_else(|| {
                ImportError::invalid(
                    &file,
                    None,
                    &field,
                    &raw,
                    format!("a 9-digit campus id of district {district}"),
                )
            })?;
        let geometry = polygon(&file, index, feature)?;
        if data
            .attendance_zones
            .insert(campus_id.clone(), geometry)
            .is_some()
        {
            return Err(ImportError::invalid(
                &file,
                None,
                &field,
                campus_id.as_str(),
                "each campus once",
            )
            .with_message(format!("campus {campus_id} has two zones")));
        }
    }
    Ok(Read {
        rows: data.attendance_zones.len(),
        ..Read::default()
    })
}

/// Writes the attendance zones as a FeatureCollection with a `campus_id` property.
pub(crate) fn write_attendance_zones(
    zones: &std::collections::BTreeMap<CampusId, Value>,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let features: Vec<Value> = zones
        .iter()
        .map(|(id, geometry)| {
            serde_json::json!({"type": "Feature", "properties": {"campus_id": id.as_str()}, "geometry": geometry})
        })
        .collect();
    let collection = serde_json::json!({"type": "FeatureCollection", "features": features});
    serde_json::to_writer_pretty(&mut *out, &collection)?;
    writeln!(out)
}

/// Words that do not tell districts apart.
const COMMON_WORDS: [&str; 6] = ["independent", "school", "district", "isd", "cisd", "the"];

/// Up to five feature names that share a distinctive word with `wanted`, best first.
fn similar_names(names: &[String], wanted: &str) -> Vec<String> {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .filter(|w| !w.is_empty() && !COMMON_WORDS.contains(&w.as_str()))
            .collect()
    };
    let wanted_words = words(wanted);
    let mut scored: Vec<(usize, &String)> = names
        .iter()
        .map(|name| {
            let shared = words(name)
                .iter()
                .filter(|w| wanted_words.contains(w))
                .count();
            (shared, name)
        })
        .filter(|(shared, _)| *shared > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(5).map(|(_, n)| n.clone()).collect()
}

/// Reads a district boundary: the feature whose `name` is `options.district_name` (ignoring
/// case), or the only feature, or the feature whose `district_id` property is the district.
pub(crate) fn read_boundary(
    path: &Path,
    district: &DistrictId,
    options: &ReadOptions,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let (file, value) = read_json(path)?;
    let features = features(&file, &value)?;
    let names: Vec<String> = features
        .iter()
        .map(|f| property(f, "name").unwrap_or_default())
        .collect();
    let chosen: usize = match options.district_name.as_deref().map(str::trim) {
        Some(wanted) if !wanted.is_empty() => {
            let matching: Vec<usize> = (0..features.len())
                .filter(|&i| names[i].eq_ignore_ascii_case(wanted))
                .collect();
            match matching.as_slice() {
                [one] => *one,
                [] => {
                    let similar = similar_names(&names, wanted);
                    let hint = if similar.is_empty() {
                        format!(
                            "the name property of one of the {} features",
                            features.len()
                        )
                    } else {
                        format!(
                            "the name property of one feature; similar names: {}",
                            similar
                                .iter()
                                .map(|n| format!("{n:?}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    return Err(
                        ImportError::invalid(&file, None, "properties.name", wanted, hint)
                            .with_message(format!("no feature is named {wanted:?}")),
                    );
                }
                many => {
                    return Err(ImportError::invalid(
                        &file,
                        None,
                        "properties.name",
                        wanted,
                        "a name that only one feature has",
                    )
                    .with_message(format!("{} features are named {wanted:?}", many.len())))
                }
            }
        }
        _ => {
            let by_id: Vec<usize> = (0..features.len())
                .filter(|&i| {
                    property(features[i], "district_id").as_deref() == Some(district.as_str())
                })
                .collect();
            match (features.len(), by_id.as_slice()) {
                (1, _) => 0,
                (_, [one]) => *one,
                (count, _) => {
                    return Err(ImportError::general(
                        &file,
                        None,
                        format!("the file holds {count} features and no district name was given"),
                        "a district name choosing one feature by its name property, such as \
                         \"San Antonio Independent School District\"",
                    ))
                }
            }
        }
    };
    data.boundary = Some(polygon(&file, chosen, features[chosen])?);
    data.name = names[chosen].clone();
    Ok(Read {
        rows: 1,
        ..Read::default()
    })
}

/// Writes a geometry with `type` first and `coordinates` second, then any other members in
/// name order, so the output does not depend on how serde_json orders maps.
fn geometry_json(geometry: &Value) -> String {
    let Some(members) = geometry.as_object() else {
        return geometry.to_string();
    };
    let mut keys: Vec<&String> = members.keys().collect();
    keys.sort_by_key(|key| match key.as_str() {
        "type" => (0, key.as_str()),
        "coordinates" => (1, key.as_str()),
        other => (2, other),
    });
    let parts: Vec<String> = keys
        .into_iter()
        .map(|key| format!("{}:{}", Value::from(key.as_str()), members[key]))
        .collect();
    format!("{{{}}}", parts.join(","))
}

/// One feature on one line, members in a fixed order.
fn feature_json(properties: &[(&str, Value)], geometry: &Value) -> String {
    let properties: Vec<String> = properties
        .iter()
        .map(|(name, value)| format!("{}:{value}", Value::from(*name)))
        .collect();
    format!(
        "{{\"type\":\"Feature\",\"properties\":{{{}}},\"geometry\":{}}}",
        properties.join(","),
        geometry_json(geometry)
    )
}

/// Writes planning areas as a FeatureCollection, one feature per line.
pub(crate) fn write_planning_areas(areas: &[PlanningArea], out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (index, area) in areas.iter().enumerate() {
        let properties = [
            ("id", Value::from(area.id.as_str())),
            ("name", Value::from(area.name.as_str())),
        ];
        let separator = if index + 1 < areas.len() { "," } else { "" };
        writeln!(
            out,
            "{}{separator}",
            feature_json(&properties, &area.geometry)
        )?;
    }
    writeln!(out, "]}}")
}

/// Writes the district boundary as a FeatureCollection of one feature whose properties are the
/// district's name and id.
pub(crate) fn write_boundary(
    snapshot: &DistrictSnapshot,
    boundary: &Value,
    out: &mut impl Write,
) -> io::Result<()> {
    let district_id = snapshot
        .district_id
        .as_ref()
        .map_or(Value::Null, |id| Value::from(id.as_str()));
    let properties = [
        ("name", Value::from(snapshot.name.as_str())),
        ("district_id", district_id),
    ];
    writeln!(out, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    writeln!(out, "{}", feature_json(&properties, boundary))?;
    writeln!(out, "]}}")
}
