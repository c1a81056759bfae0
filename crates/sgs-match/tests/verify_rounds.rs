//! Verification of runs whose mechanism does not promise stability (Boston, improvement
//! cycles) and of a later round, from the published canonical files alone.

mod common;

use std::collections::BTreeMap;

use common::market;
use sgs_match::format::{read_inputs, InputFile, InputFiles};
use sgs_match::rounds::{after_responses, Response};
use sgs_match::verify::{commit, outputs, verify, SeedOrigin};
use sgs_match::{run_with, Inputs, Mechanism, OpenSeats, Policy, Run, RunChanges};

const KA2: &str = "
    programs: s1=1 s2=1 s3=1
    i1: s2 s1 s3
    i2: s1 s2 s3
    i3: s1 s3 s2
    priority s1: i1 i3 i2
    priority s2: i2 i1 i3
    priority s3: i3 i1 i2
";

/// Reads published canonical files back.
fn read(files: &[(&'static str, String)]) -> Inputs {
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, t)| InputFile {
                name: n,
                bytes: t.as_bytes(),
            })
    };
    read_inputs(&InputFiles {
        programs: get("programs.csv").unwrap(),
        students: get("students.csv").unwrap(),
        preferences: get("preferences.csv").unwrap(),
        reserves: get("reserves.csv"),
        eligibility: get("eligibility.csv"),
        policy: get("policy.json"),
        changes: get("changes.csv"),
    })
    .unwrap()
}

/// Publishes a run (canonical inputs and outputs) and verifies it from the published files.
fn publish_and_verify(run: &Run<'_>, origin: &SeedOrigin) -> sgs_match::verify::Verification {
    let out = outputs(run, Some(origin));
    let (_, published_inputs) = commit(run.market, &run.policy, &run.changes);
    let inputs = read(&published_inputs);
    let files: BTreeMap<String, Vec<u8>> = out
        .files
        .iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
        .collect();
    let json = out.record_json();
    let record = serde_json::from_str(&json).unwrap();
    verify(
        &inputs.market,
        &inputs.policy,
        &inputs.changes,
        &record,
        &files,
        Some(&origin.public_value),
    )
    .unwrap()
}

fn first_round(m: &sgs_match::Market, policy: &Policy) -> (SeedOrigin, sgs_match::Seed) {
    let (commitment, _) = commit(m, policy, &RunChanges::default());
    let origin = SeedOrigin {
        input_digest: commitment.input_digest,
        public_value: "beacon 2027-03-01T12:00Z".into(),
    };
    let seed = origin.seed();
    (origin, seed)
}

#[test]
fn a_correct_boston_run_passes_verification_despite_justified_envy() {
    let m = market(KA2, OpenSeats::First);
    let policy = Policy {
        mechanism: Mechanism::ImmediateAcceptance,
        ..Policy::default()
    };
    let (origin, seed) = first_round(&m, &policy);
    let r = run_with(&m, &policy, seed, &RunChanges::default()).unwrap();
    let v = publish_and_verify(&r, &origin);
    assert!(!v.checks.no_justified_envy);
    assert!(v.passed(), "{v:?}");
}

#[test]
fn an_improvement_cycles_run_passes_verification() {
    let m = market(
        "
        programs: s1=1 s2=1 s3=1
        i1: s3 s1 s2
        i2: s3 s1 s2
        i3: s1 s3 s2
        priority s1: i1 i2=i3
        priority s3: i3 i1=i2
        ",
        OpenSeats::First,
    );
    let policy = Policy {
        improvement_cycles: true,
        ..Policy::default()
    };
    let (origin, seed) = first_round(&m, &policy);
    let r = run_with(&m, &policy, seed, &RunChanges::default()).unwrap();
    let v = publish_and_verify(&r, &origin);
    assert!(v.passed(), "{v:?}");
}

#[test]
fn a_later_round_is_verified_with_its_changes_and_the_first_rounds_seed() {
    let m = market(
        "
        programs: A=1 B=1 C=2
        a: A B C
        b: A C
        c: B A C
        d: A B
        ",
        OpenSeats::First,
    );
    let policy = Policy::default();
    let (origin, seed) = first_round(&m, &policy);
    let first = run_with(&m, &policy, seed, &RunChanges::default()).unwrap();
    // Whoever holds A declines; seats move down the waitlists.
    let holder = (0..4u32)
        .find(|&s| first.offer(s).is_some_and(|o| o.program == 0))
        .unwrap();
    let responses = BTreeMap::from([(m.students[holder as usize].id.clone(), Response::Decline)]);
    let second = after_responses(&first, &responses).unwrap();
    let out = outputs(&second, Some(&origin));
    assert_eq!(
        out.record.changes.withdrawn,
        vec![m.students[holder as usize].id.clone()]
    );
    assert!(!out.record.changes.guaranteed.is_empty());
    assert_ne!(out.record.input_digest, origin.input_digest);
    assert_eq!(out.record.seed, first.seed);
    let v = publish_and_verify(&second, &origin);
    assert!(v.passed(), "{v:?}");
    assert_eq!(v.seed_input_digest, origin.input_digest);
    assert_eq!(v.offers_confirmed, 3);

    // Verifying the second round's outputs without its changes fails.
    let (_, plain) = commit(&m, &policy, &RunChanges::default());
    let inputs = read(&plain);
    let files: BTreeMap<String, Vec<u8>> = out
        .files
        .iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
        .collect();
    let v = verify(
        &inputs.market,
        &inputs.policy,
        &inputs.changes,
        &out.record,
        &files,
        Some(&origin.public_value),
    )
    .unwrap();
    assert!(!v.digest_matches && !v.passed());
}
