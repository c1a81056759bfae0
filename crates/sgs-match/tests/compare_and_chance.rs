//! Policy comparison (who gains and who loses a seat, by group and area) and the chance of an
//! offer under immediate acceptance, read from round-1 cutoffs.

mod common;

use common::{market, run};
use sgs_match::attributes::{Attributes, StudentAttributes};
use sgs_match::chance::chance_of_offer;
use sgs_match::compare::{compare, CompareError, Movement};
use sgs_match::{Mechanism, OpenSeats, Policy};

const KA2: &str = "
    programs: s1=1 s2=1 s3=1
    i1: s2 s1 s3
    i2: s1 s2 s3
    i3: s1 s3 s2
    priority s1: i1 i3 i2
    priority s2: i2 i1 i3
    priority s3: i3 i1 i2
";

fn boston() -> Policy {
    Policy {
        mechanism: Mechanism::ImmediateAcceptance,
        ..Policy::default()
    }
}

#[test]
fn comparing_boston_with_deferred_acceptance_counts_gains_and_losses_by_group_and_area() {
    let m = market(KA2, OpenSeats::First);
    let before = run(&m, &boston()); // i1-s2 i2-s3 i3-s1
    let after = run(&m, &Policy::default()); // i1-s1 i2-s2 i3-s3
    let attributes = Attributes::from_ids(
        &m,
        [
            ("i1", Some("east"), vec!["ell"]),
            ("i2", Some("east"), vec![]),
            ("i3", Some("west"), vec!["ell"]),
        ]
        .into_iter()
        .map(|(id, area, groups)| {
            (
                id.to_string(),
                StudentAttributes {
                    planning_area: area.map(str::to_string),
                    groups: groups.into_iter().map(str::to_string).collect(),
                },
            )
        }),
    );
    let c = compare(&before, &after, &attributes).unwrap();
    // i1: s2 (rank 1) -> s1 (rank 2): worse; i2: s3 (3) -> s2 (2): better; i3: s1 (1) -> s3 (2): worse.
    assert_eq!(c.overall.students, 3);
    assert_eq!((c.overall.better, c.overall.worse), (1, 2));
    assert_eq!((c.overall.gains(), c.overall.losses()), (1, 2));
    assert_eq!(
        (c.overall.first_choice_before, c.overall.first_choice_after),
        (2, 0)
    );
    assert_eq!(c.by_planning_area["east"].better, 1);
    assert_eq!(c.by_planning_area["east"].worse, 1);
    assert_eq!(c.by_planning_area["west"].worse, 1);
    assert_eq!(c.by_student_group["ell"].worse, 2);
    // Priority group at the first choice: i1 has group 1 at s2, i3 group 1 at s1, i2 group 2.
    assert_eq!(
        (
            c.by_priority_group[&1].students,
            c.by_priority_group[&1].worse
        ),
        (2, 2)
    );
    assert_eq!(c.by_priority_group[&2].better, 1);
    assert_eq!(c.changes.len(), 3);
    let i2 = c.changes.iter().find(|x| x.student_id == "i2").unwrap();
    assert_eq!(i2.movement, Movement::Better);
    assert_eq!(i2.before, Some(("s3".to_string(), Some(3))));
    assert_eq!(i2.after, Some(("s2".to_string(), Some(2))));
    assert!(c
        .programs
        .iter()
        .all(|p| p.offered_before == 1 && p.offered_after == 1));
}

#[test]
fn newly_assigned_and_unassigned_are_counted_and_other_applications_refused() {
    let a = market(
        "
        programs: A=1
        x: A
        y: A
        lottery: x y
        ",
        OpenSeats::First,
    );
    let b = market(
        "
        programs: A=1
        x: A
        y: A
        lottery: y x
        ",
        OpenSeats::First,
    );
    let c = compare(
        &run(&a, &Policy::default()),
        &run(&b, &Policy::default()),
        &Attributes::none(),
    )
    .unwrap();
    assert_eq!(c.overall.newly_assigned, 1);
    assert_eq!(c.overall.newly_unassigned, 1);
    assert_eq!(
        (c.overall.unassigned_before, c.overall.unassigned_after),
        (1, 1)
    );
    let other = market("programs: A=1\nx: A\n", OpenSeats::First);
    assert!(matches!(
        compare(
            &run(&a, &Policy::default()),
            &run(&other, &Policy::default()),
            &Attributes::none()
        ),
        Err(CompareError::DifferentStudents(_))
    ));
    let relisted = market("programs: A=1 B=1\nx: B\ny: A\n", OpenSeats::First);
    let same_ids = market("programs: A=1 B=1\nx: A\ny: A\n", OpenSeats::First);
    assert!(matches!(
        compare(
            &run(&same_ids, &Policy::default()),
            &run(&relisted, &Policy::default()),
            &Attributes::none()
        ),
        Err(CompareError::DifferentLists(_))
    ));
}

#[test]
fn boston_chance_of_offer_uses_the_round_one_cutoff() {
    // A has 2 seats; only f ranks it first, so after round 1 a seat is left, and s takes it in
    // round 2. The end-of-run cutoff is full (last admitted: s, group 1), but any applicant who
    // ranks A first is admitted in round 1: her chance is 1 whatever her group.
    let m = market(
        "
        programs: A=2 B=1
        f: A
        s: B A
        t: B
        priority A: f | s
        priority B: t s
        ",
        OpenSeats::First,
    );
    let report = chance_of_offer(&m, &boston(), common::seed(), 8, 2).unwrap();
    let a = report
        .programs
        .iter()
        .find(|p| p.program_id == "A")
        .unwrap();
    for group in &a.groups {
        assert_eq!(group.chance.mean, 1.0, "group {}", group.priority);
    }
    // Under deferred acceptance the same market's end-of-run cutoff decides.
    let report = chance_of_offer(&m, &Policy::default(), common::seed(), 8, 2).unwrap();
    let a = report
        .programs
        .iter()
        .find(|p| p.program_id == "A")
        .unwrap();
    let worst = a.groups.iter().max_by_key(|g| g.priority).unwrap();
    assert!(worst.chance.mean <= 1.0);
    assert_eq!(report.redraws, 8);
}
