//! The market a match runs on: programs with capacities and seat categories, students with
//! their ranked choices and priorities, and reserve eligibility, indexed for the engine.
//!
//! A [`Market`] is built once with a [`MarketBuilder`] (the CSV reader in [`crate::format`]
//! and the web app's store both use it) and never changes; every mechanism, redraw and
//! explanation reads it. Students are kept in the byte order of their ids, so the index of a
//! student is also the last tie-breaker ("equal lottery numbers fall back to the student id's
//! byte order").
//!
//! **Invariant:** a built market is valid: every choice names a known program, no student ranks
//! a program twice, no priority exceeds [`MAX_PRIORITY`], reserved seats never exceed a
//! program's capacity, and a guaranteed program is a known program.
//!
//! **De-identification:** a market holds only what the match needs: opaque ids, lists,
//! priorities, scores, capacities, reserves and eligibility, guarantees, and the sibling link as
//! an opaque family key. Statistics-only attributes (student groups, planning area) live apart
//! in [`crate::attributes::Attributes`], so they never reach the published inputs or the digest.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a with a final mixing step, for the builder's id indexes: ids are short and come from
/// the district's own files, so a fast, simple hash is enough (the order of a hash map never
/// reaches a result). The mixing spreads the bits, since the map reads the top bits too.
#[derive(Default, Clone, Copy)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Index of a program in [`Market::programs`].
pub type ProgramIdx = u32;
/// Index of a student in [`Market::students`] (ids in byte order).
pub type StudentIdx = u32;

/// A program: one set of seats families rank (a school, or a grade or track within one).
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// The program's id, as the district writes it.
    pub id: String,
    /// Seats offered in this match.
    pub capacity: u32,
    /// The school the program belongs to, when known (sibling links use it).
    pub school_id: Option<String>,
    /// The grade the program admits to, when known; students of another grade are not eligible.
    pub grade: Option<String>,
    /// A display name.
    pub name: Option<String>,
}

/// A student who applies. Only an opaque id: no name, address, birth date, student group or
/// planning area ever enters a market (see [`crate::attributes`] for the statistics-only
/// attributes).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Student {
    /// The student's opaque application id.
    pub id: String,
    /// The sibling link: students with the same value are siblings. Any text may be given to
    /// the builder (a district's family id); [`MarketBuilder::finish`] replaces it by the
    /// family's opaque key, the lowest student id (in byte order) among the siblings, and
    /// drops it for a student without siblings in the market. Only the key is ever published.
    pub family: Option<String>,
    /// A lottery number given by the district, used as is under single tie-breaking.
    pub lottery_number: Option<u64>,
    /// The grade the student applies for.
    pub grade: Option<String>,
    /// The program whose seat the student keeps if nothing better is offered.
    pub guaranteed_program: Option<ProgramIdx>,
    /// A late application: behind on-time applicants of the same priority group.
    pub late: bool,
}

/// One ranked choice of a student.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    /// The program ranked.
    pub program: ProgramIdx,
    /// The student's priority group at that program: lower numbers go first.
    pub priority: u32,
    /// A score that orders applicants within a priority group (higher goes first), if the
    /// program uses one.
    pub score: Option<f64>,
}

/// A block of a program's seats filled together, in the program's precedence order: the
/// open seats or the seats of one reserve category.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// The program the seats belong to.
    pub program: ProgramIdx,
    /// The reserve category, or `None` for open seats.
    pub category: Option<u32>,
    /// Seats in the block.
    pub capacity: u32,
    /// Only eligible students may take these seats; otherwise unfilled reserve seats go to
    /// other applicants after every eligible one.
    pub eligible_only: bool,
}

/// What a reserve category reserves, before it is resolved against the program's capacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seats {
    /// A whole number of seats.
    Count(u32),
    /// A share of the capacity in percent, rounded down to whole seats.
    Percent(f64),
}

impl Seats {
    /// The whole number of seats this means at a program of `capacity` seats.
    pub fn resolve(self, capacity: u32) -> u32 {
        match self {
            Seats::Count(n) => n,
            Seats::Percent(p) => ((capacity as f64) * p / 100.0 + 1e-9).floor() as u32,
        }
    }
}

/// A reserve category at one program.
#[derive(Debug, Clone, PartialEq)]
pub struct Reserve {
    /// The category's name, e.g. `low_rated_zone` or `ses_tier_1`; `open` names the open
    /// seats and may be given to place them in the order.
    pub category: String,
    /// Seats reserved.
    pub seats: Seats,
    /// Position in the order categories are filled (1 is filled first).
    pub order: u32,
    /// Only eligible students may take the seats.
    pub eligible_only: bool,
}

/// Where the open seats go in a program's order when its reserves do not place them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenSeats {
    /// Open seats are filled first and reserve seats after them: the reserved groups get
    /// weakly more seats (the lesson of Boston's walk zones).
    #[default]
    First,
    /// Reserve seats are filled first and open seats after them.
    Last,
}

/// A problem in data given to the builder.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// A program id used twice.
    #[error("program {0:?} is listed twice")]
    DuplicateProgram(String),
    /// A student id used twice.
    #[error("student {0:?} is listed twice")]
    DuplicateStudent(String),
    /// A student ranks one program twice.
    #[error("student {student:?} ranks program {program:?} twice")]
    DuplicateChoice {
        /// The student.
        student: String,
        /// The program.
        program: String,
    },
    /// Reserve seats exceed the program's capacity.
    #[error("program {program:?} reserves {reserved} seats but has only {capacity}")]
    Overreserved {
        /// The program.
        program: String,
        /// Seats reserved in all.
        reserved: u32,
        /// The program's capacity.
        capacity: u32,
    },
    /// A category given twice at one program, or two categories with the same order.
    #[error("program {program:?}: {detail}")]
    BadReserves {
        /// The program.
        program: String,
        /// What is wrong.
        detail: String,
    },
    /// A priority number above [`MAX_PRIORITY`].
    #[error("student {student:?} has priority {priority} at program {program:?}: the largest supported is {max}", max = MAX_PRIORITY)]
    PriorityTooHigh {
        /// The student.
        student: String,
        /// The program.
        program: String,
        /// The priority given.
        priority: u32,
    },
    /// Lottery numbers given for some students but not all.
    #[error("student {0:?} has no lottery number while others have one: give all or none")]
    PartialLottery(String),
    /// An index that does not exist.
    #[error("{0}")]
    BadIndex(String),
}

/// Names interned to small numbers.
#[derive(Debug, Clone, Default)]
struct Names {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }
}

/// Collects programs, students and choices, then checks and indexes them.
#[derive(Debug, Default, Clone)]
pub struct MarketBuilder {
    programs: Vec<Program>,
    program_index: FastMap<String, ProgramIdx>,
    students: Vec<Student>,
    student_index: FastMap<String, StudentIdx>,
    choice_student: Vec<StudentIdx>,
    choice_program: Vec<ProgramIdx>,
    choice_priority: Vec<u32>,
    /// Scores, only once some choice carries one (NaN for none).
    choice_score: Vec<f64>,
    reserves: Vec<(ProgramIdx, Reserve)>,
    eligibility: Vec<(StudentIdx, String, Option<ProgramIdx>)>,
}

impl MarketBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a program and returns its builder index (not yet its market index).
    pub fn program(&mut self, program: Program) -> Result<ProgramIdx, BuildError> {
        if self.program_index.contains_key(&program.id) {
            return Err(BuildError::DuplicateProgram(program.id));
        }
        let i = self.programs.len() as ProgramIdx;
        self.program_index.insert(program.id.clone(), i);
        self.programs.push(program);
        Ok(i)
    }

    /// The builder index of a program id.
    pub fn program_index(&self, id: &str) -> Option<ProgramIdx> {
        self.program_index.get(id).copied()
    }

    /// Adds a student and returns its builder index.
    pub fn student(&mut self, student: Student) -> Result<StudentIdx, BuildError> {
        let i = self.students.len() as StudentIdx;
        match self.student_index.entry(student.id.clone()) {
            std::collections::hash_map::Entry::Occupied(_) => {
                Err(BuildError::DuplicateStudent(student.id))
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(i);
                self.students.push(student);
                Ok(i)
            }
        }
    }

    /// The builder index of a student id.
    pub fn student_index(&self, id: &str) -> Option<StudentIdx> {
        self.student_index.get(id).copied()
    }

    /// Students added so far.
    pub(crate) fn student_count(&self) -> usize {
        self.students.len()
    }

    /// Program ids by builder index.
    pub(crate) fn program_ids(&self) -> impl ExactSizeIterator<Item = &str> {
        self.programs.iter().map(|p| p.id.as_str())
    }

    /// The id of a student by builder index.
    pub fn student_id(&self, student: StudentIdx) -> &str {
        &self.students[student as usize].id
    }

    /// Appends a choice to a student's list: call in rank order, first choice first.
    pub fn choice(&mut self, student: StudentIdx, choice: Choice) {
        if let Some(score) = choice.score {
            if self.choice_score.is_empty() {
                self.choice_score = vec![f64::NAN; self.choice_student.len()];
            }
            self.choice_score.push(score);
        } else if !self.choice_score.is_empty() {
            self.choice_score.push(f64::NAN);
        }
        self.choice_student.push(student);
        self.choice_program.push(choice.program);
        self.choice_priority.push(choice.priority);
    }

    /// Reserves room for `additional` more students.
    pub fn reserve_students(&mut self, additional: usize) {
        self.students.reserve(additional);
        self.student_index.reserve(additional);
    }

    /// Reserves room for `additional` more choices.
    pub fn reserve_choices(&mut self, additional: usize) {
        self.choice_student.reserve(additional);
        self.choice_program.reserve(additional);
        self.choice_priority.reserve(additional);
    }

    /// The capacity of a program by builder index.
    pub fn program_capacity(&self, program: ProgramIdx) -> Option<u32> {
        self.programs.get(program as usize).map(|p| p.capacity)
    }

    /// Adds a reserve category at a program.
    pub fn reserve(&mut self, program: ProgramIdx, reserve: Reserve) {
        self.reserves.push((program, reserve));
    }

    /// Makes a student eligible for a reserve category, at one program or (with `None`) at
    /// every program that has the category.
    pub fn eligible(&mut self, student: StudentIdx, category: &str, program: Option<ProgramIdx>) {
        self.eligibility
            .push((student, category.to_string(), program));
    }

    /// Checks everything and indexes the market. `open_seats` places open seats in the order
    /// of programs whose reserves do not name them.
    pub fn finish(self, open_seats: OpenSeats) -> Result<Market, BuildError> {
        let MarketBuilder {
            programs,
            students,
            mut choice_student,
            mut choice_program,
            choice_priority,
            choice_score,
            reserves,
            eligibility,
            ..
        } = self;

        // Programs and students in byte order of their ids; remember where each went.
        let mut program_order: Vec<u32> = (0..programs.len() as u32).collect();
        program_order.sort_by(|&a, &b| programs[a as usize].id.cmp(&programs[b as usize].id));
        let mut program_rank = vec![0u32; programs.len()];
        for (new, &old) in program_order.iter().enumerate() {
            program_rank[old as usize] = new as u32;
        }
        let mut programs_sorted: Vec<Option<Program>> = programs.into_iter().map(Some).collect();
        let programs: Vec<Program> = program_order
            .iter()
            .map(|&old| programs_sorted[old as usize].take().expect("each once"))
            .collect();

        let sorted = students.windows(2).all(|w| w[0].id < w[1].id);
        let mut student_rank: Vec<u32> = (0..students.len() as u32).collect();
        let mut students = students;
        if !sorted {
            let mut order: Vec<u32> = (0..students.len() as u32).collect();
            order.sort_by(|&a, &b| students[a as usize].id.cmp(&students[b as usize].id));
            for (new, &old) in order.iter().enumerate() {
                student_rank[old as usize] = new as u32;
            }
            let mut slots: Vec<Option<Student>> = students.into_iter().map(Some).collect();
            students = order
                .iter()
                .map(|&old| slots[old as usize].take().expect("each once"))
                .collect();
        }
        for student in &mut students {
            if let Some(p) = student.guaranteed_program {
                let p = *program_rank
                    .get(p as usize)
                    .ok_or_else(|| BuildError::BadIndex(format!("guaranteed program {p}")))?;
                student.guaranteed_program = Some(p);
            }
        }
        normalize_families(&mut students);
        let given = students
            .iter()
            .filter(|s| s.lottery_number.is_some())
            .count();
        if given > 0 && given < students.len() {
            let missing = students
                .iter()
                .find(|s| s.lottery_number.is_none())
                .expect("some are missing");
            return Err(BuildError::PartialLottery(missing.id.clone()));
        }

        // Choices in compressed rows per student, keeping each student's order (a stable
        // counting sort by student; skipped when the rows already come grouped in order).
        let n = students.len();
        let total = choice_student.len();
        let mut list_start = vec![0u32; n + 1];
        let mut grouped = true;
        let mut previous = 0u32;
        for s in choice_student.iter_mut() {
            *s = *student_rank
                .get(*s as usize)
                .ok_or_else(|| BuildError::BadIndex(format!("student {s}")))?;
            list_start[*s as usize + 1] += 1;
            grouped &= *s >= previous;
            previous = *s;
        }
        for i in 0..n {
            list_start[i + 1] += list_start[i];
        }
        for (at, priority) in choice_priority.iter().enumerate() {
            if *priority > MAX_PRIORITY {
                let s = choice_student[at] as usize;
                let p = choice_program[at] as usize;
                return Err(BuildError::PriorityTooHigh {
                    student: students[s].id.clone(),
                    program: program_sorted_id(&programs, &program_rank, p),
                    priority: *priority,
                });
            }
        }
        for p in choice_program.iter_mut() {
            *p = *program_rank
                .get(*p as usize)
                .ok_or_else(|| BuildError::BadIndex(format!("program {p}")))?;
        }
        let (program_of, priority_of, score_of) = if grouped {
            (choice_program, choice_priority, choice_score)
        } else {
            let mut fill = list_start.clone();
            let mut program_of = vec![0u32; total];
            let mut priority_of = vec![0u32; total];
            let mut score_of = if choice_score.is_empty() {
                Vec::new()
            } else {
                vec![f64::NAN; total]
            };
            for i in 0..total {
                let s = choice_student[i] as usize;
                let at = fill[s] as usize;
                fill[s] += 1;
                program_of[at] = choice_program[i];
                priority_of[at] = choice_priority[i];
                if !score_of.is_empty() {
                    score_of[at] = choice_score[i];
                }
            }
            (program_of, priority_of, score_of)
        };
        drop(choice_student);
        let mut seen = vec![u32::MAX; programs.len()];
        for s in 0..n {
            for at in list_start[s]..list_start[s + 1] {
                let p = program_of[at as usize];
                if seen[p as usize] == s as u32 {
                    return Err(BuildError::DuplicateChoice {
                        student: students[s].id.clone(),
                        program: programs[p as usize].id.clone(),
                    });
                }
                seen[p as usize] = s as u32;
            }
        }

        // Seat blocks per program in precedence order.
        let mut categories = Names::default();
        let mut by_program: Vec<Vec<Reserve>> = vec![Vec::new(); programs.len()];
        for (p, reserve) in reserves {
            let p = *program_rank
                .get(p as usize)
                .ok_or_else(|| BuildError::BadIndex(format!("program {p}")))?;
            by_program[p as usize].push(reserve);
        }
        let mut buckets = Vec::new();
        let mut program_buckets = Vec::with_capacity(programs.len() + 1);
        for (p, program) in programs.iter().enumerate() {
            program_buckets.push(buckets.len() as u32);
            let blocks = seat_blocks(program, &mut by_program[p], open_seats)?;
            for (category, capacity, eligible_only) in blocks {
                buckets.push(Bucket {
                    program: p as u32,
                    category: category.map(|c| categories.intern(&c)),
                    capacity,
                    eligible_only,
                });
            }
        }
        program_buckets.push(buckets.len() as u32);

        // Reserve eligibility per student, sorted for lookup.
        let mut eligible: Vec<(u32, u32, u32)> = Vec::new();
        for (s, category, program) in eligibility {
            let s = *student_rank
                .get(s as usize)
                .ok_or_else(|| BuildError::BadIndex(format!("student {s}")))?;
            let Some(&c) = categories.index.get(&category) else {
                // A category no program reserves seats for changes nothing.
                continue;
            };
            let p = match program {
                Some(p) => *program_rank
                    .get(p as usize)
                    .ok_or_else(|| BuildError::BadIndex(format!("program {p}")))?,
                None => ANY_PROGRAM,
            };
            eligible.push((s, c, p));
        }
        eligible.sort_unstable();
        eligible.dedup();

        let has_grades = programs.iter().any(|p| p.grade.is_some());
        let any_late = students.iter().any(|s| s.late);
        let mut schools = Names::default();
        let program_school = programs
            .iter()
            .map(|p| p.school_id.as_deref().map(|s| schools.intern(s)))
            .collect();

        Ok(Market {
            programs,
            students,
            list_start,
            program_of,
            priority_of,
            score_of,
            buckets,
            program_buckets,
            categories: categories.names,
            eligible,
            program_school,
            has_grades,
            given_lottery: given > 0,
            any_late,
        })
    }
}

/// The highest priority number the engine supports; the builder and the reader refuse larger
/// ones.
pub const MAX_PRIORITY: u32 = (1 << 29) - 1;

/// Replaces each family value by the family's key: the lowest student id among its members
/// (students are already in id order, so the first member met). Families of one lose it.
fn normalize_families(students: &mut [Student]) {
    if students.iter().all(|s| s.family.is_none()) {
        return;
    }
    let mut first: HashMap<&str, (usize, u32)> = HashMap::new();
    for (i, s) in students.iter().enumerate() {
        if let Some(f) = s.family.as_deref() {
            first.entry(f).or_insert((i, 0)).1 += 1;
        }
    }
    let keys: Vec<Option<String>> = students
        .iter()
        .map(|s| {
            let (i, members) = first[s.family.as_deref()?];
            (members > 1).then(|| students[i].id.clone())
        })
        .collect();
    for (s, key) in students.iter_mut().zip(keys) {
        s.family = key;
    }
}

/// The id of a program given its builder index, after programs were sorted.
fn program_sorted_id(programs: &[Program], program_rank: &[u32], builder_index: usize) -> String {
    program_rank
        .get(builder_index)
        .map(|&p| programs[p as usize].id.clone())
        .unwrap_or_else(|| format!("#{builder_index}"))
}

const ANY_PROGRAM: u32 = u32::MAX;

/// Resolves a program's reserves into seat blocks `(category, seats, eligible_only)` in the
/// order they are filled; `None` is the open block.
fn seat_blocks(
    program: &Program,
    reserves: &mut [Reserve],
    open_seats: OpenSeats,
) -> Result<Vec<(Option<String>, u32, bool)>, BuildError> {
    if reserves.is_empty() {
        return Ok(vec![(None, program.capacity, false)]);
    }
    let bad = |detail: String| BuildError::BadReserves {
        program: program.id.clone(),
        detail,
    };
    reserves.sort_by_key(|r| r.order);
    for pair in reserves.windows(2) {
        if pair[0].order == pair[1].order {
            return Err(bad(format!(
                "categories {:?} and {:?} share order {}",
                pair[0].category, pair[1].category, pair[0].order
            )));
        }
    }
    let mut names: Vec<&str> = reserves.iter().map(|r| r.category.as_str()).collect();
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(bad(format!("category {:?} is given twice", pair[0])));
    }

    let reserved: u32 = reserves
        .iter()
        .filter(|r| r.category != OPEN)
        .map(|r| r.seats.resolve(program.capacity))
        .sum();
    if reserved > program.capacity {
        return Err(BuildError::Overreserved {
            program: program.id.clone(),
            reserved,
            capacity: program.capacity,
        });
    }
    let open = program.capacity - reserved;
    let mut blocks: Vec<(Option<String>, u32, bool)> = reserves
        .iter()
        .map(|r| {
            if r.category == OPEN {
                (None, open, false)
            } else {
                (
                    Some(r.category.clone()),
                    r.seats.resolve(program.capacity),
                    r.eligible_only,
                )
            }
        })
        .collect();
    if !reserves.iter().any(|r| r.category == OPEN) {
        match open_seats {
            OpenSeats::First => blocks.insert(0, (None, open, false)),
            OpenSeats::Last => blocks.push((None, open, false)),
        }
    }
    Ok(blocks)
}

/// The category name that means a program's open seats.
pub const OPEN: &str = "open";

/// An indexed, checked market. See the module documentation.
#[derive(Debug, Clone)]
pub struct Market {
    /// Programs in byte order of their ids.
    pub programs: Vec<Program>,
    /// Students in byte order of their ids.
    pub students: Vec<Student>,
    list_start: Vec<u32>,
    program_of: Vec<u32>,
    priority_of: Vec<u32>,
    score_of: Vec<f64>,
    /// Seat blocks of every program, grouped by program in precedence order.
    pub buckets: Vec<Bucket>,
    program_buckets: Vec<u32>,
    /// Reserve category names, by category index.
    pub categories: Vec<String>,
    eligible: Vec<(u32, u32, u32)>,
    program_school: Vec<Option<u32>>,
    /// Whether any program names a grade.
    has_grades: bool,
    /// Whether students.csv gave lottery numbers (then every student has one).
    given_lottery: bool,
    /// Whether any application is late.
    any_late: bool,
}

impl Market {
    /// Number of students.
    pub fn student_count(&self) -> usize {
        self.students.len()
    }

    /// Number of ranked choices across all students.
    pub fn choice_count(&self) -> usize {
        self.program_of.len()
    }

    /// The number of choices a student ranked.
    pub fn list_len(&self, student: StudentIdx) -> u32 {
        self.list_start[student as usize + 1] - self.list_start[student as usize]
    }

    /// Where a student's list starts in the choice arrays.
    pub(crate) fn list_offset(&self, student: StudentIdx) -> u32 {
        self.list_start[student as usize]
    }

    /// The student's choice at `rank_index` (0 is the first choice).
    pub fn choice(&self, student: StudentIdx, rank_index: u32) -> Choice {
        let at = (self.list_start[student as usize] + rank_index) as usize;
        Choice {
            program: self.program_of[at],
            priority: self.priority_of[at],
            score: self.score_of.get(at).copied().filter(|s| !s.is_nan()),
        }
    }

    /// The programs a student ranked, first choice first.
    pub fn list(&self, student: StudentIdx) -> &[ProgramIdx] {
        let s = student as usize;
        &self.program_of[self.list_start[s] as usize..self.list_start[s + 1] as usize]
    }

    /// The compressed lists: where each student's list starts (one more entry than students),
    /// and the program and priority of every choice.
    pub(crate) fn lists(&self) -> (&[u32], &[u32], &[u32]) {
        (&self.list_start, &self.program_of, &self.priority_of)
    }

    /// Whether every program has a single block of open seats and no program names a grade.
    pub(crate) fn is_plain(&self) -> bool {
        !self.has_grades && self.buckets.len() == self.programs.len() && !self.has_reserves()
    }

    /// The priority of the choice at a global choice offset.
    pub(crate) fn priority_at(&self, at: u32) -> u32 {
        self.priority_of[at as usize]
    }

    /// The score of the choice at a global choice offset, if any.
    pub(crate) fn score_at(&self, at: u32) -> Option<f64> {
        self.score_of
            .get(at as usize)
            .copied()
            .filter(|s| !s.is_nan())
    }

    /// Whether the district gave every student's lottery number.
    pub fn has_given_lottery_numbers(&self) -> bool {
        self.given_lottery
    }

    /// Whether any application is late.
    pub fn has_late_applications(&self) -> bool {
        self.any_late
    }

    /// Whether any choice carries a score.
    pub fn has_scores(&self) -> bool {
        !self.score_of.is_empty()
    }

    /// Whether any program reserves seats.
    pub fn has_reserves(&self) -> bool {
        self.buckets.len() != self.programs.len()
            || self.buckets.iter().any(|b| b.category.is_some())
    }

    /// The seat blocks of a program, in the order they are filled.
    pub fn program_buckets(&self, program: ProgramIdx) -> std::ops::Range<u32> {
        self.program_buckets[program as usize]..self.program_buckets[program as usize + 1]
    }

    /// Whether a student is eligible for a reserve category at a program.
    pub fn is_eligible(&self, student: StudentIdx, category: u32, program: ProgramIdx) -> bool {
        if self.eligible.is_empty() {
            return false;
        }
        self.eligible
            .binary_search(&(student, category, program))
            .is_ok()
            || self
                .eligible
                .binary_search(&(student, category, ANY_PROGRAM))
                .is_ok()
    }

    /// Whether the student's grade allows the program (either unknown counts as allowed).
    pub fn grade_allows(&self, student: StudentIdx, program: ProgramIdx) -> bool {
        if !self.has_grades {
            return true;
        }
        match (
            &self.students[student as usize].grade,
            &self.programs[program as usize].grade,
        ) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// The school a program belongs to, as a small number, when known.
    pub fn school_of(&self, program: ProgramIdx) -> Option<u32> {
        self.program_school[program as usize]
    }

    /// The index of a student id.
    pub fn find_student(&self, id: &str) -> Option<StudentIdx> {
        self.students
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .map(|i| i as StudentIdx)
    }

    /// The index of a program id.
    pub fn find_program(&self, id: &str) -> Option<ProgramIdx> {
        self.programs
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
            .map(|i| i as ProgramIdx)
    }

    /// The rank index of a program on a student's list.
    pub fn rank_of(&self, student: StudentIdx, program: ProgramIdx) -> Option<u32> {
        self.list(student)
            .iter()
            .position(|&p| p == program)
            .map(|i| i as u32)
    }

    /// The eligibility entries `(student, category, program or any)`, for writers.
    pub(crate) fn eligibility_entries(&self) -> &[(u32, u32, u32)] {
        &self.eligible
    }

    /// The program value that means "any program" in [`Market::eligibility_entries`].
    pub(crate) const ANY: u32 = ANY_PROGRAM;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(id: &str, capacity: u32) -> Program {
        Program {
            id: id.into(),
            capacity,
            school_id: None,
            grade: None,
            name: None,
        }
    }

    fn student(id: &str) -> Student {
        Student {
            id: id.into(),
            ..Student::default()
        }
    }

    #[test]
    fn students_and_programs_are_kept_in_id_byte_order_with_their_lists() {
        let mut b = MarketBuilder::new();
        let z = b.program(program("Z", 1)).unwrap();
        let a = b.program(program("A", 2)).unwrap();
        let s2 = b.student(student("s2")).unwrap();
        let s1 = b.student(student("s1")).unwrap();
        b.choice(
            s2,
            Choice {
                program: z,
                priority: 1,
                score: None,
            },
        );
        b.choice(
            s1,
            Choice {
                program: a,
                priority: 3,
                score: None,
            },
        );
        b.choice(
            s2,
            Choice {
                program: a,
                priority: 2,
                score: None,
            },
        );
        let m = b.finish(OpenSeats::First).unwrap();
        assert_eq!(m.programs[0].id, "A");
        assert_eq!(m.students[0].id, "s1");
        assert_eq!(m.list(0), &[0]);
        assert_eq!(m.list(1), &[1, 0]);
        assert_eq!(m.choice(1, 1).priority, 2);
        assert_eq!(m.find_student("s2"), Some(1));
        assert_eq!(m.find_program("Z"), Some(1));
        assert_eq!(m.rank_of(1, 0), Some(1));
    }

    #[test]
    fn reserves_become_seat_blocks_in_order() {
        let mut b = MarketBuilder::new();
        let p = b.program(program("P", 25)).unwrap();
        b.reserve(
            p,
            Reserve {
                category: "zone".into(),
                seats: Seats::Percent(50.0),
                order: 2,
                eligible_only: false,
            },
        );
        b.reserve(
            p,
            Reserve {
                category: "swd".into(),
                seats: Seats::Count(3),
                order: 1,
                eligible_only: true,
            },
        );
        let s = b.student(student("s")).unwrap();
        b.eligible(s, "zone", None);
        let m = b.clone_finish(OpenSeats::First);
        let blocks: Vec<(Option<&str>, u32, bool)> = m
            .program_buckets(0)
            .map(|i| {
                let bucket = &m.buckets[i as usize];
                (
                    bucket.category.map(|c| m.categories[c as usize].as_str()),
                    bucket.capacity,
                    bucket.eligible_only,
                )
            })
            .collect();
        // 50% of 25 rounds down to 12; open seats first by default.
        assert_eq!(
            blocks,
            vec![
                (None, 10, false),
                (Some("swd"), 3, true),
                (Some("zone"), 12, false)
            ]
        );
        assert!(m.is_eligible(0, 1, 0));
        assert!(!m.is_eligible(0, 0, 0));
        let m = b.finish(OpenSeats::Last).unwrap();
        assert_eq!(m.buckets.last().unwrap().category, None);
    }

    #[test]
    fn bad_markets_are_refused() {
        let mut b = MarketBuilder::new();
        b.program(program("P", 1)).unwrap();
        assert_eq!(
            b.program(program("P", 2)),
            Err(BuildError::DuplicateProgram("P".into()))
        );
        let s = b.student(student("s")).unwrap();
        b.choice(
            s,
            Choice {
                program: 0,
                priority: 1,
                score: None,
            },
        );
        b.choice(
            s,
            Choice {
                program: 0,
                priority: 1,
                score: None,
            },
        );
        assert!(matches!(
            b.finish(OpenSeats::First),
            Err(BuildError::DuplicateChoice { .. })
        ));

        let mut b = MarketBuilder::new();
        let p = b.program(program("P", 2)).unwrap();
        b.reserve(
            p,
            Reserve {
                category: "zone".into(),
                seats: Seats::Count(3),
                order: 1,
                eligible_only: false,
            },
        );
        assert!(matches!(
            b.finish(OpenSeats::First),
            Err(BuildError::Overreserved { reserved: 3, .. })
        ));

        let mut b = MarketBuilder::new();
        b.student(Student {
            lottery_number: Some(4),
            ..student("a")
        })
        .unwrap();
        b.student(student("b")).unwrap();
        assert_eq!(
            b.finish(OpenSeats::First).unwrap_err(),
            BuildError::PartialLottery("b".into())
        );
    }

    #[test]
    fn priorities_above_the_maximum_are_refused_not_clamped() {
        let mut b = MarketBuilder::new();
        let p = b.program(program("P", 1)).unwrap();
        let s = b.student(student("s")).unwrap();
        b.choice(
            s,
            Choice {
                program: p,
                priority: MAX_PRIORITY + 1,
                score: None,
            },
        );
        assert_eq!(
            b.finish(OpenSeats::First).unwrap_err(),
            BuildError::PriorityTooHigh {
                student: "s".into(),
                program: "P".into(),
                priority: MAX_PRIORITY + 1
            }
        );
    }

    #[test]
    fn family_ids_become_the_lowest_sibling_id_and_lone_students_lose_theirs() {
        let mut b = MarketBuilder::new();
        for (id, family) in [
            ("s3", "F"),
            ("s1", "G"),
            ("s2", "F"),
            ("s4", "H"),
            ("s5", "F"),
        ] {
            b.student(Student {
                family: Some(family.into()),
                ..student(id)
            })
            .unwrap();
        }
        let m = b.finish(OpenSeats::First).unwrap();
        let keys: Vec<Option<&str>> = m.students.iter().map(|s| s.family.as_deref()).collect();
        assert_eq!(keys, [None, Some("s2"), Some("s2"), None, Some("s2")]);
    }

    impl MarketBuilder {
        fn clone_finish(&self, open_seats: OpenSeats) -> Market {
            MarketBuilder {
                programs: self.programs.clone(),
                program_index: self.program_index.clone(),
                students: self.students.clone(),
                student_index: self.student_index.clone(),
                choice_student: self.choice_student.clone(),
                choice_program: self.choice_program.clone(),
                choice_priority: self.choice_priority.clone(),
                choice_score: self.choice_score.clone(),
                reserves: self.reserves.clone(),
                eligibility: self.eligibility.clone(),
            }
            .finish(open_seats)
            .unwrap()
        }
    }
}
