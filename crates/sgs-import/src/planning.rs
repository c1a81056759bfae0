//! The district's planning documents as files: `planning.json` (the North Star goal, the
//! definition of great, the school-action policy and the what-if scenarios) and
//! `plan_decisions.csv` (the decisions of the annual school plan). Each JSON part is checked
//! against the type the analyses read it as, so a bundle that imports is one the app can use.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Map, Value};
use sgs_analysis::portfolio::{ActionKind, Rule};
use sgs_analysis::scenario::ProposedAction;
use sgs_analysis::Framework;
use sgs_domain::{
    DistrictId, DistrictSnapshot, PlanDecisionRecord, PlannedScenario, Planning, SchoolYear,
};

use crate::table::Table;
use crate::{ImportError, Read};

/// The columns of `plan_decisions.csv`.
pub(crate) const DECISION_COLUMNS: [&str; 7] = [
    "campus_id",
    "school_year",
    "action",
    "rationale",
    "owner",
    "decided_by",
    "decided_at",
];

/// The keys `planning.json` may hold.
const KEYS: [&str; 4] = [
    "north_star_goal",
    "definition_of_great",
    "action_policy",
    "scenarios",
];

/// Reads `planning.json`. A key that is absent or `null` clears that document on import.
pub(crate) fn read_planning(path: &Path, data: &mut DistrictSnapshot) -> Result<Read, ImportError> {
    let file = crate::table::file_name(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| ImportError::general(&file, None, format!("cannot read file: {e}"), ""))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        ImportError::general(
            &file,
            Some(e.line() as u64),
            format!("not valid JSON: {e}"),
            "a JSON object with the keys north_star_goal, definition_of_great, action_policy and scenarios",
        )
    })?;
    let Value::Object(object) = value else {
        return Err(ImportError::general(
            &file,
            None,
            "the file is not a JSON object",
            "a JSON object with the keys north_star_goal, definition_of_great, action_policy and scenarios",
        ));
    };
    if let Some(unknown) = object.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(invalid(
            &file,
            unknown,
            &Value::Null,
            &format!("one of the keys {}", KEYS.join(", ")),
        ));
    }
    let present = |key: &str| object.get(key).filter(|v| !v.is_null());

    let goal = match present("north_star_goal") {
        None => None,
        Some(goal) => {
            let expected = "{\"target_percent\": a number from 1 to 100, \"target_year\": a school year like 2027-2028}";
            let percent = goal
                .get("target_percent")
                .and_then(Value::as_f64)
                .filter(|p| (1.0..=100.0).contains(p))
                .ok_or_else(|| invalid(&file, "north_star_goal.target_percent", goal, expected))?;
            let year = goal
                .get("target_year")
                .and_then(Value::as_str)
                .and_then(|y| SchoolYear::parse(y).ok())
                .ok_or_else(|| invalid(&file, "north_star_goal.target_year", goal, expected))?;
            Some((percent, year))
        }
    };
    let definition_of_great = match present("definition_of_great") {
        None => None,
        Some(definition) => {
            serde_json::from_value::<Framework>(definition.clone()).map_err(|e| {
                invalid(
                    &file,
                    "definition_of_great",
                    definition,
                    &format!("a definition of great as the Lever 1 page saves it ({e})"),
                )
            })?;
            Some(definition.clone())
        }
    };
    let action_policy = match present("action_policy") {
        None => None,
        Some(rules) => {
            serde_json::from_value::<Vec<Rule>>(rules.clone()).map_err(|e| {
                invalid(
                    &file,
                    "action_policy",
                    rules,
                    &format!("a list of school-action rules as the plan page shows them ({e})"),
                )
            })?;
            Some(rules.clone())
        }
    };
    let mut scenarios = Vec::new();
    if let Some(list) = present("scenarios") {
        let items = list.as_array().ok_or_else(|| {
            invalid(
                &file,
                "scenarios",
                list,
                "a list of {\"name\", \"actions\"}",
            )
        })?;
        for (i, item) in items.iter().enumerate() {
            let name = item
                .get("name")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|n| !n.is_empty() && n.chars().count() <= 120)
                .ok_or_else(|| {
                    invalid(
                        &file,
                        &format!("scenarios[{i}].name"),
                        item,
                        "a name of 1 to 120 characters",
                    )
                })?;
            let actions = item.get("actions").cloned().unwrap_or_else(|| json!([]));
            serde_json::from_value::<Vec<ProposedAction>>(actions.clone()).map_err(|e| {
                invalid(
                    &file,
                    &format!("scenarios[{i}].actions"),
                    &actions,
                    &format!("a list of proposed actions as `sgs scenario run --format json` prints them ({e})"),
                )
            })?;
            scenarios.push(PlannedScenario {
                name: name.to_string(),
                actions,
            });
        }
    }
    let decisions = std::mem::take(&mut data.planning.decisions);
    data.planning = Planning {
        goal,
        definition_of_great,
        action_policy,
        scenarios,
        decisions,
    };
    Ok(Read {
        rows: 1,
        ..Read::default()
    })
}

/// An error about one part of `planning.json`, showing the start of its value.
fn invalid(file: &str, field: &str, value: &Value, expected: &str) -> ImportError {
    let mut shown = value.to_string();
    if shown.len() > 120 {
        let cut = (0..=120)
            .rev()
            .find(|i| shown.is_char_boundary(*i))
            .unwrap_or(0);
        shown.truncate(cut);
        shown.push('…');
    }
    ImportError::invalid(file, None, field, &shown, expected)
}

/// Reads `plan_decisions.csv`: one decision per row, oldest first.
pub(crate) fn read_decisions(
    path: &Path,
    district: &DistrictId,
    data: &mut DistrictSnapshot,
) -> Result<Read, ImportError> {
    let mut table = Table::open(path, false)?;
    table.refuse_duplicate_columns()?;
    let header = DECISION_COLUMNS.join(",");
    let cols: Vec<_> = DECISION_COLUMNS
        .iter()
        .map(|c| table.require(c, &header))
        .collect::<Result<_, _>>()?;
    let codes: Vec<&str> = ActionKind::all().iter().map(|a| a.code()).collect();
    let mut read = Read::default();
    table.for_each(|row| {
        let campus_id = row.campus_id(cols[0], district)?;
        let school_year = row.year(Some(cols[1]), None)?;
        let action = row.raw(cols[2]);
        if ActionKind::parse(action).is_none() {
            return Err(row.error(
                cols[2],
                format!("a school action: one of {}", codes.join(", ")),
            ));
        }
        let text = |i: usize, what: &str| {
            row.text(Some(cols[i]))
                .ok_or_else(|| row.error(cols[i], what))
        };
        let decided_at = row
            .raw(cols[6])
            .parse::<i64>()
            .map_err(|_| row.error(cols[6], "the time of the decision in Unix seconds"))?;
        data.planning.decisions.push(PlanDecisionRecord {
            campus_id,
            school_year,
            action: action.to_string(),
            rationale: text(3, "why the decision was taken")?,
            owner: text(4, "who carries it out")?,
            decided_by: text(5, "who recorded it")?,
            decided_at,
        });
        read.rows += 1;
        Ok(())
    })?;
    Ok(read)
}

/// `planning.json` for a district's planning documents (the decisions go to their own file).
pub(crate) fn planning_json(planning: &Planning) -> Value {
    let mut object = Map::new();
    object.insert(
        "north_star_goal".into(),
        planning
            .goal
            .map(|(p, y)| json!({"target_percent": p, "target_year": y.to_string()}))
            .unwrap_or(Value::Null),
    );
    object.insert(
        "definition_of_great".into(),
        planning.definition_of_great.clone().unwrap_or(Value::Null),
    );
    object.insert(
        "action_policy".into(),
        planning.action_policy.clone().unwrap_or(Value::Null),
    );
    object.insert(
        "scenarios".into(),
        Value::Array(
            planning
                .scenarios
                .iter()
                .map(|s| json!({"name": s.name, "actions": s.actions}))
                .collect(),
        ),
    );
    Value::Object(object)
}

/// Writes `planning.json`.
pub(crate) fn write_planning(planning: &Planning, out: &mut impl Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &planning_json(planning))?;
    out.write_all(b"\n")
}

/// Whether a JSON document is a `planning.json`: an object whose keys are planning keys.
pub(crate) fn looks_like_planning(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|o| !o.is_empty() && o.keys().all(|k| KEYS.contains(&k.as_str())))
}

/// The decisions' rows for `plan_decisions.csv`.
pub(crate) fn decision_rows(planning: &Planning) -> Vec<Vec<String>> {
    planning
        .decisions
        .iter()
        .map(|d| {
            vec![
                d.campus_id.to_string(),
                d.school_year.to_string(),
                d.action.clone(),
                d.rationale.clone(),
                d.owner.clone(),
                d.decided_by.clone(),
                d.decided_at.to_string(),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Planning, ImportError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("planning.json");
        std::fs::write(&path, text).unwrap();
        let mut data = DistrictSnapshot::default();
        read_planning(&path, &mut data)?;
        Ok(data.planning)
    }

    #[test]
    fn a_written_planning_file_reads_back() {
        let planning = Planning {
            goal: Some((80.0, SchoolYear::parse("2027-2028").unwrap())),
            definition_of_great: None,
            action_policy: Some(
                serde_json::to_value(sgs_analysis::portfolio::default_policy()).unwrap(),
            ),
            scenarios: vec![PlannedScenario {
                name: "Close one".into(),
                actions: json!([{"type": "change_seats", "campus_id": "999901101", "seats": -100}]),
            }],
            decisions: vec![],
        };
        let mut out = Vec::new();
        write_planning(&planning, &mut out).unwrap();
        assert_eq!(read(&String::from_utf8(out).unwrap()).unwrap(), planning);
        assert!(looks_like_planning(&planning_json(&planning)));
    }

    #[test]
    fn bad_parts_are_named() {
        let error =
            read(r#"{"north_star_goal": {"target_percent": 180, "target_year": "2027-2028"}}"#)
                .unwrap_err()
                .to_string();
        assert!(
            error.contains("planning.json") && error.contains("north_star_goal.target_percent"),
            "{error}"
        );
        let error = read(r#"{"scenarios": [{"name": "A", "actions": [{"type": "demolish"}]}]}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("scenarios[0].actions"), "{error}");
        let error = read(r#"{"goal": 80}"#).unwrap_err().to_string();
        assert!(error.contains("field goal"), "{error}");
        let error = read(r#"{"action_policy": [{"action": "restart"}]}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("action_policy"), "{error}");
    }
}
