//! Chances of a whole list from a chance-of-offer simulation: the documented formulas on a
//! market small enough to work by hand, agreement with adding the applicant to the real match,
//! refusals, and the stored form.

use sgs_match::chance::{chance_of_offer, ListError, ListModel};
use sgs_match::lottery::{fraction, lottery_number};
use sgs_match::market::{Choice, MarketBuilder, OpenSeats, Program, Student};
use sgs_match::{run, Market, Mechanism, Policy, Seed, TieBreaking};

fn seed() -> Seed {
    "5eed".repeat(16).parse().unwrap()
}

fn program(id: &str, capacity: u32) -> Program {
    Program {
        id: id.into(),
        capacity,
        school_id: None,
        grade: None,
        name: None,
    }
}

/// A market from programs and students' lists of (program index, priority).
fn market(programs: &[(&str, u32)], students: &[(&str, Vec<(u32, u32)>)]) -> Market {
    let mut b = MarketBuilder::new();
    for (id, capacity) in programs {
        b.program(program(id, *capacity)).unwrap();
    }
    for (id, list) in students {
        let i = b
            .student(Student {
                id: id.to_string(),
                ..Student::default()
            })
            .unwrap();
        for &(program, priority) in list {
            b.choice(
                i,
                Choice {
                    program,
                    priority,
                    score: None,
                },
            );
        }
    }
    b.finish(OpenSeats::First).unwrap()
}

/// One share as the model stores it.
fn stored(share: f64) -> f64 {
    (share * 65535.0).round() / 65535.0
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.collect();
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn single_tie_breaking_follows_the_documented_formula() {
    // A and B have one seat each; s1 (group 1) takes A and s2 (group 2) takes B in every
    // redraw. A newcomer of group 1 clears A below s1's number and B always; one of group 2
    // never clears A and clears B below s2's number.
    let m = market(
        &[("A", 1), ("B", 1)],
        &[("s1", vec![(0, 1)]), ("s2", vec![(1, 2)])],
    );
    let redraws = 40;
    let report = chance_of_offer(&m, &Policy::default(), seed(), redraws, 2).unwrap();
    let model = &report.lists;
    assert_eq!(model.groups, vec![1, 2]);
    assert_eq!(model.redraws, redraws);
    let f = |student: &str| -> Vec<f64> {
        (0..redraws)
            .map(|i| stored(fraction(lottery_number(&seed().redraw(i), student))))
            .collect()
    };
    let (f1, f2) = (f("s1"), f("s2"));
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;

    // A (group 1) then B (group 2): A below f1; B when above f1 but below f2.
    let c = model.chances(&[("A", 1), ("B", 2)]).unwrap();
    assert!(close(c.at[0].mean, mean(f1.iter().copied())));
    let expected_b = mean(f1.iter().zip(&f2).map(|(a, b)| (b - a).max(0.0)));
    assert!(
        close(c.at[1].mean, expected_b),
        "{} {}",
        c.at[1].mean,
        expected_b
    );
    let expected_any = mean(f1.iter().zip(&f2).map(|(a, b)| a.max(*b)));
    assert!(close(c.any.mean, expected_any));
    assert!(close(c.none.mean, 1.0 - expected_any));
    assert!(c.at[0].low <= c.at[0].mean && c.at[0].mean <= c.at[0].high);

    // B in group 1 is certain, so nothing below it is ever reached.
    let c = model.chances(&[("B", 1), ("A", 1)]).unwrap();
    assert_eq!(c.at[0].mean, 1.0);
    assert_eq!(c.at[1].mean, 0.0);
    assert_eq!(c.none.mean, 0.0);

    // A in group 2 is impossible; the list's chance is B's alone.
    let c = model.chances(&[("A", 2), ("B", 2)]).unwrap();
    assert_eq!(c.at[0].mean, 0.0);
    assert!(close(c.at[1].mean, mean(f2.iter().copied())));
}

#[test]
fn multiple_tie_breaking_multiplies_the_chances() {
    let m = market(
        &[("A", 1), ("B", 1)],
        &[("s1", vec![(0, 1)]), ("s2", vec![(1, 1)])],
    );
    let policy = Policy {
        tie_breaking: TieBreaking::Multiple,
        ..Policy::default()
    };
    let redraws = 30;
    let report = chance_of_offer(&m, &policy, seed(), redraws, 1).unwrap();
    let f = |program: &str, student: &str| -> Vec<f64> {
        (0..redraws)
            .map(|i| {
                stored(fraction(sgs_match::lottery::program_lottery_number(
                    &seed().redraw(i),
                    program,
                    student,
                )))
            })
            .collect()
    };
    let (a, b) = (f("A", "s1"), f("B", "s2"));
    let c = report.lists.chances(&[("A", 1), ("B", 1)]).unwrap();
    let expected_b = mean(a.iter().zip(&b).map(|(a, b)| (1.0 - a) * b));
    assert!((c.at[1].mean - expected_b).abs() < 1e-9);
    let expected_any = mean(a.iter().zip(&b).map(|(a, b)| 1.0 - (1.0 - a) * (1.0 - b)));
    assert!((c.any.mean - expected_any).abs() < 1e-9);
}

/// A market of `n` students over eight programs with popularity skewed toward the first ones
/// and three priority groups.
fn skewed(n: usize) -> Market {
    let mut state = 99u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let programs: Vec<(String, u32)> = (0..8).map(|p| (format!("P{p}"), 12 + 3 * p)).collect();
    let students: Vec<(String, Vec<(u32, u32)>)> = (0..n)
        .map(|s| {
            let mut list: Vec<(u32, u32)> = Vec::new();
            while list.len() < 4 {
                // Squaring a uniform draw favours low program numbers.
                let u = (next() % 1000) as f64 / 1000.0;
                let p = (u * u * 8.0) as u32;
                if list.iter().all(|&(q, _)| q != p) {
                    list.push((p, 1 + (next() % 3) as u32));
                }
            }
            (format!("s{s:04}"), list)
        })
        .collect();
    let programs: Vec<(&str, u32)> = programs.iter().map(|(id, c)| (id.as_str(), *c)).collect();
    let students: Vec<(&str, Vec<(u32, u32)>)> = students
        .iter()
        .map(|(id, l)| (id.as_str(), l.clone()))
        .collect();
    market(&programs, &students)
}

#[test]
fn estimates_agree_with_adding_the_applicant_to_the_match() {
    // The model's chances for a newcomer's list against how often she is actually offered
    // each choice when she joins the same redraws. One more applicant moves the cutoffs a
    // little, and 400 redraws leave a sampling error of about 2.5 points, so they must agree
    // within 7 points.
    let base = skewed(240);
    // Group 1 at the two most popular programs (whose shares overlap under one lottery
    // number), then group 2 and group 3 where those groups still have a chance.
    let list = [("P0", 1), ("P1", 1), ("P6", 2), ("P7", 3)];
    let redraws = 400;
    for tie_breaking in [TieBreaking::Single, TieBreaking::Multiple] {
        let policy = Policy {
            tie_breaking,
            ..Policy::default()
        };
        let model = chance_of_offer(&base, &policy, seed(), redraws, 2)
            .unwrap()
            .lists;
        let estimate = model.chances(&list).unwrap();

        // The same market with the newcomer ("zz", last in id order) added.
        let mut programs = Vec::new();
        let mut students = Vec::new();
        for p in &base.programs {
            programs.push((p.id.clone(), p.capacity));
        }
        for s in 0..base.student_count() as u32 {
            let choices = (0..base.list_len(s))
                .map(|r| {
                    let c = base.choice(s, r);
                    (c.program, c.priority)
                })
                .collect::<Vec<_>>();
            students.push((base.students[s as usize].id.clone(), choices));
        }
        let index = |id: &str| base.programs.iter().position(|p| p.id == id).unwrap() as u32;
        students.push((
            "zz".to_string(),
            list.iter().map(|&(p, g)| (index(p), g)).collect(),
        ));
        let programs: Vec<(&str, u32)> = programs.iter().map(|(id, c)| (id.as_str(), *c)).collect();
        let students: Vec<(&str, Vec<(u32, u32)>)> = students
            .iter()
            .map(|(id, l)| (id.as_str(), l.clone()))
            .collect();
        let with_her = market(&programs, &students);
        let her = with_her.find_student("zz").unwrap();
        let mut landed = [0u32; 5];
        for i in 0..redraws {
            let result = run(&with_her, &policy, seed().redraw(i)).unwrap();
            let rank = result.outcome.offers[her as usize].and_then(|o| o.rank);
            landed[rank.map_or(4, |r| r as usize)] += 1;
        }
        let observed = |k: usize| f64::from(landed[k]) / f64::from(redraws);
        for k in 0..4 {
            assert!(
                (estimate.at[k].mean - observed(k)).abs() < 0.07,
                "{tie_breaking:?} choice {}: estimate {:.3}, observed {:.3}",
                k + 1,
                estimate.at[k].mean,
                observed(k)
            );
        }
        assert!(
            (estimate.none.mean - observed(4)).abs() < 0.07,
            "{tie_breaking:?} no offer: estimate {:.3}, observed {:.3}",
            estimate.none.mean,
            observed(4)
        );
        // The first two choices and no offer all happen, so the comparison tests the overlap
        // of the first two. (With one lottery number the last two choices are never reached:
        // a number too poor for the second choice in group 1 is too poor for the others.)
        for k in [0, 1, 4] {
            assert!(landed[k] > 8, "{tie_breaking:?}: {landed:?}");
        }
    }
}

#[test]
fn lists_that_cannot_be_estimated_are_refused_with_the_choice() {
    let m = market(&[("A", 1), ("B", 1)], &[("s1", vec![(0, 1)])]);
    let model = chance_of_offer(&m, &Policy::default(), seed(), 4, 1)
        .unwrap()
        .lists;
    assert_eq!(model.chances(&[]), Err(ListError::Empty));
    assert_eq!(
        model.chances(&[("A", 1), ("Z", 1)]),
        Err(ListError::UnknownProgram {
            choice: 2,
            program: "Z".into()
        })
    );
    assert_eq!(
        model.chances(&[("A", 1), ("B", 1), ("A", 1)]),
        Err(ListError::Repeated {
            choice: 3,
            first: 1
        })
    );
    assert_eq!(
        model.chances(&[("A", 7)]),
        Err(ListError::UnknownGroup {
            choice: 1,
            group: 7
        })
    );
}

#[test]
fn under_immediate_acceptance_a_choice_is_read_at_its_round() {
    // A has two seats, B one. Round 1: f takes a seat at A; s and t both apply to B, and t
    // (group 1) takes it over s (group 2). Round 2: s takes A's last seat.
    let m = market(
        &[("A", 2), ("B", 1)],
        &[
            ("f", vec![(0, 1)]),
            ("s", vec![(1, 2), (0, 2)]),
            ("t", vec![(1, 1)]),
        ],
    );
    // Three named groups, so a family can be in group 3 though nobody in the data is.
    let groups = (1..=3)
        .map(|g| (g, sgs_match::policy::GroupName::Plain(format!("group {g}"))))
        .collect();
    let boston = Policy {
        mechanism: Mechanism::ImmediateAcceptance,
        priority_groups: groups,
        ..Policy::default()
    };
    let redraws = 30;
    let model = chance_of_offer(&m, &boston, seed(), redraws, 2)
        .unwrap()
        .lists;
    assert_eq!(model.rounds, 3, "two rounds and one for any later round");
    let f = |student: &str| -> Vec<f64> {
        (0..redraws)
            .map(|i| stored(fraction(lottery_number(&seed().redraw(i), student))))
            .collect()
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    // A first: a seat is left after round 1, so she is sure of it.
    assert_eq!(model.chances(&[("A", 3)]).unwrap().at[0].mean, 1.0);
    // A second, in group 2: she meets s in round 2 for the last seat.
    let c = model.chances(&[("B", 3), ("A", 2)]).unwrap();
    assert_eq!(c.at[0].mean, 0.0, "t holds B with a better group");
    assert!(close(c.at[1].mean, mean(f("s").into_iter())));
    // A second in group 3: s beats her; B first in group 1: she meets t.
    let c = model.chances(&[("B", 1), ("A", 3)]).unwrap();
    assert!(close(c.at[0].mean, mean(f("t").into_iter())));
    assert_eq!(c.at[1].mean, 0.0);
    // A school nobody applied to keeps its seat for any round; one that filled does not.
    let m2 = market(
        &[("A", 2), ("B", 1), ("C", 1)],
        &[
            ("f", vec![(0, 1)]),
            ("s", vec![(1, 2), (0, 2)]),
            ("t", vec![(1, 1)]),
        ],
    );
    let model = chance_of_offer(&m2, &boston, seed(), 4, 1).unwrap().lists;
    let c = model.chances(&[("B", 3), ("C", 3), ("A", 1)]).unwrap();
    assert_eq!(
        c.at[1].mean, 1.0,
        "nobody applied to C: its seat is free in round 2"
    );
    assert_eq!(c.at[2].mean, 0.0, "A filled in round 2");

    // Where the mechanisms differ: A's one seat goes to a first choice in round 1, so under
    // immediate acceptance ranking it second is worthless even with a better group; under
    // deferred acceptance the better group takes it.
    let m3 = market(
        &[("A", 1), ("B", 1)],
        &[("f", vec![(0, 2)]), ("t", vec![(1, 1)])],
    );
    let list = [("B", 3), ("A", 1)];
    let ia = chance_of_offer(&m3, &boston, seed(), 4, 1).unwrap().lists;
    assert_eq!(ia.chances(&list).unwrap().at[1].mean, 0.0);
    let deferred = Policy {
        mechanism: Mechanism::DeferredAcceptance,
        ..boston.clone()
    };
    let da = chance_of_offer(&m3, &deferred, seed(), 4, 1).unwrap().lists;
    assert_eq!(da.rounds, 1);
    assert_eq!(da.chances(&list).unwrap().at[1].mean, 1.0);
}

#[test]
fn the_stored_form_round_trips_and_can_keep_fewer_redraws() {
    let m = skewed(60);
    let model = chance_of_offer(&m, &Policy::default(), seed(), 20, 2)
        .unwrap()
        .lists;
    assert_eq!(model.longest_list, 4);
    let text = serde_json::to_string(&model).unwrap();
    let back: ListModel = serde_json::from_str(&text).unwrap();
    assert_eq!(back, model);
    let list = [("P1", 1), ("P0", 2)];
    assert_eq!(back.chances(&list), model.chances(&list));

    let fewer = model.keep(5);
    assert_eq!(fewer.redraws, 5);
    let text = serde_json::to_string(&fewer).unwrap();
    assert!(text.len() < serde_json::to_string(&model).unwrap().len());
    assert!(fewer.chances(&list).is_ok());

    // A damaged string is refused when read, and a model whose shares do not match its
    // redraws is refused when used.
    let damaged = text.replace("\"thresholds\":\"", "\"thresholds\":\"x");
    assert!(serde_json::from_str::<ListModel>(&damaged).is_err());
    let short = text.replacen("\"redraws\":5", "\"redraws\":6", 1);
    let short: ListModel = serde_json::from_str(&short).unwrap();
    assert_eq!(short.chances(&list), Err(ListError::Inconsistent));
}
