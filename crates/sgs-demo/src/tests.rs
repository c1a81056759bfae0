//! Tests of the generated demo district as a whole: size, identifiers, geography, the rating
//! calendar, lineage, grade progression, residents and seat gaps.

use std::collections::{BTreeMap, BTreeSet};

use sgs_domain::geo::contains;
use sgs_domain::{
    CampusId, CampusStatus, CampusYear, DistrictSnapshot, Governance, Grade, NotRatedReason,
    Rating, SchoolType, SchoolYear, StudentGroup,
};

use super::*;

/// The school year starting in the fall of `start`.
fn year(start: u16) -> SchoolYear {
    SchoolYear::starting(start)
}

/// Every campus-year of one school year.
fn facts_in(
    snapshot: &DistrictSnapshot,
    school_year: SchoolYear,
) -> impl Iterator<Item = (&CampusId, &CampusYear)> {
    snapshot
        .campus_years
        .iter()
        .filter(move |((_, facts_year), _)| *facts_year == school_year)
        .map(|((campus, _), facts)| (campus, facts))
}

/// District-wide enrollment by year and grade.
fn enrollment_by_grade(snapshot: &DistrictSnapshot) -> BTreeMap<(SchoolYear, Grade), u32> {
    let mut totals = BTreeMap::new();
    for ((_, school_year), facts) in &snapshot.campus_years {
        for (grade, students) in &facts.enrollment {
            *totals.entry((*school_year, *grade)).or_insert(0) += students;
        }
    }
    totals
}

/// The planning area each campus sits in.
fn campus_areas(snapshot: &DistrictSnapshot) -> BTreeMap<CampusId, String> {
    snapshot
        .campuses
        .iter()
        .map(|campus| {
            let area = campus.planning_area_id.clone().expect("campus has an area");
            (campus.id.clone(), area)
        })
        .collect()
}

#[test]
fn generation_is_deterministic() {
    let first = generate();
    let second = generate();
    assert_eq!(first, second);
    assert!(!first.campuses.is_empty());
}

#[test]
fn district_has_about_sixty_campuses_of_every_level() {
    let snapshot = generate();
    let count = snapshot.campuses.len();
    assert!((55..=65).contains(&count), "{count} campuses");
    let of_type = |school_type: SchoolType| {
        snapshot
            .campuses
            .iter()
            .filter(|campus| campus.school_type == Some(school_type))
            .count()
    };
    assert!(of_type(SchoolType::Elementary) >= 35);
    assert!(of_type(SchoolType::Middle) >= 10);
    assert!(of_type(SchoolType::High) >= 6);
    assert!(of_type(SchoolType::Combined) >= 2);
    for campus in &snapshot.campuses {
        assert!(!campus.name.is_empty());
        assert!(campus.address.is_some(), "{} has no address", campus.name);
        assert!(campus.grade_low <= campus.grade_high, "{}", campus.name);
    }
    let with_programs = snapshot
        .campuses
        .iter()
        .filter(|campus| !campus.programs.is_empty())
        .count();
    assert!(
        with_programs >= count / 2,
        "{with_programs} campuses with programs"
    );
}

#[test]
fn district_identity_and_boundary_are_set() {
    let snapshot = generate();
    assert_eq!(
        snapshot.district_id,
        Some(DistrictId::parse(DEMO_DISTRICT_ID).unwrap())
    );
    assert_eq!(snapshot.name, DEMO_DISTRICT_NAME);
    let boundary = snapshot.boundary.as_ref().expect("boundary is set");
    assert_eq!(boundary["type"], "Polygon");
    assert_eq!(snapshot.planning_areas.len(), 12);
    let ids: BTreeSet<&str> = snapshot
        .planning_areas
        .iter()
        .map(|area| area.id.as_str())
        .collect();
    assert_eq!(ids.len(), 12, "planning area ids repeat");
    assert!(ids.contains("north-central"));
    for area in &snapshot.planning_areas {
        assert_eq!(area.geometry["type"], "Polygon", "{}", area.id);
    }
}

#[test]
fn total_enrollment_is_about_45000_every_year() {
    let snapshot = generate();
    assert_eq!(school_years().len(), 5);
    for school_year in school_years() {
        let total: u32 = facts_in(&snapshot, school_year)
            .map(|(_, facts)| facts.total_enrollment().unwrap_or(0))
            .sum();
        assert!(
            (40_000..=50_000).contains(&total),
            "{school_year}: {total} students"
        );
    }
}

#[test]
fn campus_ids_are_unique_and_carry_the_district_id() {
    let snapshot = generate();
    let district = DistrictId::parse(DEMO_DISTRICT_ID).unwrap();
    let mut seen = BTreeSet::new();
    for campus in &snapshot.campuses {
        assert!(seen.insert(campus.id.clone()), "{} repeats", campus.id);
        assert!(campus.id.as_str().starts_with(DEMO_DISTRICT_ID));
        assert_eq!(campus.id.district_id(), district);
        assert_eq!(campus.district_id, district);
    }
    for (campus, _) in snapshot.campus_years.keys() {
        assert!(seen.contains(campus), "facts for unknown campus {campus}");
    }
}

#[test]
fn every_campus_lies_in_its_planning_area_and_the_district() {
    let snapshot = generate();
    let boundary = snapshot.boundary.as_ref().unwrap();
    for campus in &snapshot.campuses {
        let (longitude, latitude) = (campus.longitude.unwrap(), campus.latitude.unwrap());
        let area_id = campus.planning_area_id.as_deref().expect("area is set");
        let area = snapshot
            .planning_areas
            .iter()
            .find(|area| area.id == area_id)
            .unwrap_or_else(|| panic!("{} names unknown area {area_id}", campus.name));
        assert!(
            contains(&area.geometry, longitude, latitude),
            "{} at ({longitude}, {latitude}) is outside {area_id}",
            campus.name
        );
        assert!(contains(boundary, longitude, latitude), "{}", campus.name);
        let holding = snapshot
            .planning_areas
            .iter()
            .filter(|area| contains(&area.geometry, longitude, latitude))
            .count();
        assert_eq!(holding, 1, "{} lies in {holding} areas", campus.name);
    }
}

#[test]
fn declared_disaster_years_have_no_letters_or_scores() {
    let snapshot = generate();
    for school_year in [year(2019), year(2020)] {
        let mut rated = 0;
        for (campus, facts) in facts_in(&snapshot, school_year) {
            assert_eq!(
                facts.rating,
                Some(Rating::NotRated(NotRatedReason::DeclaredDisaster)),
                "{campus} in {school_year}"
            );
            assert_eq!(facts.overall_score, None, "{campus} in {school_year}");
            assert_eq!(facts.achievement_score, None);
            assert_eq!(facts.progress_score, None);
            assert_eq!(facts.closing_gaps_score, None);
            rated += 1;
        }
        assert!(rated >= 55, "{rated} campuses in {school_year}");
    }
}

#[test]
fn school_year_2021_2022_has_no_d_or_f() {
    let snapshot = generate();
    let mut senate_bill_1365 = 0;
    for (campus, facts) in facts_in(&snapshot, year(2021)) {
        match facts.rating.as_ref().expect("rated") {
            Rating::Letter(letter) => {
                assert!(matches!(letter, 'A' | 'B' | 'C'), "{campus} got {letter}");
            }
            Rating::NotRated(NotRatedReason::Sb1365) => {
                senate_bill_1365 += 1;
                let overall = facts.overall_score.expect("score reported");
                assert!(overall < 70, "{campus} scored {overall} yet was not rated");
            }
            other => panic!("{campus} has {other}"),
        }
    }
    assert!(senate_bill_1365 > 0, "no campus was Not Rated: SB 1365");
}

#[test]
fn letters_follow_overall_scores_and_span_a_to_f() {
    let snapshot = generate();
    for school_year in [year(2018), year(2021), year(2022)] {
        for (campus, facts) in facts_in(&snapshot, school_year) {
            let overall = facts.overall_score.expect("overall score");
            if let Some(Rating::Letter(_)) = facts.rating {
                assert_eq!(
                    facts.rating,
                    Some(Rating::from_scaled_score(overall)),
                    "{campus} in {school_year}"
                );
            }
            let better = facts
                .achievement_score
                .unwrap()
                .max(facts.progress_score.unwrap());
            let expected = (0.7 * f64::from(better)
                + 0.3 * f64::from(facts.closing_gaps_score.unwrap()))
            .round() as u8;
            assert_eq!(overall, expected, "{campus} in {school_year}");
        }
    }
    for school_year in [year(2018), year(2022)] {
        let letters: BTreeSet<char> = facts_in(&snapshot, school_year)
            .filter_map(|(_, facts)| facts.rating.as_ref()?.letter())
            .collect();
        assert_eq!(
            letters,
            BTreeSet::from(['A', 'B', 'C', 'D', 'F']),
            "{school_year}"
        );
    }
}

#[test]
fn partner_managed_and_charter_campuses_exist() {
    let snapshot = generate();
    let governed = |governance: Governance| {
        snapshot
            .campuses
            .iter()
            .filter(|campus| campus.governance == governance)
            .count()
    };
    assert!(governed(Governance::PartnerManaged) >= 1);
    assert_eq!(governed(Governance::InDistrictCharter), 1);
}

#[test]
fn restart_continues_the_closed_campus() {
    let snapshot = generate();
    let by_id: BTreeMap<&CampusId, _> = snapshot
        .campuses
        .iter()
        .map(|campus| (&campus.id, campus))
        .collect();
    let successors: Vec<_> = snapshot
        .campuses
        .iter()
        .filter(|campus| campus.predecessor_id.is_some())
        .collect();
    assert!(!successors.is_empty(), "no lineage");
    for successor in successors {
        let predecessor_id = successor.predecessor_id.as_ref().unwrap();
        let predecessor = by_id
            .get(predecessor_id)
            .unwrap_or_else(|| panic!("{predecessor_id} is not a campus"));
        assert_eq!(predecessor.status, CampusStatus::Closed);
        assert_eq!(successor.status, CampusStatus::Open);
        let years = |id: &CampusId| -> Vec<SchoolYear> {
            school_years()
                .into_iter()
                .filter(|school_year| {
                    snapshot
                        .campus_years
                        .contains_key(&(id.clone(), *school_year))
                })
                .collect()
        };
        let before = years(predecessor_id);
        let after = years(&successor.id);
        assert!(!before.is_empty() && !after.is_empty());
        assert_eq!(before.last().unwrap().next(), after[0], "years must join");
    }
    let closed = snapshot
        .campuses
        .iter()
        .filter(|campus| campus.status == CampusStatus::Closed)
        .count();
    assert_eq!(closed, 1);
}

#[test]
fn district_grade_progression_is_believable() {
    let snapshot = generate();
    let totals = enrollment_by_grade(&snapshot);
    for school_year in school_years().into_iter().take(4) {
        for index in Grade::K.index()..Grade::G(12).index() {
            let grade = Grade::from_index(index).unwrap();
            let next_grade = Grade::from_index(index + 1).unwrap();
            let now = totals[&(school_year, grade)];
            let later = totals[&(school_year.next(), next_grade)];
            let ratio = f64::from(later) / f64::from(now);
            assert!(
                (0.85..1.10).contains(&ratio),
                "grade {grade} in {school_year} to grade {next_grade}: {ratio:.3}"
            );
        }
    }
}

#[test]
fn campus_grades_match_their_span() {
    let snapshot = generate();
    let spans: BTreeMap<&CampusId, (Grade, Grade)> = snapshot
        .campuses
        .iter()
        .map(|campus| {
            (
                &campus.id,
                (campus.grade_low.unwrap(), campus.grade_high.unwrap()),
            )
        })
        .collect();
    for ((campus, school_year), facts) in &snapshot.campus_years {
        let (low, high) = spans[campus];
        for (grade, students) in &facts.enrollment {
            assert!(
                (low..=high).contains(grade),
                "{campus} {school_year} grade {grade}"
            );
            assert!(*students > 0, "{campus} {school_year} grade {grade} empty");
        }
    }
}

#[test]
fn student_group_percents_match_their_counts() {
    let snapshot = generate();
    for ((campus, school_year), facts) in &snapshot.campus_years {
        let total = facts.total_enrollment().unwrap();
        assert_eq!(facts.groups.len(), 8, "{campus} {school_year}");
        let mut races = 0;
        for (group, measure) in &facts.groups {
            let count = measure.count.unwrap();
            let percent = measure.percent.unwrap();
            let exact = f64::from(count) * 100.0 / f64::from(total);
            assert!((exact - percent).abs() <= 0.051, "{campus} {group:?}");
            if !matches!(
                group,
                StudentGroup::EconomicallyDisadvantaged
                    | StudentGroup::EmergentBilingual
                    | StudentGroup::SpecialEducation
            ) {
                races += count;
            }
        }
        assert!(
            races <= total + 3,
            "{campus} {school_year}: {races} of {total}"
        );
    }
    // Neighborhoods differ: the West Side is mostly Hispanic, Far Northwest much less so.
    let areas = campus_areas(&snapshot);
    let share = |area: &str, group: StudentGroup| {
        let (count, total) = facts_in(&snapshot, year(2022))
            .filter(|(campus, _)| areas[*campus] == area)
            .fold((0, 0), |(count, total), (_, facts)| {
                (
                    count + facts.groups[&group].count.unwrap(),
                    total + facts.total_enrollment().unwrap(),
                )
            });
        f64::from(count) / f64::from(total)
    };
    assert!(share("west-side", StudentGroup::Hispanic) > 0.85);
    assert!(share("far-northwest", StudentGroup::Hispanic) < 0.65);
    assert!(share("near-east-side", StudentGroup::AfricanAmerican) > 0.25);
}

#[test]
fn utilisation_ranges_from_crowded_to_half_empty() {
    let snapshot = generate();
    let utilisation: Vec<f64> = facts_in(&snapshot, year(2022))
        .map(|(_, facts)| {
            f64::from(facts.total_enrollment().unwrap()) / f64::from(facts.capacity.unwrap())
        })
        .collect();
    assert!(
        utilisation.iter().any(|&share| share > 1.0),
        "none over capacity"
    );
    assert!(
        utilisation.iter().any(|&share| share < 0.6),
        "none far under capacity"
    );
    assert!(utilisation.iter().all(|&share| (0.3..1.4).contains(&share)));
}

#[test]
fn residents_cover_district_enrollment() {
    let snapshot = generate();
    let totals = enrollment_by_grade(&snapshot);
    let area_ids: BTreeSet<&str> = snapshot
        .planning_areas
        .iter()
        .map(|area| area.id.as_str())
        .collect();
    for count in &snapshot.resident_counts {
        assert!(area_ids.contains(count.planning_area_id.as_str()));
        assert!(count.grade >= Grade::K);
        assert_eq!(count.group, None);
    }
    for school_year in school_years() {
        for index in Grade::K.index()..=Grade::G(12).index() {
            let grade = Grade::from_index(index).unwrap();
            let residents: u32 = snapshot
                .resident_counts
                .iter()
                .filter(|count| count.school_year == school_year && count.grade == grade)
                .map(|count| count.count)
                .sum();
            let enrolled = totals[&(school_year, grade)];
            assert!(
                residents >= enrolled,
                "{school_year} grade {grade}: {residents} residents, {enrolled} enrolled"
            );
            assert!(
                f64::from(residents) < 1.4 * f64::from(enrolled),
                "{school_year} grade {grade}: {residents} residents, {enrolled} enrolled"
            );
        }
    }
    let rows = 12 * 13 * school_years().len();
    assert_eq!(snapshot.resident_counts.len(), rows);
}

#[test]
fn some_neighborhoods_lack_quality_seats() {
    let snapshot = generate();
    let areas = campus_areas(&snapshot);
    let mut quality_seats: BTreeMap<&str, u32> = BTreeMap::new();
    for (campus, facts) in facts_in(&snapshot, year(2022)) {
        let seats = quality_seats.entry(areas[campus].as_str()).or_default();
        if matches!(
            facts.rating.as_ref().and_then(Rating::letter),
            Some('A' | 'B')
        ) {
            *seats += facts.total_enrollment().unwrap();
        }
    }
    let mut residents: BTreeMap<&str, u32> = BTreeMap::new();
    for count in &snapshot.resident_counts {
        if count.school_year == year(2022) {
            *residents
                .entry(count.planning_area_id.as_str())
                .or_default() += count.count;
        }
    }
    let coverage = |area: &str| {
        f64::from(quality_seats.get(area).copied().unwrap_or(0)) / f64::from(residents[area])
    };
    let starved = residents
        .keys()
        .filter(|area| coverage(area) < 0.25)
        .count();
    let served = residents.keys().filter(|area| coverage(area) > 0.6).count();
    assert!(starved >= 3, "only {starved} areas short of A/B seats");
    assert!(served >= 2, "only {served} areas well served");
}
