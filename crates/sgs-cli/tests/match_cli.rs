//! `sgs match` end to end, driving the built binary: the worked example of
//! `docs/choice-format.md` (run, verify, a tampered offer, explanations in English and Spanish,
//! statistics checked by hand, the documented commitment digest, a refused file, chance of an
//! offer, a policy comparison), and San Francisco's real kindergarten rank lists when
//! `../shared/data/sf` is present.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The example's public value, as docs/choice-format.md announces it.
const PUBLIC_VALUE: &str = "public draw 2027-03-01: 04 17 23 38 45";
/// The example's commitment digest, as docs/choice-format.md gives it.
const DIGEST: &str = "3e44d00ee5a5cf101c8d45ade1f1dcde3c5db05ac2adeb7ed0256c8807e5241f";
const SEED: &str = "6388d8e7b14e514768615b0e3f4ae575ee4bee13ea8a616d6ac8ed5f48cc3819";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/choice")
}

/// Runs `sgs match …` with the developers' RUST_BACKTRACE=1, so that a test sees any
/// backtrace noise an error would print.
fn sgs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgs"))
        .arg("match")
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LOG", "warn")
        .env_remove("SGS_DATABASE_URL")
        .output()
        .expect("run sgs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs and expects success; returns standard output.
fn ok(args: &[&str]) -> String {
    let out = sgs(args);
    assert!(
        out.status.success(),
        "sgs match {args:?} failed ({:?}):\n{}{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Runs the worked example into `dir/out` with the documented public value.
fn run_example(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    ok(&[
        "run",
        "--input",
        s(&example()),
        "--output",
        s(&out),
        "--public-value",
        PUBLIC_VALUE,
    ]);
    out
}

#[test]
fn run_writes_the_documented_outputs_and_verify_confirms_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_example(tmp.path());
    for name in [
        "assignments.csv",
        "cutoffs.csv",
        "waitlists.csv",
        "lottery.csv",
        "run.json",
    ] {
        let ours = std::fs::read_to_string(out.join(name)).unwrap();
        let expected = std::fs::read_to_string(example().join("expected").join(name)).unwrap();
        assert_eq!(
            ours, expected,
            "{name} differs from docs/examples/choice/expected"
        );
    }
    // From the district's own inputs, and from the published de-identified ones, with the
    // public value given or taken from run.json.
    for input in [example(), example().join("expected/published")] {
        let stdout = ok(&[
            "verify",
            "--input",
            s(&input),
            "--output",
            s(&out),
            "--public-value",
            PUBLIC_VALUE,
        ]);
        assert!(
            stdout.starts_with(&format!("verified: input digest {DIGEST}")),
            "{stdout}"
        );
        assert!(stdout.contains(&format!("seed {SEED} derived from digest {DIGEST}")));
        assert!(stdout.contains("6 offers confirmed"), "{stdout}");
        assert!(stdout.contains("assignments.csv, cutoffs.csv, waitlists.csv, lottery.csv"));
    }
    ok(&["verify", "--input", s(&example()), "--output", s(&out)]);
}

#[test]
fn verify_fails_on_a_tampered_offer_and_names_the_student() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_example(tmp.path());
    // A03 was unassigned; the tampered file gives her a seat at north-k.
    let path = out.join("assignments.csv");
    let original = std::fs::read_to_string(&path).unwrap();
    assert!(original.contains("\nA03,,\n"));
    std::fs::write(&path, original.replace("\nA03,,\n", "\nA03,north-k,1\n")).unwrap();
    let result = sgs(&["verify", "--input", s(&example()), "--output", s(&out)]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(
        stderr.starts_with(
            "verification FAILED: assignments.csv: student A03: published \"north-k\", re-run gives \"\""
        ),
        "{stderr}"
    );
    assert!(!text(&result.stdout).contains("verified"));

    // A wrong public value: the seed does not derive.
    std::fs::write(&path, original).unwrap();
    let result = sgs(&[
        "verify",
        "--input",
        s(&example()),
        "--output",
        s(&out),
        "--public-value",
        "another draw",
    ]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(
        stderr.starts_with(&format!(
            "verification FAILED: seed: digest {DIGEST} and public value \"another draw\" give"
        )),
        "{stderr}"
    );

    // Inputs other than the ones committed to: the digest differs.
    let other = tmp.path().join("other");
    copy_example(&other);
    let programs = std::fs::read_to_string(other.join("programs.csv")).unwrap();
    std::fs::write(
        other.join("programs.csv"),
        programs.replace("north-k,2,", "north-k,3,"),
    )
    .unwrap();
    let result = sgs(&["verify", "--input", s(&other), "--output", s(&out)]);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        text(&result.stderr).starts_with("verification FAILED: input digest: the inputs in"),
        "{}",
        text(&result.stderr)
    );
}

fn copy_example(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(example()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn explain_in_english_and_spanish() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_example(tmp.path());
    let explain = |student: &str, lang: &str| {
        ok(&[
            "explain",
            "--input",
            s(&example()),
            "--output",
            s(&out),
            "--student",
            student,
            "--lang",
            lang,
        ])
    };
    let en = explain("A06", "en");
    let es = explain("A06", "es");
    let expected = std::fs::read_to_string(example().join("expected/explain-A06.txt")).unwrap();
    assert_eq!(format!("{en}{es}"), expected);
    assert!(en.contains("1. South Elementary kindergarten (south-k): full: the last seat went to priority group 1 (sibling) with lottery number 0.46; you were in group 3 (other)"));
    assert!(es.starts_with("Sin oferta:"));
    // A student offered her first choice has nothing ranked above it.
    let a01 = explain("A01", "en");
    assert!(
        a01.starts_with("Offered North Elementary kindergarten (north-k), choice 1 of 2."),
        "{a01}"
    );
    // An unknown student is refused.
    let result = sgs(&[
        "explain",
        "--input",
        s(&example()),
        "--output",
        s(&out),
        "--student",
        "Z99",
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("student \"Z99\" is not in"));
}

/// `breakdown,group,measure,value` rows as a map.
fn stats_map(csv: &str) -> BTreeMap<(String, String, String), String> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["breakdown", "group", "measure", "value"]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            ((r[0].into(), r[1].into(), r[2].into()), r[3].into())
        })
        .collect()
}

#[test]
fn stats_agree_with_the_example_counted_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_example(tmp.path());
    let csv = ok(&["stats", "--input", s(&example()), "--output", s(&out)]);
    let stats = stats_map(&csv);
    let get = |b: &str, g: &str, m: &str| {
        stats
            .get(&(b.to_string(), g.to_string(), m.to_string()))
            .unwrap_or_else(|| panic!("no {b},{g},{m} in\n{csv}"))
            .as_str()
    };
    // Offers (docs/choice-format.md): A01 north-k (1st), A02 south-k (1st), A04 north-k (1st),
    // A05 south-dual (1st); A03 and A06 unassigned.
    assert_eq!(get("overall", "", "students"), "6");
    assert_eq!(get("overall", "", "first_choice"), "4");
    assert_eq!(get("overall", "", "any_choice"), "4");
    assert_eq!(get("overall", "", "unassigned"), "2");
    assert_eq!(get("overall", "", "first_choice_share"), "0.6667");
    assert_eq!(get("overall", "", "unassigned_share"), "0.3333");
    // Priority group at the first choice: 2 for A01, A02, A04 (all placed first), 3 for A03,
    // A05, A06 (only A05 placed).
    assert_eq!(get("priority_group", "2", "students"), "3");
    assert_eq!(get("priority_group", "2", "first_choice"), "3");
    assert_eq!(get("priority_group", "3", "students"), "3");
    assert_eq!(get("priority_group", "3", "first_choice"), "1");
    assert_eq!(get("priority_group", "3", "unassigned"), "2");
    // Student groups and planning areas from the private columns of students.csv:
    // econ_disadv A01 (placed) and A03; ell A03 and A06 (neither placed); hillside A02, A04,
    // A05 (all placed); downtown A06.
    assert_eq!(get("student_group", "econ_disadv", "students"), "2");
    assert_eq!(get("student_group", "econ_disadv", "first_choice"), "1");
    assert_eq!(get("student_group", "ell", "unassigned"), "2");
    assert_eq!(
        get("planning_area", "hillside", "first_choice_share"),
        "1.0000"
    );
    assert_eq!(get("planning_area", "downtown", "unassigned"), "1");
    assert_eq!(get("planning_area", "riverside", "students"), "2");
    assert_eq!(get("grade", "K", "students"), "6");
    // Demand: north-k is ranked by A01, A02, A03, A04, A06 (first by A01, A03, A04) for 2
    // seats; south-k by A01, A02, A05, A06 (first by A02, A06) for 1; south-dual by A03, A05,
    // A06 (first by A05) for 1.
    assert_eq!(get("program", "north-k", "applicants"), "5");
    assert_eq!(get("program", "north-k", "applicants_per_seat"), "2.5000");
    assert_eq!(get("program", "north-k", "first_choice_per_seat"), "1.5000");
    assert_eq!(get("program", "south-k", "applicants_per_seat"), "4.0000");
    assert_eq!(get("program", "south-k", "first_choice_applicants"), "2");
    assert_eq!(get("program", "south-dual", "applicants"), "3");
    assert_eq!(get("program", "south-dual", "offered"), "1");

    let json = ok(&[
        "stats",
        "--input",
        s(&example()),
        "--output",
        s(&out),
        "--format",
        "json",
    ]);
    let expected = std::fs::read_to_string(example().join("expected/stats.json")).unwrap();
    assert_eq!(json, expected);
}

#[test]
fn commit_prints_the_documented_digest_and_writes_the_files_to_publish() {
    let tmp = tempfile::tempdir().unwrap();
    let publish = tmp.path().join("published");
    let commitment = tmp.path().join("commitment.json");
    let stdout = ok(&[
        "commit",
        "--input",
        s(&example()),
        "--publish",
        s(&publish),
        "--out",
        s(&commitment),
    ]);
    assert_eq!(stdout, format!("{DIGEST}\n"));
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/choice-format.md"),
    )
    .unwrap();
    assert!(doc.contains(DIGEST), "the documented digest is {DIGEST}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&commitment).unwrap()).unwrap();
    assert_eq!(json["input_digest"], DIGEST);
    assert_eq!(json["students"], 6);
    let mut names = Vec::new();
    for entry in std::fs::read_dir(example().join("expected/published")).unwrap() {
        let name = entry.unwrap().file_name();
        let ours = std::fs::read_to_string(publish.join(&name)).unwrap();
        let expected =
            std::fs::read_to_string(example().join("expected/published").join(&name)).unwrap();
        assert_eq!(ours, expected, "{name:?}");
        for private in ["riverside", "hillside", "econ_disadv", "fam-7"] {
            assert!(!ours.contains(private), "{name:?} publishes {private}");
        }
        names.push(name);
    }
    assert_eq!(names.len(), 7);
    // The published files commit to the same digest.
    assert_eq!(
        ok(&["commit", "--input", s(&publish)]),
        format!("{DIGEST}\n")
    );
}

#[test]
fn bad_input_is_refused_with_file_line_and_reason_and_no_backtrace() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    copy_example(&input);
    let prefs = std::fs::read_to_string(input.join("preferences.csv")).unwrap();
    // Line 4 is A02's first choice.
    let lines: Vec<&str> = prefs.lines().collect();
    assert_eq!(lines[3], "A02,1,south-k,2");
    std::fs::write(
        input.join("preferences.csv"),
        prefs.replace("A02,1,south-k,2", "A02,1,nowhere-k,2"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let result = sgs(&[
        "run",
        "--input",
        s(&input),
        "--output",
        s(&out),
        "--public-value",
        PUBLIC_VALUE,
    ]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    let path = input.join("preferences.csv");
    assert_eq!(
        stderr,
        format!(
            "error: {}:4: field program_id: value \"nowhere-k\" is not valid: expected a program_id from programs.csv\n",
            path.display()
        )
    );
    assert!(!stderr.contains("acktrace") && !stderr.contains("panicked"));
    assert!(!out.exists(), "nothing is written from refused inputs");

    // A rank gap, a negative capacity, a missing file.
    std::fs::write(
        input.join("preferences.csv"),
        prefs.replace("A06,3,", "A06,4,"),
    )
    .unwrap();
    let stderr = text(&sgs(&["commit", "--input", s(&input)]).stderr);
    assert!(stderr.contains("preferences.csv:13: field rank: value \"4\" is not valid: expected ranks without gaps: student A06 has no rank 3"), "{stderr}");
    std::fs::write(input.join("preferences.csv"), &prefs).unwrap();
    let programs = std::fs::read_to_string(input.join("programs.csv")).unwrap();
    std::fs::write(
        input.join("programs.csv"),
        programs.replace("south-k,1,", "south-k,-1,"),
    )
    .unwrap();
    let stderr = text(&sgs(&["commit", "--input", s(&input)]).stderr);
    assert!(
        stderr.contains("programs.csv:4: field capacity: value \"-1\" is not valid"),
        "{stderr}"
    );
    std::fs::remove_file(input.join("programs.csv")).unwrap();
    let result = sgs(&["commit", "--input", s(&input)]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("programs.csv: the file is required"));
}

#[test]
fn run_refuses_without_a_seed_and_takes_a_given_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let result = sgs(&["run", "--input", s(&example()), "--output", s(&out)]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(
        stderr.starts_with("error: no seed: give --public-value TEXT"),
        "{stderr}"
    );
    assert!(!out.exists());

    let result = sgs(&[
        "run",
        "--input",
        s(&example()),
        "--output",
        s(&out),
        "--seed",
        "xyz",
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("expected 64 hex characters"));

    // The documented seed given as is gives the documented offers; run.json then records no
    // public value, so verify uses the seed as recorded.
    let stdout = ok(&[
        "run",
        "--input",
        s(&example()),
        "--output",
        s(&out),
        "--seed",
        SEED,
    ]);
    assert!(
        stdout.contains(&format!("seed          {SEED} (given)")),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("assignments.csv")).unwrap(),
        std::fs::read_to_string(example().join("expected/assignments.csv")).unwrap()
    );
    let stdout = ok(&["verify", "--input", s(&example()), "--output", s(&out)]);
    assert!(stdout.contains("as recorded"), "{stdout}");
}

#[test]
fn every_command_has_help() {
    for command in [
        "run", "commit", "verify", "explain", "stats", "chance", "compare",
    ] {
        let help = ok(&[command, "--help"]);
        assert!(help.contains("--input"), "{command}: {help}");
        assert!(help.contains("Example"), "{command}: {help}");
    }
    assert!(ok(&["run", "--help"]).contains("--public-value"));
}

#[test]
fn chance_of_a_whole_list() {
    let dir = example();
    let call = |choices: &[&str]| {
        let mut args = vec!["chance", "--input", s(&dir), "--redraws", "100"];
        for c in choices {
            args.extend(["--choice", c]);
        }
        sgs(&args)
    };
    let out = call(&["south-k=3", "north-k=2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "choice",
            "program_id",
            "priority_group",
            "chance",
            "low",
            "high"
        ]
    );
    assert_eq!(rows.len(), 5, "{csv}");
    assert_eq!((rows[1][0], rows[1][1], rows[1][2]), ("1", "south-k", "3"));
    assert_eq!((rows[3][0], rows[4][0]), ("any", "none"));
    let mean = |r: &[&str]| r[3].parse::<f64>().unwrap();
    // The choices' chances add up to the chance of any offer, and any and none to one.
    assert!(
        (mean(&rows[1]) + mean(&rows[2]) - mean(&rows[3])).abs() < 1e-3,
        "{csv}"
    );
    assert!(
        (mean(&rows[3]) + mean(&rows[4]) - 1.0).abs() < 1e-3,
        "{csv}"
    );
    // A first choice alone gets its per-program chance from the table of every program.
    let alone = text(&call(&["north-k=2"]).stdout);
    let table = ok(&["chance", "--input", s(&dir), "--redraws", "100"]);
    let per_program: f64 = table
        .lines()
        .find(|l| l.starts_with("north-k,") && l.split(',').nth(3) == Some("2"))
        .and_then(|l| l.split(',').nth(5))
        .unwrap()
        .parse()
        .unwrap();
    let first: f64 = alone
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(3)
        .unwrap()
        .parse()
        .unwrap();
    assert!((first - per_program).abs() < 1e-3, "{first} {per_program}");

    // Refusals name the choice and what was expected.
    for (choices, expected) in [
        (&["north-k=2", "north-k=3"][..], "choice 2 repeats choice 1"),
        (&["north-k"][..], "(choice 1): expected PROGRAM=GROUP"),
        (&["north-k=two"][..], "is not a whole number"),
        (
            &["east-k=1"][..],
            "choice 1: program \"east-k\" is not in this season's applications",
        ),
    ] {
        let out = call(choices);
        assert_eq!(out.status.code(), Some(2), "{choices:?}");
        assert!(
            text(&out.stderr).contains(expected),
            "{choices:?}: {}",
            text(&out.stderr)
        );
        assert!(
            !text(&out.stderr).contains("backtrace"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn chance_of_offer_and_policy_comparison() {
    let csv = ok(&[
        "chance",
        "--input",
        s(&example()),
        "--redraws",
        "100",
        "--threads",
        "2",
    ]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("program_id,capacity,score_based,priority_group,applicants,chance,low,high")
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    // north-k: groups 2 and 3; south-dual: 3; south-k: 2 and 3.
    let keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("north-k", "2"),
            ("north-k", "3"),
            ("south-dual", "3"),
            ("south-k", "2"),
            ("south-k", "3")
        ]
    );
    for row in &rows {
        let (mean, low, high): (f64, f64, f64) = (
            row[5].parse().unwrap(),
            row[6].parse().unwrap(),
            row[7].parse().unwrap(),
        );
        assert!(
            (0.0..=1.0).contains(&mean) && low <= mean && mean <= high && high <= 1.0,
            "{row:?}"
        );
    }
    // The same redraws again give the same numbers.
    assert_eq!(
        csv,
        ok(&[
            "chance",
            "--input",
            s(&example()),
            "--redraws",
            "100",
            "--threads",
            "1"
        ])
    );

    let tmp = tempfile::tempdir().unwrap();
    let current = example().join("policy.json");
    let boston = tmp.path().join("boston.json");
    let policy = std::fs::read_to_string(&current).unwrap();
    std::fs::write(
        &boston,
        policy.replace("\"deferred_acceptance\"", "\"immediate_acceptance\""),
    )
    .unwrap();
    // A policy against itself: nobody moves.
    let same = ok(&[
        "compare",
        "--input",
        s(&example()),
        "--policy-a",
        s(&current),
        "--policy-b",
        s(&current),
    ]);
    assert!(same.starts_with(
        "breakdown,group,students,same,better,worse,newly_assigned,newly_unassigned,gains,losses,"
    ));
    assert!(same.contains("\noverall,,6,6,0,0,0,0,0,0,"), "{same}");
    let json = ok(&[
        "compare",
        "--input",
        s(&example()),
        "--policy-a",
        s(&current),
        "--policy-b",
        s(&boston),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["overall"]["students"], 6);
    assert!(v["by_planning_area"]["hillside"]["students"] == 3);
    let overall = &v["overall"];
    let sum: u64 = [
        "same",
        "better",
        "worse",
        "newly_assigned",
        "newly_unassigned",
    ]
    .iter()
    .map(|k| overall[k].as_u64().unwrap())
    .sum();
    assert_eq!(sum, 6);
    // A policy file that is not one is refused by its path.
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\"mechanism\": \"lottery\"}").unwrap();
    let result = sgs(&[
        "compare",
        "--input",
        s(&example()),
        "--policy-a",
        s(&current),
        "--policy-b",
        s(&bad),
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        text(&result.stderr).starts_with(&format!("error: {}:1:", bad.display())),
        "{}",
        text(&result.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// San Francisco's kindergarten rank lists (SFUSD 2017-18), converted to the choice format as
// `crates/sgs-match/tests/sf_kindergarten.rs` documents: a school code is a program, a code
// listed again by the same student is a further program `<code>-2`, … of the same school;
// capacities are the Round 1 offers (a student assigned to a repeated code counts for its
// first program); CTIP1 students have priority 1, everyone else 2; zip code and ethnicity are
// statistics-only columns.

const SF_PUBLIC_VALUE: &str = "SFUSD kindergarten 2017-18 replay";

fn sf_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/sf/sfusd_kindergarten_lottery_2017_18_rank_lists.csv")
}

/// Writes the converted files into `dir`; returns the number of students.
fn write_sf(bytes: &[u8], dir: &Path) -> usize {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let student_no = at("StudentNo");
    let assigned_col = at("Round 1 Assignment");
    let ethnicity = at("Student's Ethnicity");
    let ctip = at("Does Student Live In CTIP1 Zone? (y/n)");
    let zip = at("Student's Residential Zip Code");
    let choice_cols: Vec<usize> = (1..=92).map(|k| at(&k.to_string())).collect();

    let mut seats: BTreeMap<String, (u32, String)> = BTreeMap::new();
    let mut students = String::from("student_id,planning_area,student_groups\n");
    let mut preferences = String::from("student_id,rank,program_id,priority\n");
    let mut count = 0;
    for record in reader.records() {
        let record = record.unwrap();
        count += 1;
        let id = format!("sf-{}", record[student_no].trim());
        let priority = if record[ctip].trim().eq_ignore_ascii_case("y") {
            1
        } else {
            2
        };
        let group = record[ethnicity].trim().replace('"', "");
        let _ = writeln!(students, "{id},{},\"{group}\"", record[zip].trim());
        let mut times: HashMap<String, u32> = HashMap::new();
        let mut rank = 0;
        for &col in &choice_cols {
            let code = record[col].trim();
            if code.is_empty() {
                continue;
            }
            rank += 1;
            let n = times.entry(code.to_string()).or_default();
            *n += 1;
            let program = if *n == 1 {
                code.to_string()
            } else {
                format!("{code}-{n}")
            };
            seats
                .entry(program.clone())
                .or_insert((0, code.to_string()));
            let _ = writeln!(preferences, "{id},{rank},{program},{priority}");
        }
        let assigned = record[assigned_col].trim();
        if !assigned.is_empty() {
            seats
                .get_mut(assigned)
                .expect("an assigned school is on the list")
                .0 += 1;
        }
    }
    let mut programs = String::from("program_id,capacity,school_id,grade\n");
    for (program, (capacity, school)) in &seats {
        let _ = writeln!(programs, "{program},{capacity},{school},K");
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("programs.csv"), programs).unwrap();
    std::fs::write(dir.join("students.csv"), students).unwrap();
    std::fs::write(dir.join("preferences.csv"), preferences).unwrap();
    count
}

#[test]
fn san_francisco_kindergarten_runs_and_verifies_from_the_published_files() {
    let Ok(bytes) = std::fs::read(sf_file()) else {
        eprintln!(
            "skipped: the SFUSD kindergarten rank lists are not at {} (shared/data/sf beside the project)",
            sf_file().display()
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    assert_eq!(write_sf(&bytes, &input), 4611);
    let published = tmp.path().join("published");
    let digest = ok(&["commit", "--input", s(&input), "--publish", s(&published)]);
    let digest = digest.trim();
    assert_eq!(digest.len(), 64);
    let published_students = std::fs::read_to_string(published.join("students.csv")).unwrap();
    assert!(!published_students.contains("Hispanic") && !published_students.contains(",941"));

    let out = tmp.path().join("out");
    let stdout = ok(&[
        "run",
        "--input",
        s(&input),
        "--output",
        s(&out),
        "--public-value",
        SF_PUBLIC_VALUE,
    ]);
    assert!(
        stdout.contains(&format!("input digest  {digest}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("every check the policy guarantees holds"),
        "{stdout}"
    );
    // The same conversion and public value as the engine's own SF test, so the same replay:
    // 2,991 first choices and 575 unassigned of 4,611.
    assert!(
        stdout.contains("students      4611: 4036 offered a seat (2991 their first choice"),
        "{stdout}"
    );
    assert!(stdout.contains("575 unassigned"), "{stdout}");

    // Anyone verifies from the published de-identified inputs.
    let verified = ok(&[
        "verify",
        "--input",
        s(&published),
        "--output",
        s(&out),
        "--public-value",
        SF_PUBLIC_VALUE,
    ]);
    assert!(verified.contains("4611 offers confirmed"), "{verified}");

    // Statistics by the private attributes come from the district's own inputs.
    let csv = ok(&["stats", "--input", s(&input), "--output", s(&out)]);
    let stats = stats_map(&csv);
    assert_eq!(
        stats[&("overall".into(), "".into(), "students".into())],
        "4611"
    );
    assert!(stats.keys().filter(|k| k.0 == "planning_area").count() > 10 * 10);
    assert!(stats.keys().any(|k| k.0 == "student_group"));
    // The published inputs have no attributes, so no breakdown by them.
    let csv = ok(&["stats", "--input", s(&published), "--output", s(&out)]);
    assert!(!csv.contains("\nplanning_area,"));
}
