//! Riverbend ISD's choice season: one application for the transition grades (kindergarten,
//! grade 6 and grade 9), written as the files of the open choice format
//! (`docs/choice-format.md`).
//!
//! Every open campus that starts one of those grades offers a program with about as many seats
//! as it enrolled in that grade last year. Students apply in about the numbers the district
//! enrolls, from the neighborhoods where children of that age live. Families lean toward A- and
//! B-rated schools and toward schools near home, so quality schools are oversubscribed and low
//! rated ones are not. Priorities: a sibling already enrolled (group 1), the school is in the
//! student's neighborhood (group 2), everyone else (group 3). One elementary school is "diverse
//! by design": half its kindergarten seats are reserved for economically disadvantaged students.
//! Everything is drawn from keyed SplitMix64 streams: the same files on every call.

use std::collections::BTreeMap;
use std::fmt::Write;

use sgs_domain::summary::Tier;
use sgs_domain::{geo, CampusStatus, DistrictSnapshot, Grade, SchoolYear};

use crate::random::Random;

/// The season: the school year the offers are for, and its input files (name, content).
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceSeason {
    /// The school year the offers are for.
    pub season: String,
    /// `programs.csv`, `students.csv`, `preferences.csv`, `reserves.csv`, `eligibility.csv`,
    /// `policy.json`.
    pub files: Vec<(String, String)>,
}

/// The public value the demo's official run takes its seed from, as a district would announce
/// it after applications close (here, a made-up public drawing).
pub const PUBLIC_VALUE: &str = "Riverbend ISD public drawing, 2023-03-01: 04 17 23 38 41";

/// The policy the district runs: deferred acceptance, one lottery number per student.
pub const POLICY: &str = r#"{
  "mechanism": "deferred_acceptance",
  "tie_breaking": "single",
  "priority_groups": {
    "1": { "en": "sibling enrolled", "es": "hermano inscrito" },
    "2": { "en": "neighborhood", "es": "vecindario" },
    "3": { "en": "other", "es": "otro" }
  }
}
"#;

/// The district's old policy, kept to replay and compare: the immediate-acceptance ("Boston")
/// mechanism with the same priorities.
pub const OLD_POLICY: &str = r#"{
  "mechanism": "immediate_acceptance",
  "tie_breaking": "single",
  "priority_groups": {
    "1": { "en": "sibling enrolled", "es": "hermano inscrito" },
    "2": { "en": "neighborhood", "es": "vecindario" },
    "3": { "en": "other", "es": "otro" }
  }
}
"#;

struct Program {
    id: String,
    campus: String,
    grade: Grade,
    area: Option<String>,
    appeal: f64,
    capacity: u32,
}

fn centre(geometry: &serde_json::Value) -> Option<(f64, f64)> {
    let rings = geo::outer_rings(geometry);
    let ring = rings.first()?;
    let n = ring.len() as f64;
    Some((
        ring.iter().map(|p| p.0).sum::<f64>() / n,
        ring.iter().map(|p| p.1).sum::<f64>() / n,
    ))
}

/// The demo season, drawn from the demo district `snapshot` (its latest school year).
pub fn season(snapshot: &DistrictSnapshot) -> ChoiceSeason {
    let latest: SchoolYear = snapshot
        .campus_years
        .keys()
        .map(|(_, y)| *y)
        .max()
        .expect("the demo has years");
    let centres: BTreeMap<&str, (f64, f64)> = snapshot
        .planning_areas
        .iter()
        .filter_map(|a| Some((a.id.as_str(), centre(&a.geometry)?)))
        .collect();
    let entry = [Grade::K, Grade::G(6), Grade::G(9)];
    let mut programs: Vec<Program> = Vec::new();
    for campus in snapshot
        .campuses
        .iter()
        .filter(|c| c.status == CampusStatus::Open)
    {
        let Some(facts) = snapshot.campus_years.get(&(campus.id.clone(), latest)) else {
            continue;
        };
        let tier = Tier::of(
            snapshot
                .campus_years
                .iter()
                .rev()
                .filter(|((id, _), f)| {
                    id == &campus.id && matches!(f.rating, Some(sgs_domain::Rating::Letter(_)))
                })
                .map(|(_, f)| f.rating.as_ref())
                .next()
                .flatten(),
        );
        let appeal = match tier {
            Tier::Quality => 3.0,
            Tier::Mixed => 1.2,
            _ => 0.5,
        };
        for grade in entry {
            if let Some(&enrolled) = facts.enrollment.get(&grade).filter(|n| **n > 20) {
                programs.push(Program {
                    id: format!("{}-{}", campus.id, grade.code()),
                    campus: campus.id.to_string(),
                    grade,
                    area: campus.planning_area_id.clone(),
                    appeal,
                    capacity: enrolled,
                });
            }
        }
    }

    // Applicants per grade and neighborhood: this year's residents of that age, nine in ten.
    let mut applicants: Vec<(Grade, String)> = Vec::new();
    for grade in entry {
        for area in &snapshot.planning_areas {
            let residents: u32 = snapshot
                .resident_counts
                .iter()
                .filter(|r| {
                    r.school_year == latest
                        && r.grade == grade
                        && r.group.is_none()
                        && r.planning_area_id == area.id
                })
                .map(|r| r.count)
                .sum();
            for _ in 0..(residents * 9 / 10) {
                applicants.push((grade, area.id.clone()));
            }
        }
    }

    let mut students = String::from("student_id,family_id,grade,planning_area,student_groups\n");
    let mut preferences = String::from("student_id,rank,program_id,priority\n");
    let mut eligibility = String::from("student_id,category,program_id\n");
    let diverse = programs
        .iter()
        .filter(|p| p.grade == Grade::K && p.appeal >= 3.0)
        .max_by_key(|p| p.capacity)
        .map(|p| p.id.clone());
    for (n, (grade, area)) in applicants.iter().enumerate() {
        let mut random = Random::keyed("demo-choice-student", n as u64);
        let id = format!("R{}{:05}", grade.code(), n + 1);
        let poor = random.unit() < 0.62;
        let bilingual = random.unit() < 0.22;
        let groups: Vec<&str> = [(poor, "econ_disadv"), (bilingual, "emergent_bilingual")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, g)| *g)
            .collect();
        // One student in twelve has an older sibling at one of the schools she ranks.
        let sibling = random.unit() < 1.0 / 12.0;
        // The older sibling is not applying, so no family link is needed: the sibling's school
        // gets priority group 1.
        let _ = writeln!(
            students,
            "{id},,{},{area},{}",
            grade.code(),
            groups.join(";")
        );
        if poor {
            let _ = writeln!(eligibility, "{id},ses_tier_1,");
        }
        // Choices: weighted by appeal and nearness, without repeats.
        let home = centres.get(area.as_str()).copied();
        let mut pool: Vec<(&Program, f64)> = programs
            .iter()
            .filter(|p| p.grade == *grade)
            .map(|p| {
                let distance = match (home, p.area.as_deref().and_then(|a| centres.get(a))) {
                    (Some((x, y)), Some((px, py))) => ((x - px).powi(2) + (y - py).powi(2)).sqrt(),
                    _ => 0.1,
                };
                let near = if p.area.as_deref() == Some(area.as_str()) {
                    4.0
                } else {
                    1.0 / (1.0 + 40.0 * distance)
                };
                (p, p.appeal * near)
            })
            .collect();
        let length = match random.unit() {
            u if u < 0.15 => 1,
            u if u < 0.35 => 2,
            u if u < 0.75 => 3,
            u if u < 0.92 => 4,
            _ => 5,
        };
        let sibling_rank = if sibling {
            Some((random.unit() * length as f64) as usize)
        } else {
            None
        };
        for rank in 0..length.min(pool.len()) {
            let total: f64 = pool.iter().map(|(_, w)| w).sum();
            let mut pick = random.unit() * total;
            let mut index = pool.len() - 1;
            for (i, (_, w)) in pool.iter().enumerate() {
                if pick < *w {
                    index = i;
                    break;
                }
                pick -= w;
            }
            let (program, _) = pool.remove(index);
            let priority = if sibling_rank == Some(rank) {
                1
            } else if program.area.as_deref() == Some(area.as_str()) {
                2
            } else {
                3
            };
            let _ = writeln!(preferences, "{id},{},{},{priority}", rank + 1, program.id);
        }
    }

    let mut programs_csv = String::from("program_id,capacity,school_id,grade,name\n");
    let names: BTreeMap<String, &str> = snapshot
        .campuses
        .iter()
        .map(|c| (c.id.to_string(), c.name.as_str()))
        .collect();
    for p in &programs {
        let grade_name = match p.grade {
            Grade::K => "kindergarten".to_string(),
            g => format!("grade {}", g.code()),
        };
        let _ = writeln!(
            programs_csv,
            "{},{},{},{},{} {grade_name}",
            p.id,
            p.capacity,
            p.campus,
            p.grade.code(),
            names.get(&p.campus).copied().unwrap_or("Campus")
        );
    }
    let mut reserves = String::from("program_id,category,seats,order,eligible_only\n");
    if let Some(diverse) = &diverse {
        let _ = writeln!(reserves, "{diverse},ses_tier_1,50%,1,false");
        let _ = writeln!(reserves, "{diverse},open,,2,false");
    }

    ChoiceSeason {
        season: latest.next().to_string(),
        files: vec![
            ("eligibility.csv".into(), eligibility),
            ("policy.json".into(), POLICY.into()),
            ("preferences.csv".into(), preferences),
            ("programs.csv".into(), programs_csv),
            ("reserves.csv".into(), reserves),
            ("students.csv".into(), students),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_season_reads_as_the_choice_format_and_quality_schools_are_oversubscribed() {
        let snapshot = crate::generate();
        let demo = season(&snapshot);
        assert_eq!(demo, season(&snapshot), "deterministic");
        assert_eq!(demo.season, "2023-2024");
        let file = |name: &str| {
            demo.files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, c)| c.as_bytes().to_vec())
        };
        let inputs = sgs_match::read_from(|name| Ok(file(name))).expect("the demo files are valid");
        let students = inputs.market.students.len();
        assert!((8_000..14_000).contains(&students), "{students} applicants");
        let grades: std::collections::BTreeSet<&str> = demo.files[3]
            .1
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(3).unwrap())
            .collect();
        assert_eq!(grades.into_iter().collect::<Vec<_>>(), ["6", "9", "K"]);
        let policy = inputs.policy.clone();
        let run = sgs_match::run(
            &inputs.market,
            &policy,
            sgs_match::Seed::derive(&"0".repeat(64), PUBLIC_VALUE),
        )
        .unwrap();
        let summary = sgs_match::stats::summarize(&run, &inputs.attributes);
        // Demand concentrates: some programs draw several first choices per seat, others few.
        let per_seat: Vec<f64> = summary
            .programs
            .iter()
            .filter_map(|p| p.first_choice_per_seat)
            .collect();
        assert!(
            per_seat.iter().cloned().fold(0.0, f64::max) > 1.5,
            "{per_seat:?}"
        );
        assert!(
            per_seat.iter().cloned().fold(f64::MAX, f64::min) < 0.8,
            "{per_seat:?}"
        );
        let first = f64::from(summary.overall.first_choice) / f64::from(summary.overall.students);
        assert!(first > 0.4 && first < 0.95, "{:?}", summary.overall);
        assert!(summary.by_student_group.contains_key("econ_disadv"));
        assert!(
            demo.files[4].1.contains("ses_tier_1,50%"),
            "one reserve design"
        );
    }
}
