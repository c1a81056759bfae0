//! The open choice-data format (`docs/choice-format.md`): reading `programs.csv`,
//! `students.csv`, `preferences.csv`, `reserves.csv`, `eligibility.csv` and `policy.json`
//! into a [`Market`] and a [`Policy`], and writing a run's outputs (`assignments.csv`,
//! `cutoffs.csv`, `waitlists.csv`, `lottery.csv`) and the canonical inputs the digest covers.
//!
//! The crate does no file IO: callers pass each file's name and bytes ([`InputFiles`], or a
//! loader function to [`read_from`]), and get bytes back. A bad row is refused with its file,
//! line, field, value and what was expected; nothing is read from a set of files with any bad
//! row.
//!
//! **De-identification.** `students.csv` may carry the statistics-only columns
//! `planning_area` and `student_groups` and a district's own `family_id`. The reader puts the
//! first two into [`Attributes`], apart from the market, and replaces family ids by opaque
//! family keys (see [`crate::market::Student::family`]). [`canonical_inputs`], the files the
//! input digest covers and that are published for verification, therefore contain neither.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::attributes::{Attributes, StudentAttributes};
use crate::engine::RunChanges;
use crate::market::{
    Choice, Market, MarketBuilder, Program, Reserve, Seats, Student, StudentIdx, MAX_PRIORITY, OPEN,
};
use crate::plain::Row;
use crate::policy::Policy;
use crate::run::Run;

/// One input file: its name (for messages) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct InputFile<'a> {
    /// The file's name, e.g. `preferences.csv`.
    pub name: &'a str,
    /// Its contents.
    pub bytes: &'a [u8],
}

/// The files of one match.
#[derive(Debug, Clone, Copy)]
pub struct InputFiles<'a> {
    /// `programs.csv`.
    pub programs: InputFile<'a>,
    /// `students.csv`.
    pub students: InputFile<'a>,
    /// `preferences.csv`.
    pub preferences: InputFile<'a>,
    /// `reserves.csv`, when programs reserve seats.
    pub reserves: Option<InputFile<'a>>,
    /// `eligibility.csv`, when students are eligible for reserve categories.
    pub eligibility: Option<InputFile<'a>>,
    /// `policy.json`; the default policy without it.
    pub policy: Option<InputFile<'a>>,
    /// `changes.csv`, for a later round: withdrawals and guarantees from earlier rounds.
    pub changes: Option<InputFile<'a>>,
}

/// Everything read from the files of one match.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The market (what the match needs, de-identified).
    pub market: Market,
    /// The policy.
    pub policy: Policy,
    /// Withdrawals and guarantees from earlier rounds (empty for a first round).
    pub changes: RunChanges,
    /// Statistics-only attributes, never published.
    pub attributes: Attributes,
}

/// The file names [`read_from`] asks for, in order; the first three are required.
pub const INPUT_FILE_NAMES: [&str; 7] = [
    "programs.csv",
    "students.csv",
    "preferences.csv",
    "reserves.csv",
    "eligibility.csv",
    "policy.json",
    "changes.csv",
];

/// A problem loading the files of a match: a file could not be read, or it was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The loader failed for a file.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The loader's error.
        source: std::io::Error,
    },
    /// A required file is missing.
    #[error("{0}: the file is required")]
    Missing(String),
    /// A file was refused.
    #[error(transparent)]
    Format(#[from] FormatError),
}

/// Reads a match's files through `load`, which is called with each name of
/// [`INPUT_FILE_NAMES`] and returns its bytes, or `None` when the file does not exist (the
/// command line passes a function that reads from a directory; the crate itself opens nothing).
pub fn read_from(
    mut load: impl FnMut(&str) -> std::io::Result<Option<Vec<u8>>>,
) -> Result<Inputs, LoadError> {
    let mut bytes: Vec<Option<Vec<u8>>> = Vec::with_capacity(INPUT_FILE_NAMES.len());
    for name in INPUT_FILE_NAMES {
        let got = load(name).map_err(|source| LoadError::Io {
            file: name.to_string(),
            source,
        })?;
        bytes.push(got);
    }
    for (name, got) in INPUT_FILE_NAMES.iter().zip(&bytes).take(3) {
        if got.is_none() {
            return Err(LoadError::Missing(name.to_string()));
        }
    }
    let file = |i: usize| {
        bytes[i].as_deref().map(|b| InputFile {
            name: INPUT_FILE_NAMES[i],
            bytes: b,
        })
    };
    let files = InputFiles {
        programs: file(0).expect("checked"),
        students: file(1).expect("checked"),
        preferences: file(2).expect("checked"),
        reserves: file(3),
        eligibility: file(4),
        policy: file(5),
        changes: file(6),
    };
    Ok(read_inputs(&files)?)
}

/// A refused input: where, which field, which value, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FormatError {
    /// The file.
    pub file: String,
    /// The line (1 is the header), when the problem is on one line.
    pub line: Option<u64>,
    /// The field (column), when one is at fault.
    pub field: Option<String>,
    /// The value found, when one is at fault.
    pub value: Option<String>,
    /// What was expected, or what is wrong.
    pub expected: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "field {field}: ")?;
        }
        match &self.value {
            Some(value) => write!(
                f,
                "value {value:?} is not valid: expected {}",
                self.expected
            ),
            None => f.write_str(&self.expected),
        }
    }
}

/// A CSV file's header, mapping the known columns to positions (a short list: files have few
/// columns, and a scan is cheaper than hashing the name for every cell).
struct Columns<'a> {
    file: &'a str,
    index: Vec<(&'static str, usize)>,
}

impl<'a> Columns<'a> {
    /// Reads the header, refusing unknown and missing columns.
    fn new(
        file: &'a str,
        header: &csv::ByteRecord,
        required: &[&'static str],
        optional: &[&'static str],
    ) -> Result<Self, FormatError> {
        let mut index: Vec<(&'static str, usize)> = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(name);
            let name = name.trim().trim_start_matches('\u{feff}');
            let known = required.iter().chain(optional).find(|k| **k == name);
            match known {
                Some(k) => {
                    if index.iter().any(|(c, _)| c == k) {
                        return Err(error(file, Some(1), Some(k), None, "each column once"));
                    }
                    index.push((k, i));
                }
                None => {
                    let all: Vec<&str> = required.iter().chain(optional).copied().collect();
                    return Err(FormatError {
                        file: file.to_string(),
                        line: Some(1),
                        field: None,
                        value: Some(name.to_string()),
                        expected: format!("a column of {}", all.join(", ")),
                    });
                }
            }
        }
        for k in required {
            if !index.iter().any(|(c, _)| c == k) {
                return Err(error(
                    file,
                    Some(1),
                    None,
                    None,
                    &format!("the header names the column {k}"),
                ));
            }
        }
        Ok(Columns { file, index })
    }

    fn has(&self, column: &str) -> bool {
        self.index.iter().any(|(c, _)| *c == column)
    }

    fn position(&self, column: &str) -> Option<usize> {
        // The same literal usually has one address: try that before comparing text.
        self.index
            .iter()
            .find(|(c, _)| std::ptr::eq(*c, column))
            .or_else(|| self.index.iter().find(|(c, _)| *c == column))
            .map(|&(_, i)| i)
    }

    /// The trimmed text of a column, `None` when the column is absent or the cell empty.
    fn get<'r>(
        &self,
        record: &'r csv::ByteRecord,
        line: u64,
        column: &'static str,
    ) -> Result<Option<&'r str>, FormatError> {
        let Some(i) = self.position(column) else {
            return Ok(None);
        };
        let Some(bytes) = record.get(i) else {
            return Ok(None);
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|_| error(self.file, Some(line), Some(column), None, "UTF-8 text"))?;
        let text = text.trim();
        Ok((!text.is_empty()).then_some(text))
    }

    fn required<'r>(
        &self,
        record: &'r csv::ByteRecord,
        line: u64,
        column: &'static str,
    ) -> Result<&'r str, FormatError> {
        self.get(record, line, column)?.ok_or_else(|| {
            error(
                self.file,
                Some(line),
                Some(column),
                Some(""),
                "a value (the cell is empty)",
            )
        })
    }

    fn bad(&self, line: u64, column: &str, value: &str, expected: &str) -> FormatError {
        error(self.file, Some(line), Some(column), Some(value), expected)
    }
}

fn error(
    file: &str,
    line: Option<u64>,
    field: Option<&str>,
    value: Option<&str>,
    expected: &str,
) -> FormatError {
    FormatError {
        file: file.to_string(),
        line,
        field: field.map(str::to_string),
        value: value.map(str::to_string),
        expected: expected.to_string(),
    }
}

/// Calls `row` for every record with its line number.
fn each_record(
    file: InputFile<'_>,
    required: &[&'static str],
    optional: &[&'static str],
    row: impl FnMut(&Columns<'_>, &csv::ByteRecord, u64) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    each_record_from(file, 0, required, optional, row)
}

/// [`each_record`] for part of a file whose data lines come `line_offset` lines later in the
/// whole file.
fn each_record_from(
    file: InputFile<'_>,
    line_offset: u64,
    required: &[&'static str],
    optional: &[&'static str],
    mut row: impl FnMut(&Columns<'_>, &csv::ByteRecord, u64) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(file.bytes);
    let header = reader
        .byte_headers()
        .map_err(|e| csv_error(file.name, e))?
        .clone();
    let columns = Columns::new(file.name, &header, required, optional)?;
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map(|p| p.line()).unwrap_or(0) + line_offset;
                row(&columns, &record, line)?;
            }
            Err(e) => {
                let mut e = csv_error(file.name, e);
                e.line = e.line.map(|l| if l > 1 { l + line_offset } else { l });
                return Err(e);
            }
        }
    }
    Ok(())
}

fn csv_error(file: &str, e: csv::Error) -> FormatError {
    let line = e.position().map(|p| p.line());
    let expected = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{expected_len} fields as in the header, found {len}"),
        csv::ErrorKind::Utf8 { .. } => "UTF-8 text".to_string(),
        _ => format!("well-formed CSV ({e})"),
    };
    error(file, line, None, None, &expected)
}

/// A whole number written with ASCII digits only (at most nine, so it fits), or `None`.
fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0u32, |n, &d| n * 10 + (d - b'0') as u32))
}

fn whole(
    columns: &Columns<'_>,
    line: u64,
    column: &'static str,
    text: &str,
    expected: &str,
) -> Result<u32, FormatError> {
    text.parse::<u32>()
        .map_err(|_| columns.bad(line, column, text, expected))
}

fn flag(
    columns: &Columns<'_>,
    line: u64,
    column: &'static str,
    text: Option<&str>,
) -> Result<bool, FormatError> {
    match text.map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") | Some("no") | Some("0") | Some("n") => Ok(false),
        Some("true") | Some("yes") | Some("1") | Some("y") => Ok(true),
        Some(_) => Err(columns.bad(
            line,
            column,
            text.unwrap_or_default(),
            "true or false (or yes/no, 1/0)",
        )),
    }
}

/// Reads the policy alone (the market needs it to place open seats).
pub fn read_policy(file: InputFile<'_>) -> Result<Policy, FormatError> {
    let text = std::str::from_utf8(file.bytes)
        .map_err(|_| error(file.name, None, None, None, "UTF-8 text"))?;
    serde_json::from_str(text).map_err(|e| FormatError {
        file: file.name.to_string(),
        line: Some(e.line() as u64),
        field: None,
        value: None,
        expected: format!("a policy as in docs/choice-format.md: {e}"),
    })
}

/// Reads every file of a match: the market, its policy, round changes and the
/// statistics-only attributes.
pub fn read_inputs(files: &InputFiles<'_>) -> Result<Inputs, FormatError> {
    let policy = match files.policy {
        Some(file) => read_policy(file)?,
        None => Policy::default(),
    };
    let mut builder = MarketBuilder::new();

    // Programs.
    each_record(
        files.programs,
        &["program_id", "capacity"],
        &["school_id", "grade", "name"],
        |c, r, line| {
            let id = c.required(r, line, "program_id")?;
            let capacity = c.required(r, line, "capacity")?;
            let capacity = whole(
                c,
                line,
                "capacity",
                capacity,
                "a whole number of seats, 0 or more",
            )?;
            let program = Program {
                id: id.to_string(),
                capacity,
                school_id: c.get(r, line, "school_id")?.map(str::to_string),
                grade: c.get(r, line, "grade")?.map(str::to_string),
                name: c.get(r, line, "name")?.map(str::to_string),
            };
            builder
                .program(program)
                .map_err(|_| c.bad(line, "program_id", id, "a program_id not listed before"))?;
            Ok(())
        },
    )?;

    // Students.
    let mut attributes: Vec<(String, StudentAttributes)> = Vec::new();
    builder.reserve_students(files.students.bytes.iter().filter(|&&b| b == b'\n').count());
    each_record(
        files.students,
        &["student_id"],
        &[
            "family_id",
            "family_key",
            "lottery_number",
            "grade",
            "guaranteed_program_id",
            "planning_area",
            "student_groups",
            "late",
        ],
        |c, r, line| {
            if c.has("family_id") && c.has("family_key") {
                return Err(error(
                    c.file,
                    Some(1),
                    Some("family_key"),
                    None,
                    "either family_id or family_key, not both",
                ));
            }
            let id = c.required(r, line, "student_id")?;
            let lottery_number = match c.get(r, line, "lottery_number")? {
                Some(text) => Some(text.parse::<u64>().map_err(|_| {
                    c.bad(
                        line,
                        "lottery_number",
                        text,
                        "a whole number from 0 to 18446744073709551615",
                    )
                })?),
                None => None,
            };
            if c.has("lottery_number") && lottery_number.is_none() {
                return Err(c.bad(
                    line,
                    "lottery_number",
                    "",
                    "a number for every student when the column is given",
                ));
            }
            let guaranteed = match c.get(r, line, "guaranteed_program_id")? {
                Some(p) => Some(builder.program_index(p).ok_or_else(|| {
                    c.bad(
                        line,
                        "guaranteed_program_id",
                        p,
                        &format!("a program_id from {}", files.programs.name),
                    )
                })?),
                None => None,
            };
            let groups: Vec<String> = c
                .get(r, line, "student_groups")?
                .map(|g| {
                    g.split(';')
                        .map(str::trim)
                        .filter(|g| !g.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let planning_area = c.get(r, line, "planning_area")?.map(str::to_string);
            let family = match c.get(r, line, "family_id")? {
                Some(f) => Some(f),
                None => c.get(r, line, "family_key")?,
            };
            let student = Student {
                id: id.to_string(),
                family: family.map(str::to_string),
                lottery_number,
                grade: c.get(r, line, "grade")?.map(str::to_string),
                guaranteed_program: guaranteed,
                late: flag(c, line, "late", c.get(r, line, "late")?)?,
            };
            builder
                .student(student)
                .map_err(|_| c.bad(line, "student_id", id, "a student_id not listed before"))?;
            if planning_area.is_some() || !groups.is_empty() {
                attributes.push((
                    id.to_string(),
                    StudentAttributes {
                        planning_area,
                        groups,
                    },
                ));
            }
            Ok(())
        },
    )?;

    // Preferences: collected (a large file in two halves on two threads), then put in rank
    // order per student and checked.
    let mut parts = preference_rows_parallel(files, &builder)?;
    let in_order = {
        let mut rows = parts.iter().flatten();
        let mut previous = rows.next().map(|r| (r.student, r.rank));
        rows.all(|r| {
            let here = (r.student, r.rank);
            let ok = previous <= Some(here);
            previous = Some(here);
            ok
        })
    };
    if !in_order {
        let mut rows: Vec<Row> = parts.into_iter().flatten().collect();
        rows.sort_by_key(|r| (r.student, r.rank, r.line));
        parts = vec![rows];
    }
    let file = files.preferences.name;
    // Per program: the line where the current student ranked it, if she did.
    let mut seen: Vec<(u32, u64)> = Vec::new();
    builder.reserve_choices(parts.iter().map(Vec::len).sum());
    let mut current = u32::MAX;
    let mut expected_rank = 0;
    for row in parts.iter().flatten() {
        if row.student != current {
            current = row.student;
            expected_rank = 0;
        }
        expected_rank += 1;
        if row.rank < expected_rank {
            let student_id = builder.student_id(row.student);
            return Err(error(
                file,
                Some(row.line),
                Some("rank"),
                Some(&row.rank.to_string()),
                &format!("a rank student {student_id} has not used yet"),
            ));
        }
        if row.rank > expected_rank {
            let student_id = builder.student_id(row.student);
            return Err(error(
                file,
                Some(row.line),
                Some("rank"),
                Some(&row.rank.to_string()),
                &format!("ranks without gaps: student {student_id} has no rank {expected_rank}"),
            ));
        }
        let p = row.program as usize;
        if seen.len() <= p {
            seen.resize(p + 1, (u32::MAX, 0));
        }
        if seen[p].0 == row.student {
            let first = seen[p].1;
            let student_id = builder.student_id(row.student);
            return Err(error(
                file,
                Some(row.line),
                Some("program_id"),
                None,
                &format!(
                    "each program once per student: student {student_id} already ranks it on line {first}"
                ),
            ));
        }
        seen[p] = (row.student, row.line);
        builder.choice(
            row.student,
            Choice {
                program: row.program,
                priority: row.priority,
                score: row.score,
            },
        );
    }
    drop(parts);

    // Reserves, checked per program as they are read so that a problem names its line.
    if let Some(file) = files.reserves {
        // Per program: (category, line), (order, line) and seats reserved so far.
        type Seen = (Vec<(String, u64)>, Vec<(u32, u64)>, u32);
        let mut seen: HashMap<u32, Seen> = HashMap::new();
        each_record(
            file,
            &["program_id", "category", "order"],
            &["seats", "eligible_only"],
            |c, r, line| {
                let program_id = c.required(r, line, "program_id")?;
                let program = builder.program_index(program_id).ok_or_else(|| {
                    c.bad(
                        line,
                        "program_id",
                        program_id,
                        &format!("a program_id from {}", files.programs.name),
                    )
                })?;
                let category = c.required(r, line, "category")?;
                let seats = c.get(r, line, "seats")?;
                let seats = match (category == OPEN, seats) {
                    (true, None) => Seats::Count(0),
                    (true, Some(text)) => {
                        return Err(c.bad(
                            line,
                            "seats",
                            text,
                            "an empty cell: the open seats are what the reserves leave",
                        ))
                    }
                    (false, None) => {
                        return Err(c.bad(
                            line,
                            "seats",
                            "",
                            "a number of seats or a percent such as 50%",
                        ))
                    }
                    (false, Some(text)) => parse_seats(text).ok_or_else(|| {
                        c.bad(
                            line,
                            "seats",
                            text,
                            "a whole number of seats or a percent from 0% to 100%",
                        )
                    })?,
                };
                let order = c.required(r, line, "order")?;
                let order = whole(
                    c,
                    line,
                    "order",
                    order,
                    "a whole number from 1 (filled first)",
                )?;
                let eligible_only =
                    flag(c, line, "eligible_only", c.get(r, line, "eligible_only")?)?;
                let capacity = builder.program_capacity(program).unwrap_or(0);
                let (categories, orders, reserved) = seen.entry(program).or_default();
                if let Some((_, first)) = categories.iter().find(|(name, _)| name == category) {
                    return Err(c.bad(
                        line,
                        "category",
                        category,
                        &format!(
                            "each category once per program: program {program_id} already has it on line {first}"
                        ),
                    ));
                }
                if let Some((_, first)) = orders.iter().find(|(o, _)| *o == order) {
                    return Err(c.bad(
                        line,
                        "order",
                        &order.to_string(),
                        &format!(
                            "a distinct order per program: program {program_id} already fills order {order} on line {first}"
                        ),
                    ));
                }
                categories.push((category.to_string(), line));
                orders.push((order, line));
                if category != OPEN {
                    *reserved += seats.resolve(capacity);
                    if *reserved > capacity {
                        return Err(c.bad(
                            line,
                            "seats",
                            c.get(r, line, "seats")?.unwrap_or_default(),
                            &format!(
                                "reserves within the capacity: program {program_id} has {capacity} seats and its categories now reserve {reserved}"
                            ),
                        ));
                    }
                }
                builder.reserve(
                    program,
                    Reserve {
                        category: category.to_string(),
                        seats,
                        order,
                        eligible_only,
                    },
                );
                Ok(())
            },
        )?;
    }

    // Eligibility.
    if let Some(file) = files.eligibility {
        each_record(
            file,
            &["student_id", "category"],
            &["program_id"],
            |c, r, line| {
                let student_id = c.required(r, line, "student_id")?;
                let student = builder.student_index(student_id).ok_or_else(|| {
                    c.bad(
                        line,
                        "student_id",
                        student_id,
                        &format!("a student_id from {}", files.students.name),
                    )
                })?;
                let category = c.required(r, line, "category")?;
                let program = match c.get(r, line, "program_id")? {
                    Some(p) => Some(builder.program_index(p).ok_or_else(|| {
                        c.bad(
                            line,
                            "program_id",
                            p,
                            &format!("a program_id from {}", files.programs.name),
                        )
                    })?),
                    None => None,
                };
                builder.eligible(student, category, program);
                Ok(())
            },
        )?;
    }

    // Every problem the builder could find was refused above with its line; this is a
    // safety net.
    let market = builder.finish(policy.open_seats).map_err(|e| {
        let file = match e {
            crate::market::BuildError::Overreserved { .. }
            | crate::market::BuildError::BadReserves { .. } => {
                files.reserves.map(|f| f.name).unwrap_or("reserves.csv")
            }
            crate::market::BuildError::PartialLottery(_) => files.students.name,
            _ => files.preferences.name,
        };
        error(file, None, None, None, &e.to_string())
    })?;
    let changes = match files.changes {
        Some(file) => read_changes(file, &market)?,
        None => RunChanges::default(),
    };
    let attributes = Attributes::from_ids(&market, attributes);
    policy.check(&market).map_err(|e| {
        error(
            files.policy.map(|f| f.name).unwrap_or("policy.json"),
            None,
            None,
            None,
            &e.to_string(),
        )
    })?;
    Ok(Inputs {
        market,
        policy,
        changes,
        attributes,
    })
}

/// Reads `changes.csv` (`student_id,change,program_id`): `withdrawn` rows (program empty) and
/// `guaranteed` rows (the program whose seat the student keeps from an earlier round).
pub fn read_changes(file: InputFile<'_>, market: &Market) -> Result<RunChanges, FormatError> {
    let mut changes = RunChanges::default();
    each_record(
        file,
        &["student_id", "change"],
        &["program_id"],
        |c, r, line| {
            let id = c.required(r, line, "student_id")?;
            let s = market
                .find_student(id)
                .ok_or_else(|| c.bad(line, "student_id", id, "a student_id from students.csv"))?;
            let change = c.required(r, line, "change")?;
            let program = c.get(r, line, "program_id")?;
            match (change, program) {
                ("withdrawn", None) => {
                    changes.withdrawn.insert(s);
                }
                ("withdrawn", Some(p)) => {
                    return Err(c.bad(line, "program_id", p, "an empty cell for a withdrawal"))
                }
                ("guaranteed", Some(p)) => {
                    let p = market.find_program(p).ok_or_else(|| {
                        c.bad(line, "program_id", p, "a program_id from programs.csv")
                    })?;
                    if changes.guarantees.insert(s, p).is_some() {
                        return Err(c.bad(line, "student_id", id, "one guarantee per student"));
                    }
                }
                ("guaranteed", None) => {
                    return Err(c.bad(line, "program_id", "", "the program of the kept seat"))
                }
                (other, _) => return Err(c.bad(line, "change", other, "withdrawn or guaranteed")),
            }
            Ok(())
        },
    )?;
    Ok(changes)
}

/// Reads families' answers to their offers, `responses.csv` (`student_id,response`, the
/// response `accept` or `decline`, in any case), for moving the waitlists after a run (see
/// [`crate::rounds`]). A student listed twice, or not in the market, is refused with the line.
pub fn read_responses(
    file: InputFile<'_>,
    market: &Market,
) -> Result<BTreeMap<String, crate::rounds::Response>, FormatError> {
    use crate::rounds::Response;
    let mut responses = BTreeMap::new();
    let mut lines: HashMap<StudentIdx, u64> = HashMap::new();
    each_record(file, &["student_id", "response"], &[], |c, r, line| {
        let id = c.required(r, line, "student_id")?;
        let s = market.find_student(id).ok_or_else(|| {
            c.bad(
                line,
                "student_id",
                id,
                "a student_id of the run's applications",
            )
        })?;
        if let Some(first) = lines.insert(s, line) {
            return Err(c.bad(
                line,
                "student_id",
                id,
                &format!("one response per student (this one answered on line {first})"),
            ));
        }
        let text = c.required(r, line, "response")?;
        let response = match text.to_ascii_lowercase().as_str() {
            "accept" => Response::Accept,
            "decline" => Response::Decline,
            _ => return Err(c.bad(line, "response", text, "accept or decline")),
        };
        responses.insert(id.to_string(), response);
        Ok(())
    })?;
    Ok(responses)
}

/// Reads `preferences.csv`; a large file without quoted cells is split at a line in the middle
/// and its halves read on two threads (the first refusal in file order is reported either way).
fn preference_rows_parallel(
    files: &InputFiles<'_>,
    builder: &MarketBuilder,
) -> Result<Vec<Vec<Row>>, FormatError> {
    let file = files.preferences;
    let bytes = file.bytes;
    if let Some(parts) = crate::plain::preference_rows(bytes, builder) {
        return Ok(parts);
    }
    let header_end = bytes.iter().position(|&b| b == b'\n');
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let split = match header_end {
        Some(h) if threads > 1 && bytes.len() >= 1 << 20 && !bytes.contains(&b'"') => {
            let middle = h + (bytes.len() - h) / 2;
            bytes[middle..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|i| (h, middle + i + 1))
                .filter(|&(_, at)| at < bytes.len())
        }
        _ => None,
    };
    let Some((header_end, at)) = split else {
        return preference_rows(files, file, 0, builder).map(|rows| vec![rows]);
    };
    // The second half, behind a copy of the header; its lines are counted from the file's.
    let mut second = Vec::with_capacity(header_end + 1 + bytes.len() - at);
    second.extend_from_slice(&bytes[..=header_end]);
    second.extend_from_slice(&bytes[at..]);
    let offset = bytes[header_end + 1..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64;
    let first_half = InputFile {
        name: file.name,
        bytes: &bytes[..at],
    };
    let second_half = InputFile {
        name: file.name,
        bytes: &second,
    };
    let (a, b) = std::thread::scope(|scope| {
        let later = scope.spawn(|| preference_rows(files, second_half, offset, builder));
        let first = preference_rows(files, first_half, 0, builder);
        (first, later.join().expect("a reading thread panicked"))
    });
    Ok(vec![a?, b?])
}

/// Reads the rows of (part of) `preferences.csv`; `line_offset` is added to line numbers.
fn preference_rows(
    files: &InputFiles<'_>,
    file: InputFile<'_>,
    line_offset: u64,
    builder: &MarketBuilder,
) -> Result<Vec<Row>, FormatError> {
    let lines = file.bytes.iter().filter(|&&b| b == b'\n').count();
    let mut rows: Vec<Row> = Vec::with_capacity(lines);
    let mut last_student: Option<(String, u32)> = None;
    let mut columns: Option<[Option<usize>; 5]> = None;
    each_record_from(
        file,
        line_offset,
        &["student_id", "rank", "program_id", "priority"],
        &["score"],
        |c, r, line| {
            // The common row, read without the general cell machinery: the same student as
            // the row before, and plain digits. Anything else takes the general path below,
            // which also gives every refusal its message.
            let cols = *columns.get_or_insert_with(|| {
                [
                    c.position("student_id"),
                    c.position("rank"),
                    c.position("program_id"),
                    c.position("priority"),
                    c.position("score"),
                ]
            });
            if let ([Some(si), Some(ri), Some(pi), Some(qi), None], Some((id, index))) =
                (cols, &last_student)
            {
                let cell = |i: usize| r.get(i).map(<[u8]>::trim_ascii).unwrap_or_default();
                if cell(si) == id.as_bytes() {
                    if let (Some(rank), Some(priority), Ok(program_id)) = (
                        digits(cell(ri)).filter(|&rank| rank > 0),
                        digits(cell(qi)).filter(|&q| q <= MAX_PRIORITY),
                        std::str::from_utf8(cell(pi)),
                    ) {
                        if let Some(program) = builder.program_index(program_id) {
                            rows.push(Row {
                                student: *index,
                                rank,
                                program,
                                priority,
                                score: None,
                                line,
                            });
                            return Ok(());
                        }
                    }
                }
            }
            let student_id = c.required(r, line, "student_id")?;
            // Rows usually come grouped by student: look an id up once per group.
            let student = match &last_student {
                Some((id, index)) if id == student_id => *index,
                _ => {
                    let index = builder.student_index(student_id).ok_or_else(|| {
                        c.bad(
                            line,
                            "student_id",
                            student_id,
                            &format!("a student_id from {}", files.students.name),
                        )
                    })?;
                    last_student = Some((student_id.to_string(), index));
                    index
                }
            };
            let rank = c.required(r, line, "rank")?;
            let rank = whole(
                c,
                line,
                "rank",
                rank,
                "a whole number from 1 (the first choice)",
            )?;
            if rank == 0 {
                return Err(c.bad(
                    line,
                    "rank",
                    "0",
                    "a whole number from 1 (the first choice)",
                ));
            }
            let program_id = c.required(r, line, "program_id")?;
            let program = builder.program_index(program_id).ok_or_else(|| {
                c.bad(
                    line,
                    "program_id",
                    program_id,
                    &format!("a program_id from {}", files.programs.name),
                )
            })?;
            let priority = c.required(r, line, "priority")?;
            let expected_priority =
                || format!("a whole number from 0 to {MAX_PRIORITY} (lower goes first)");
            let priority = match priority.parse::<u32>() {
                Ok(p) if p <= MAX_PRIORITY => p,
                _ => return Err(c.bad(line, "priority", priority, &expected_priority())),
            };
            let score = match c.get(r, line, "score")? {
                Some(text) => Some(
                    text.parse::<f64>()
                        .ok()
                        .filter(|s| s.is_finite())
                        .ok_or_else(|| c.bad(line, "score", text, "a number"))?,
                ),
                None => None,
            };
            rows.push(Row {
                student,
                rank,
                program,
                priority,
                score,
                line,
            });
            Ok(())
        },
    )?;
    Ok(rows)
}

fn parse_seats(text: &str) -> Option<Seats> {
    if let Some(percent) = text.strip_suffix('%') {
        let p: f64 = percent.trim().parse().ok()?;
        return (p.is_finite() && (0.0..=100.0).contains(&p)).then_some(Seats::Percent(p));
    }
    text.parse::<u32>().ok().map(Seats::Count)
}

/// Quotes a CSV field when it needs it.
fn field(out: &mut String, value: &str) {
    if value
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// [`field`] for bytes.
fn push_field(out: &mut Vec<u8>, value: &str) {
    if needs_quotes(value) {
        out.push(b'"');
        out.extend_from_slice(value.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

fn needs_quotes(value: &str) -> bool {
    value
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// The two-digit numbers 00 to 99, for writing decimals two digits at a time.
const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839\
404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// Writes `n` in decimal at the end of `digits`; returns where it starts.
#[inline]
fn decimal(digits: &mut [u8; 20], mut n: u64) -> usize {
    let mut i = digits.len();
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        digits[i] = b'0' + n as u8;
    }
    i
}

/// Appends a whole number in decimal to bytes.
#[inline]
fn push_digits(out: &mut Vec<u8>, n: u64) {
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    let mut digits = [0u8; 20];
    let from = decimal(&mut digits, n);
    out.extend_from_slice(&digits[from..]);
}

/// The number of decimal digits of `n`.
#[inline]
fn decimal_len(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// Text written by this module's byte writers: ids are UTF-8 and the rest is ASCII.
fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("ids are UTF-8 and the rest ASCII")
}

/// Every program id as written in a CSV cell, by program index.
fn program_cells(market: &Market) -> Vec<String> {
    market.programs.iter().map(|p| csv_text(&p.id)).collect()
}

fn row(out: &mut String, values: &[&str]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, v);
    }
    out.push('\n');
}

/// `assignments.csv`: `student_id,program_id,rank`, one row per student in id order; program
/// and rank are empty when unassigned, and rank is empty for a guaranteed seat at a program
/// the student did not rank.
pub fn write_assignments(run: &Run<'_>) -> String {
    let market = run.market;
    let programs = program_cells(market);
    let mut out = Vec::with_capacity(market.student_count() * 24 + 32);
    out.extend_from_slice(b"student_id,program_id,rank\n");
    for (s, student) in market.students.iter().enumerate() {
        if !run.takes_part(s as u32) {
            continue;
        }
        push_field(&mut out, &student.id);
        out.push(b',');
        if let Some(offer) = run.offer(s as u32) {
            out.extend_from_slice(programs[offer.program as usize].as_bytes());
            out.push(b',');
            if let Some(rank) = offer.rank {
                push_digits(&mut out, rank as u64 + 1);
            }
        } else {
            out.push(b',');
        }
        out.push(b'\n');
    }
    text_of(out)
}

/// `cutoffs.csv`: per program and seat block, its capacity, seats filled, whether it is full,
/// and the priority, score and lottery number of the last student admitted.
pub fn write_cutoffs(run: &Run<'_>) -> String {
    let market = run.market;
    let mut out = String::new();
    out.push_str(
        "program_id,seat_category,capacity,filled,status,last_priority,last_score,last_lottery_number\n",
    );
    for cutoff in run.cutoffs() {
        let program = &market.programs[cutoff.program as usize].id;
        let category = cutoff.category.as_deref().unwrap_or(OPEN);
        let status = if cutoff.full() { "full" } else { "open" };
        let (priority, score, lottery) = match cutoff.last {
            Some(k) => (
                k.priority().to_string(),
                k.score().map(|s| s.to_string()).unwrap_or_default(),
                k.lottery.to_string(),
            ),
            None => Default::default(),
        };
        row(
            &mut out,
            &[
                program,
                category,
                &cutoff.capacity.to_string(),
                &cutoff.filled.to_string(),
                status,
                &priority,
                &score,
                &lottery,
            ],
        );
    }
    out
}

/// `waitlists.csv`: per program, the students who ranked it above their offer, in order.
pub fn write_waitlists(run: &Run<'_>) -> String {
    let market = run.market;
    let lists = run.waitlists();
    let rows: usize = lists.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(rows * 48 + 64);
    out.extend_from_slice(b"program_id,position,student_id,priority,lottery_number\n");
    let programs = program_cells(market);
    // Student ids as CSV cells in one contiguous buffer: the rows visit students in a random
    // order, and small contiguous memory keeps that fast.
    let mut ids = Vec::with_capacity(market.student_count() * 12);
    let mut id_end = Vec::with_capacity(market.student_count() + 1);
    id_end.push(0);
    for student in &market.students {
        push_field(&mut ids, &student.id);
        id_end.push(ids.len());
    }
    for (p, list) in lists.iter().enumerate() {
        let program = programs[p].as_bytes();
        for (i, entry) in list.iter().enumerate() {
            out.extend_from_slice(program);
            out.push(b',');
            push_digits(&mut out, i as u64 + 1);
            out.push(b',');
            let s = entry.student as usize;
            out.extend_from_slice(&ids[id_end[s]..id_end[s + 1]]);
            out.push(b',');
            push_digits(&mut out, entry.key.priority() as u64);
            out.push(b',');
            push_digits(&mut out, entry.key.lottery);
            out.push(b'\n');
        }
    }
    text_of(out)
}

/// `lottery.csv` under single tie-breaking: `student_id,lottery_number` for every student, so
/// anyone can check the numbers against the documented construction.
pub fn write_lottery(run: &Run<'_>) -> Option<String> {
    let market = run.market;
    run.lottery_number(0)?;
    let mut out = Vec::with_capacity(market.student_count() * 30 + 32);
    out.extend_from_slice(b"student_id,lottery_number\n");
    for (s, student) in market.students.iter().enumerate() {
        let number = run.lottery_number(s as u32).expect("single tie-breaking");
        push_field(&mut out, &student.id);
        out.push(b',');
        push_digits(&mut out, number);
        out.push(b'\n');
    }
    Some(text_of(out))
}

fn csv_text(value: &str) -> String {
    let mut out = String::new();
    field(&mut out, value);
    out
}

/// The inputs in canonical form, the files the input digest covers and that are published for
/// verification, in digest order: `programs.csv`, `students.csv`, `preferences.csv`,
/// `reserves.csv`, `eligibility.csv`, `policy.json` (without the seed) and `changes.csv`
/// (header only for a first round). Rows are in id order with every column written, and
/// reserves are written as resolved seat blocks, so two sets of files that mean the same
/// market have the same canonical form; reading them back gives the same canonical form.
///
/// They are de-identified: `students.csv` carries `student_id`, the opaque `family_key`, the
/// given `lottery_number` (only when the district gave numbers), `grade`,
/// `guaranteed_program_id` and `late`, and never a planning area or student group.
pub fn canonical_inputs(
    market: &Market,
    policy: &Policy,
    changes: &RunChanges,
) -> Vec<(&'static str, String)> {
    canonical_files(market, policy, changes, true)
}

/// The length in bytes of the canonical `preferences.csv` when no choice has a score (`None`
/// otherwise), computed without writing it, so that the digest can hash the file in chunks
/// ([`canonical_preferences`]) after its length.
pub(crate) fn plain_preferences_len(market: &Market) -> Option<usize> {
    if market.has_scores() {
        return None;
    }
    let program_len: Vec<usize> = market.programs.iter().map(|p| field_len(&p.id)).collect();
    let mut total = PREFERENCES_HEADER.len();
    for (s, student) in market.students.iter().enumerate() {
        let id = field_len(&student.id);
        let s = s as u32;
        let n = market.list_len(s);
        // Per row: the id, the rank, the program, the priority, three commas and a line feed.
        total += n as usize * (id + 4);
        for r in 0..n {
            let c = market.choice(s, r);
            total += decimal_len(r as u64 + 1)
                + program_len[c.program as usize]
                + decimal_len(c.priority as u64);
        }
    }
    Some(total)
}

/// The length of a value written as a CSV field.
fn field_len(value: &str) -> usize {
    if needs_quotes(value) {
        2 + value.len() + value.bytes().filter(|&b| b == b'"').count()
    } else {
        value.len()
    }
}

const PREFERENCES_HEADER: &str = "student_id,rank,program_id,priority\n";

/// Writes the canonical `preferences.csv` in chunks of at least `chunk` bytes (the last one
/// shorter), or in one piece when `chunk` is `usize::MAX`: `sink` takes each full buffer and
/// returns one to go on with (a new one, or an earlier one back).
pub(crate) fn canonical_preferences(
    market: &Market,
    chunk: usize,
    mut sink: impl FnMut(Vec<u8>) -> Vec<u8>,
) {
    let scores = market.has_scores();
    let capacity = if chunk == usize::MAX {
        market.choice_count() * 24 + 64
    } else {
        chunk + 4096
    };
    let mut out: Vec<u8> = Vec::with_capacity(capacity);
    out.extend_from_slice(if scores {
        b"student_id,rank,program_id,priority,score\n"
    } else {
        PREFERENCES_HEADER.as_bytes()
    });
    // Each program as `,<id>,`, written between the rank and the priority.
    let programs: Vec<Vec<u8>> = market
        .programs
        .iter()
        .map(|p| {
            let mut cell = vec![b','];
            push_field(&mut cell, &p.id);
            cell.push(b',');
            cell
        })
        .collect();
    let mut id = Vec::new();
    for (s, student) in market.students.iter().enumerate() {
        id.clear();
        push_field(&mut id, &student.id);
        id.push(b',');
        for r in 0..market.list_len(s as u32) {
            let c = market.choice(s as u32, r);
            out.extend_from_slice(&id);
            push_digits(&mut out, r as u64 + 1);
            out.extend_from_slice(&programs[c.program as usize]);
            push_digits(&mut out, c.priority as u64);
            if scores {
                out.push(b',');
                if let Some(v) = c.score {
                    out.extend_from_slice(v.to_string().as_bytes());
                }
            }
            out.push(b'\n');
        }
        if out.len() >= chunk {
            out = sink(out);
            out.clear();
        }
    }
    sink(out);
}

/// [`canonical_inputs`], with `preferences.csv` left empty unless `with_preferences`.
pub(crate) fn canonical_files(
    market: &Market,
    policy: &Policy,
    changes: &RunChanges,
    with_preferences: bool,
) -> Vec<(&'static str, String)> {
    let mut programs = String::from("program_id,capacity,school_id,grade,name\n");
    for p in &market.programs {
        row(
            &mut programs,
            &[
                &p.id,
                &p.capacity.to_string(),
                p.school_id.as_deref().unwrap_or(""),
                p.grade.as_deref().unwrap_or(""),
                p.name.as_deref().unwrap_or(""),
            ],
        );
    }

    let given = market.has_given_lottery_numbers();
    let id_bytes: usize = market.students.iter().map(|s| s.id.len()).sum();
    let mut students = String::with_capacity(id_bytes + market.student_count() * 16 + 80);
    students.push_str(if given {
        "student_id,family_key,lottery_number,grade,guaranteed_program_id,late\n"
    } else {
        "student_id,family_key,grade,guaranteed_program_id,late\n"
    });
    for s in &market.students {
        let guaranteed = s
            .guaranteed_program
            .map(|p| market.programs[p as usize].id.as_str())
            .unwrap_or("");
        let lottery = s.lottery_number.map(|n| n.to_string()).unwrap_or_default();
        let mut values: Vec<&str> = vec![&s.id, s.family.as_deref().unwrap_or("")];
        if given {
            values.push(&lottery);
        }
        values.extend([
            s.grade.as_deref().unwrap_or(""),
            guaranteed,
            if s.late { "true" } else { "false" },
        ]);
        row(&mut students, &values);
    }

    let preferences = if with_preferences {
        let mut bytes = Vec::new();
        canonical_preferences(market, usize::MAX, |whole| {
            bytes = whole;
            Vec::new()
        });
        text_of(bytes)
    } else {
        String::new()
    };

    let mut reserves = String::from("program_id,category,seats,order,eligible_only\n");
    if market.has_reserves() {
        for p in 0..market.programs.len() as u32 {
            for (order, b) in market.program_buckets(p).enumerate() {
                let block = &market.buckets[b as usize];
                let (category, seats) = match block.category {
                    Some(c) => (
                        market.categories[c as usize].as_str(),
                        block.capacity.to_string(),
                    ),
                    None => (OPEN, String::new()),
                };
                row(
                    &mut reserves,
                    &[
                        &market.programs[p as usize].id,
                        category,
                        &seats,
                        &(order + 1).to_string(),
                        if block.eligible_only { "true" } else { "false" },
                    ],
                );
            }
        }
    }

    let mut eligibility = String::from("student_id,category,program_id\n");
    for &(s, c, p) in market.eligibility_entries() {
        let program = if p == Market::ANY {
            ""
        } else {
            market.programs[p as usize].id.as_str()
        };
        row(
            &mut eligibility,
            &[
                &market.students[s as usize].id,
                &market.categories[c as usize],
                program,
            ],
        );
    }

    let mut policy_json =
        serde_json::to_string_pretty(&policy.without_seed()).expect("a policy serialises");
    policy_json.push('\n');

    let mut changes_csv = String::from("student_id,change,program_id\n");
    let mut rows: Vec<(u32, bool, &str)> = changes
        .withdrawn
        .iter()
        .map(|&s| (s, true, ""))
        .chain(
            changes
                .guarantees
                .iter()
                .map(|(&s, &p)| (s, false, market.programs[p as usize].id.as_str())),
        )
        .collect();
    rows.sort_unstable();
    for (s, withdrawn, program) in rows {
        row(
            &mut changes_csv,
            &[
                &market.students[s as usize].id,
                if withdrawn { "withdrawn" } else { "guaranteed" },
                program,
            ],
        );
    }

    vec![
        ("programs.csv", programs),
        ("students.csv", students),
        ("preferences.csv", preferences),
        ("reserves.csv", reserves),
        ("eligibility.csv", eligibility),
        ("policy.json", policy_json),
        ("changes.csv", changes_csv),
    ]
}
