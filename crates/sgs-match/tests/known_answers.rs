//! Known textbook instances with their known answers (`matching.md` §7): Gale–Shapley's
//! cyclic market, Abdulkadiroğlu–Sönmez style examples, the `matching` package's README
//! example, the Boston walk-zone reserve effect, a displacement chain that once broke another
//! implementation, stable improvement cycles, and multiple against single tie-breaking.

mod common;

use common::{assignment, market, run, stable_matchings};
use sgs_match::{Mechanism, OpenSeats, Policy, TieBreaking};

fn da() -> Policy {
    Policy::default()
}

fn boston() -> Policy {
    Policy {
        mechanism: Mechanism::ImmediateAcceptance,
        ..Policy::default()
    }
}

/// Runs `policy` on the market in `text` and compares the assignment.
fn check(text: &str, policy: &Policy, expected: &str) {
    let m = market(text, policy.open_seats);
    let r = run(&m, policy);
    assert_eq!(assignment(&r), expected, "market:\n{text}");
}

const KA1: &str = "
    programs: A=1 B=1 C=1
    i1: A B C
    i2: B C A
    i3: C A B
    priority A: i2 i3 i1
    priority B: i3 i1 i2
    priority C: i1 i2 i3
";

#[test]
fn ka1_cyclic_market_has_three_stable_matchings_and_da_finds_the_student_optimal_one() {
    check(KA1, &da(), "i1-A i2-B i3-C");
    check(KA1, &boston(), "i1-A i2-B i3-C");
    let m = market(KA1, OpenSeats::First);
    let r = run(&m, &da());
    assert_eq!(stable_matchings(&r).len(), 3);
}

const KA2: &str = "
    programs: s1=1 s2=1 s3=1
    i1: s2 s1 s3
    i2: s1 s2 s3
    i3: s1 s3 s2
    priority s1: i1 i3 i2
    priority s2: i2 i1 i3
    priority s3: i3 i1 i2
";

#[test]
fn ka2_da_is_stable_boston_is_not_and_rewards_misreporting() {
    check(KA2, &da(), "i1-s1 i2-s2 i3-s3");
    check(KA2, &boston(), "i1-s2 i2-s3 i3-s1");
    // i2 ranks s2 first instead: Boston gives her s2 (a gain), deferred acceptance does not
    // change her result.
    let lie = KA2.replace("i2: s1 s2 s3", "i2: s2 s1 s3");
    check(&lie, &boston(), "i1-s3 i2-s2 i3-s1");
    check(&lie, &da(), "i1-s1 i2-s2 i3-s3");
    let m = market(KA2, OpenSeats::First);
    let b = run(&m, &boston());
    let checks = sgs_match::check::check(&b);
    assert!(!checks.no_justified_envy);
    assert!(checks.envy_pairs > 0);
    // Boston does not promise stability, so its correct result still passes its checks.
    assert!(checks.passed(), "{checks:?}");
    assert!(checks.problems.is_empty());
    assert!(!checks.expected.no_justified_envy && checks.expected.no_wasted_seats);
}

const KA3: &str = "
    programs: s1=2 s2=2 s3=3 s4=1
    i1: s2 s1 s3 s4
    i2: s1 s2 s3 s4
    i3: s3 s2 s1 s4
    i4: s3 s4 s1 s2
    i5: s1 s3 s4 s2
    i6: s4 s1 s2 s3
    i7: s1 s3 s2 s4
    i8: s3 s1 s4 s2
    priority s1: i1 i2 i3 i4 i5 i6 i7 i8
    priority s2: i3 i5 i4 i8 i7 i2 i1 i6
    priority s3: i5 i3 i1 i7 i2 i8 i6 i4
    priority s4: i6 i8 i7 i4 i2 i3 i5 i1
";

#[test]
fn ka3_eight_students_four_schools() {
    check(
        KA3,
        &da(),
        "i1-s2 i2-s1 i3-s3 i4-s1 i5-s3 i6-s4 i7-s3 i8-s2",
    );
    check(
        KA3,
        &boston(),
        "i1-s2 i2-s1 i3-s3 i4-s3 i5-s1 i6-s4 i7-s2 i8-s3",
    );
    let m = market(KA3, OpenSeats::First);
    assert_eq!(stable_matchings(&run(&m, &da())).len(), 2);
}

#[test]
fn ka4_the_matching_package_readme_example() {
    check(
        "
        programs: M=2 C=2 G=2
        A: C
        S: C M
        D: C M G
        J: C G M
        L: M C G
        priority M: D L S J
        priority C: D A S L J
        priority G: D J L
        ",
        &da(),
        "A-C D-C J-G L-M S-M",
    );
}

#[test]
fn ka5_reserve_precedence_the_boston_walk_zone_effect() {
    let a = "
        programs: S=2
        W1: S
        O1: S
        W2: S
        O2: S
        reserve S: walk 1 order 1
        eligible walk: W1 W2
        lottery: W1 O1 W2 O2
    ";
    // Walk seats filled first (open seats last), then open seats first.
    let walk_first = Policy {
        open_seats: OpenSeats::Last,
        ..da()
    };
    check(a, &walk_first, "O1-S O2- W1-S W2-");
    check(a, &da(), "O1- O2- W1-S W2-S");

    let b = "
        programs: S=4
        W1: S
        O1: S
        O2: S
        W2: S
        O3: S
        W3: S
        W4: S
        O4: S
        reserve S: walk 2 order 1
        eligible walk: W1 W2 W3 W4
        lottery: W1 O1 O2 W2 O3 W3 W4 O4
    ";
    check(b, &walk_first, "O1-S O2-S O3- O4- W1-S W2-S W3- W4-");
    check(b, &da(), "O1-S O2- O3- O4- W1-S W2-S W3-S W4-");
    // No reserve at all admits the same set as walk seats first.
    let none = b
        .replace("reserve S: walk 2 order 1", "")
        .replace("eligible walk: W1 W2 W3 W4", "");
    check(&none, &da(), "O1-S O2-S O3- O4- W1-S W2-S W3- W4-");
}

#[test]
fn ka6_a_displacement_chain_that_loops_back_keeps_capacities() {
    let text = "
        programs: University=1 City=1 General=1
        Anderson: University City General
        Beaudry: City General University
        Chen: General University City
        Davis: University
        priority University: Chen Davis Beaudry Anderson
        priority City: Anderson Beaudry Chen
        priority General: Beaudry Chen Anderson
    ";
    check(
        text,
        &da(),
        "Anderson-City Beaudry-General Chen-University Davis-",
    );
    let m = market(text, OpenSeats::First);
    let checks = sgs_match::check::check(&run(&m, &da()));
    assert!(checks.all_passed(), "{checks:?}");
}

#[test]
fn ka7_stable_improvement_cycles_swap_tied_students() {
    let text = "
        programs: s1=1 s2=1 s3=1
        i1: s3 s1 s2
        i2: s3 s1 s2
        i3: s1 s3 s2
        priority s1: i1 i2=i3
        priority s3: i3 i1=i2
        lottery: i1 i2 i3
    ";
    check(text, &da(), "i1-s1 i2-s2 i3-s3");
    let sic = Policy {
        improvement_cycles: true,
        ..da()
    };
    check(text, &sic, "i1-s3 i2-s2 i3-s1");
    let m = market(text, OpenSeats::First);
    let r = run(&m, &sic);
    assert_eq!(r.outcome.cycles, 1);
    assert_eq!(r.outcome.improved, 2);
    assert!(!r.explain(0).exact);
    // The cycle passes a lottery order but keeps stability by priority group.
    let checks = sgs_match::check::check(&r);
    assert!(!checks.no_justified_envy);
    assert!(checks.no_priority_envy && checks.no_wasted_seats);
    assert!(checks.passed(), "{checks:?}");
}

#[test]
fn ka8_multiple_tie_breaking_wastes_what_single_tie_breaking_keeps() {
    // Multiple tie-breaking: one lottery per school, written as strict priorities.
    check(
        "
        programs: s1=1 s2=1 s3=1
        i1: s1 s2 s3
        i2: s3 s1 s2
        i3: s1 s3 s2
        priority s1: i2 i1 i3
        priority s2: i3 i1 i2
        priority s3: i3 i2 i1
        ",
        &da(),
        "i1-s2 i2-s1 i3-s3",
    );
    // Single tie-breaking with i1 < i2 < i3 is serial dictatorship.
    check(
        "
        programs: s1=1 s2=1 s3=1
        i1: s1 s2 s3
        i2: s3 s1 s2
        i3: s1 s3 s2
        lottery: i1 i2 i3
        ",
        &da(),
        "i1-s1 i2-s3 i3-s2",
    );
}

#[test]
fn multiple_tie_breaking_draws_a_number_per_program() {
    let text = "
        programs: s1=1 s2=1
        i1: s1 s2
        i2: s1 s2
    ";
    let m = market(text, OpenSeats::First);
    let mtb = Policy {
        tie_breaking: TieBreaking::Multiple,
        ..da()
    };
    let r = run(&m, &mtb);
    let k1 = r.key(0, 0, 0);
    let k2 = r.key(0, 1, 1);
    assert_ne!(k1.lottery, k2.lottery);
    assert_eq!(
        k1.lottery,
        sgs_match::lottery::program_lottery_number(&common::seed(), "s1", "i1")
    );
    assert!(r.lottery_number(0).is_none());
}
