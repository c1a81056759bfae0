//! Bad input rows are refused with file, line, field, value and what was expected: one test
//! per refusal the choice format lists (unknown program, duplicate rank, rank gaps, negative
//! capacity, …), and market-assembly problems (over-reserved program, duplicate category
//! order) named by file and line.

use sgs_match::format::{read_inputs, FormatError, InputFile, InputFiles};

const PROGRAMS: &str = "program_id,capacity\nA,2\nB,1\n";
const STUDENTS: &str = "student_id\ns1\ns2\n";
const PREFERENCES: &str = "student_id,rank,program_id,priority\ns1,1,A,1\ns1,2,B,2\ns2,1,B,1\n";

fn read(
    programs: &str,
    students: &str,
    preferences: &str,
    reserves: Option<&str>,
) -> Result<(), FormatError> {
    let files = InputFiles {
        programs: InputFile {
            name: "programs.csv",
            bytes: programs.as_bytes(),
        },
        students: InputFile {
            name: "students.csv",
            bytes: students.as_bytes(),
        },
        preferences: InputFile {
            name: "preferences.csv",
            bytes: preferences.as_bytes(),
        },
        reserves: reserves.map(|r| InputFile {
            name: "reserves.csv",
            bytes: r.as_bytes(),
        }),
        eligibility: None,
        policy: None,
        changes: None,
    };
    read_inputs(&files).map(|_| ())
}

fn refused(
    programs: &str,
    students: &str,
    preferences: &str,
    reserves: Option<&str>,
) -> FormatError {
    read(programs, students, preferences, reserves).expect_err("the input must be refused")
}

#[test]
fn good_inputs_are_read() {
    read(PROGRAMS, STUDENTS, PREFERENCES, None).unwrap();
}

#[test]
fn unknown_program() {
    let e = refused(
        PROGRAMS,
        STUDENTS,
        "student_id,rank,program_id,priority\ns1,1,A,1\ns1,2,Z,2\n",
        None,
    );
    assert_eq!(e.file, "preferences.csv");
    assert_eq!(e.line, Some(3));
    assert_eq!(e.field.as_deref(), Some("program_id"));
    assert_eq!(e.value.as_deref(), Some("Z"));
    assert!(e.expected.contains("programs.csv"), "{e}");
    assert_eq!(
        e.to_string(),
        "preferences.csv:3: field program_id: value \"Z\" is not valid: expected a program_id from programs.csv"
    );
}

#[test]
fn unknown_student() {
    let e = refused(
        PROGRAMS,
        STUDENTS,
        "student_id,rank,program_id,priority\ns9,1,A,1\n",
        None,
    );
    assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("student_id")));
}

#[test]
fn duplicate_rank() {
    let e = refused(
        PROGRAMS,
        STUDENTS,
        "student_id,rank,program_id,priority\ns1,1,A,1\ns1,1,B,2\n",
        None,
    );
    assert_eq!(e.file, "preferences.csv");
    assert_eq!(e.line, Some(3));
    assert_eq!(e.field.as_deref(), Some("rank"));
    assert_eq!(e.value.as_deref(), Some("1"));
}

#[test]
fn rank_gaps() {
    let e = refused(
        PROGRAMS,
        STUDENTS,
        "student_id,rank,program_id,priority\ns1,1,A,1\ns1,3,B,2\n",
        None,
    );
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("rank")));
    assert!(e.expected.contains("no rank 2"), "{e}");
}

#[test]
fn a_program_ranked_twice() {
    let e = refused(
        PROGRAMS,
        STUDENTS,
        "student_id,rank,program_id,priority\ns1,1,A,1\ns1,2,A,2\n",
        None,
    );
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("program_id")));
    assert!(e.expected.contains("line 2"), "{e}");
}

#[test]
fn negative_capacity() {
    let e = refused(
        "program_id,capacity\nA,-3\n",
        STUDENTS,
        "student_id,rank,program_id,priority\n",
        None,
    );
    assert_eq!(e.file, "programs.csv");
    assert_eq!(e.line, Some(2));
    assert_eq!(e.field.as_deref(), Some("capacity"));
    assert_eq!(e.value.as_deref(), Some("-3"));
}

#[test]
fn rank_zero_and_text_ranks() {
    for rank in ["0", "first", "-1"] {
        let e = refused(
            PROGRAMS,
            STUDENTS,
            &format!("student_id,rank,program_id,priority\ns1,{rank},A,1\n"),
            None,
        );
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("rank")), "{e}");
    }
}

#[test]
fn priority_above_the_supported_maximum_is_refused_not_clamped() {
    let too_high = sgs_match::market::MAX_PRIORITY as u64 + 1;
    let e = refused(
        PROGRAMS,
        STUDENTS,
        &format!("student_id,rank,program_id,priority\ns1,1,A,{too_high}\n"),
        None,
    );
    assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("priority")));
    assert_eq!(e.value, Some(too_high.to_string()));
    assert!(e.expected.contains("536870911"), "{e}");
    let max = sgs_match::market::MAX_PRIORITY;
    read(
        PROGRAMS,
        STUDENTS,
        &format!("student_id,rank,program_id,priority\ns1,1,A,{max}\n"),
        None,
    )
    .unwrap();
}

#[test]
fn duplicate_program_and_student_ids() {
    let e = refused(
        "program_id,capacity\nA,1\nA,2\n",
        STUDENTS,
        PREFERENCES,
        None,
    );
    assert_eq!((e.file.as_str(), e.line), ("programs.csv", Some(3)));
    let e = refused(PROGRAMS, "student_id\ns1\ns1\n", PREFERENCES, None);
    assert_eq!((e.file.as_str(), e.line), ("students.csv", Some(3)));
}

#[test]
fn unknown_and_missing_columns() {
    let e = refused(
        "program_id,capacity,colour\nA,1,red\n",
        STUDENTS,
        PREFERENCES,
        None,
    );
    assert_eq!((e.line, e.value.as_deref()), (Some(1), Some("colour")));
    let e = refused("program_id\nA\n", STUDENTS, PREFERENCES, None);
    assert!(e.expected.contains("capacity"), "{e}");
}

#[test]
fn an_over_reserved_program_names_the_reserves_line() {
    let e = refused(
        PROGRAMS,
        STUDENTS,
        PREFERENCES,
        Some("program_id,category,seats,order\nA,zone,1,1\nA,swd,2,2\n"),
    );
    assert_eq!(e.file, "reserves.csv");
    assert_eq!(e.line, Some(3));
    assert_eq!(e.field.as_deref(), Some("seats"));
    assert!(e.expected.contains("2 seats"), "{e}");
}

#[test]
fn a_duplicate_category_order_names_the_reserves_line() {
    let e = refused(
        PROGRAMS,
        STUDENTS,
        PREFERENCES,
        Some("program_id,category,seats,order\nA,zone,1,1\nA,swd,1,1\n"),
    );
    assert_eq!((e.file.as_str(), e.line), ("reserves.csv", Some(3)));
    assert_eq!(e.field.as_deref(), Some("order"));
    assert!(e.expected.contains("line 2"), "{e}");
    let e = refused(
        PROGRAMS,
        STUDENTS,
        PREFERENCES,
        Some("program_id,category,seats,order\nA,zone,1,1\nA,zone,1,2\n"),
    );
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("category")));
}

#[test]
fn partial_lottery_numbers_are_refused_on_their_line() {
    let e = refused(
        PROGRAMS,
        "student_id,lottery_number\ns1,5\ns2,\n",
        PREFERENCES,
        None,
    );
    assert_eq!((e.file.as_str(), e.line), ("students.csv", Some(3)));
}

/// A large preferences file is read in two halves on two threads; a refusal in either half
/// still names its line in the whole file, and the first refusal in file order wins.
#[test]
fn refusals_in_a_large_file_name_their_line_in_the_whole_file() {
    let students: String = std::iter::once("student_id".to_string())
        .chain((0..30_000).map(|s| format!("student-{s:06}")))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let rows = |bad: &[usize]| {
        let mut text = String::from("student_id,rank,program_id,priority\n");
        let mut line = 1;
        for s in 0..30_000 {
            for (rank, program) in ["A", "B"].iter().enumerate() {
                line += 1;
                let program = if bad.contains(&line) { "Z" } else { program };
                text.push_str(&format!("student-{s:06},{},{program},1\n", rank + 1));
            }
        }
        assert!(text.len() > 1 << 20, "the file is large enough to be split");
        text
    };
    read(PROGRAMS, &students, &rows(&[]), None).unwrap();
    for bad in [vec![59_000], vec![3, 59_000], vec![45_001]] {
        let e = refused(PROGRAMS, &students, &rows(&bad), None);
        assert_eq!(e.line, Some(bad[0] as u64), "{e}");
        assert_eq!(e.value.as_deref(), Some("Z"));
    }
    // A row with a missing field in the second half: the CSV reader's own refusal.
    let mut text = rows(&[]);
    text.push_str("student-000001,3\n");
    let e = refused(PROGRAMS, &students, &text, None);
    assert_eq!(e.line, Some(60_002), "{e}");
}
