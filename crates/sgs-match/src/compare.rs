//! Two policies compared on the same applications: who gains and who loses a seat.
//!
//! [`compare`] takes a run under the current policy (`before`) and one under a proposed policy
//! (`after`) on the same students with the same lists (reserves, mechanism, tie-breaking,
//! sibling rule, seed may all differ) and classifies every student who takes part in both:
//! the same program, a better or worse rank, newly assigned or newly unassigned. It counts
//! these overall, by priority group (at the student's first choice, as in [`crate::stats`]),
//! by student group and by planning area (from the statistics-only [`Attributes`]), and per
//! program, so staff see "who gains and who loses" before adopting a policy. A guaranteed
//! seat at a program the student did not rank counts as worse than every ranked program and
//! better than no seat.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::attributes::Attributes;
use crate::market::StudentIdx;
use crate::run::Run;

/// How one student's result moved from `before` to `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// The same program (or unassigned in both).
    Same,
    /// A program she ranked higher.
    Better,
    /// A program she ranked lower.
    Worse,
    /// A seat after, none before.
    NewlyAssigned,
    /// No seat after, one before.
    NewlyUnassigned,
}

impl Movement {
    /// Whether the student gains (better rank or newly assigned).
    pub fn gains(self) -> bool {
        matches!(self, Movement::Better | Movement::NewlyAssigned)
    }

    /// Whether the student loses (worse rank or newly unassigned).
    pub fn loses(self) -> bool {
        matches!(self, Movement::Worse | Movement::NewlyUnassigned)
    }
}

/// One student's result in both runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentChange {
    /// The student.
    pub student_id: String,
    /// Program and rank (1 is the first choice; `None` for an unranked guaranteed seat)
    /// before, or `None` when unassigned.
    pub before: Option<(String, Option<u32>)>,
    /// The same after.
    pub after: Option<(String, Option<u32>)>,
    /// How it moved.
    pub movement: Movement,
}

/// Counts of movements for a set of students.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Students compared.
    pub students: u32,
    /// Same result.
    pub same: u32,
    /// Better rank.
    pub better: u32,
    /// Worse rank.
    pub worse: u32,
    /// Newly assigned.
    pub newly_assigned: u32,
    /// Newly unassigned.
    pub newly_unassigned: u32,
    /// Offered their first choice before.
    pub first_choice_before: u32,
    /// Offered their first choice after.
    pub first_choice_after: u32,
    /// Unassigned before.
    pub unassigned_before: u32,
    /// Unassigned after.
    pub unassigned_after: u32,
}

impl Tally {
    /// Students who gain.
    pub fn gains(&self) -> u32 {
        self.better + self.newly_assigned
    }

    /// Students who lose.
    pub fn losses(&self) -> u32 {
        self.worse + self.newly_unassigned
    }

    fn add(&mut self, movement: Movement, before: Option<u32>, after: Option<u32>) {
        self.students += 1;
        match movement {
            Movement::Same => self.same += 1,
            Movement::Better => self.better += 1,
            Movement::Worse => self.worse += 1,
            Movement::NewlyAssigned => self.newly_assigned += 1,
            Movement::NewlyUnassigned => self.newly_unassigned += 1,
        }
        self.first_choice_before += (before == Some(0)) as u32;
        self.first_choice_after += (after == Some(0)) as u32;
        self.unassigned_before += before.is_none() as u32;
        self.unassigned_after += after.is_none() as u32;
    }
}

/// Seats offered at one program in both runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramShift {
    /// The program.
    pub program_id: String,
    /// Offers before.
    pub offered_before: u32,
    /// Offers after.
    pub offered_after: u32,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Every student compared.
    pub overall: Tally,
    /// By the priority group at the student's first choice.
    pub by_priority_group: BTreeMap<u32, Tally>,
    /// By student group (a student in two groups counts in both).
    pub by_student_group: BTreeMap<String, Tally>,
    /// By planning area.
    pub by_planning_area: BTreeMap<String, Tally>,
    /// Per program, in id order.
    pub programs: Vec<ProgramShift>,
    /// Every student whose result changed, in id order.
    pub changes: Vec<StudentChange>,
}

/// Two runs that are not on the same applications.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    /// A student is in one run and not the other, or takes part in only one.
    #[error("student {0:?} is not in both runs")]
    DifferentStudents(String),
    /// A student's list differs between the runs.
    #[error("student {0:?} ranks different programs in the two runs")]
    DifferentLists(String),
}

/// Compares `after` with `before`. `attributes` belong to `before`'s market.
pub fn compare(
    before: &Run<'_>,
    after: &Run<'_>,
    attributes: &Attributes,
) -> Result<Comparison, CompareError> {
    let (m1, m2) = (before.market, after.market);
    let mut comparison = Comparison {
        overall: Tally::default(),
        by_priority_group: BTreeMap::new(),
        by_student_group: BTreeMap::new(),
        by_planning_area: BTreeMap::new(),
        programs: Vec::new(),
        changes: Vec::new(),
    };
    let mut offered: BTreeMap<&str, (u32, u32)> = m1
        .programs
        .iter()
        .map(|p| (p.id.as_str(), (0, 0)))
        .chain(m2.programs.iter().map(|p| (p.id.as_str(), (0, 0))))
        .collect();
    if m1.student_count() != m2.student_count() {
        let missing = m1
            .students
            .iter()
            .find(|s| m2.find_student(&s.id).is_none())
            .or_else(|| {
                m2.students
                    .iter()
                    .find(|s| m1.find_student(&s.id).is_none())
            })
            .map(|s| s.id.clone())
            .unwrap_or_default();
        return Err(CompareError::DifferentStudents(missing));
    }
    for s1 in 0..m1.student_count() as StudentIdx {
        let id = &m1.students[s1 as usize].id;
        let s2 = m2
            .find_student(id)
            .ok_or_else(|| CompareError::DifferentStudents(id.clone()))?;
        let same_list = m1.list_len(s1) == m2.list_len(s2)
            && m1
                .list(s1)
                .iter()
                .zip(m2.list(s2))
                .all(|(&a, &b)| m1.programs[a as usize].id == m2.programs[b as usize].id);
        if !same_list {
            return Err(CompareError::DifferentLists(id.clone()));
        }
        match (before.takes_part(s1), after.takes_part(s2)) {
            (true, true) => {}
            (false, false) => continue,
            _ => return Err(CompareError::DifferentStudents(id.clone())),
        }
        let listed = m1.list_len(s1);
        // Position: rank index, `listed` for an unranked guarantee, `None` for no seat.
        let o1 = before.offer(s1);
        let o2 = after.offer(s2);
        let p1 = o1.map(|o| o.rank.unwrap_or(listed));
        let p2 = o2.map(|o| o.rank.unwrap_or(listed));
        let prog1 = o1.map(|o| m1.programs[o.program as usize].id.as_str());
        let prog2 = o2.map(|o| m2.programs[o.program as usize].id.as_str());
        if let Some(p) = prog1 {
            offered.get_mut(p).expect("every program listed").0 += 1;
        }
        if let Some(p) = prog2 {
            offered.get_mut(p).expect("every program listed").1 += 1;
        }
        let movement = match (p1, p2) {
            (None, None) => Movement::Same,
            (None, Some(_)) => Movement::NewlyAssigned,
            (Some(_), None) => Movement::NewlyUnassigned,
            (Some(a), Some(b)) if a == b && prog1 == prog2 => Movement::Same,
            (Some(a), Some(b)) if b < a => Movement::Better,
            (Some(a), Some(b)) if b > a => Movement::Worse,
            // Two different unranked guarantees: neither better nor worse.
            _ => Movement::Same,
        };
        let r1 = o1.and_then(|o| o.rank);
        let r2 = o2.and_then(|o| o.rank);
        let first1 = p1.map(|p| if r1.is_some() { p } else { u32::MAX });
        let first2 = p2.map(|p| if r2.is_some() { p } else { u32::MAX });
        comparison.overall.add(movement, first1, first2);
        if listed > 0 {
            let group = m1.choice(s1, 0).priority;
            comparison
                .by_priority_group
                .entry(group)
                .or_default()
                .add(movement, first1, first2);
        }
        let attrs = attributes.get(s1);
        for group in &attrs.groups {
            comparison
                .by_student_group
                .entry(group.clone())
                .or_default()
                .add(movement, first1, first2);
        }
        if let Some(area) = &attrs.planning_area {
            comparison
                .by_planning_area
                .entry(area.clone())
                .or_default()
                .add(movement, first1, first2);
        }
        if movement != Movement::Same || prog1 != prog2 {
            let show = |program: Option<&str>, rank: Option<u32>| {
                program.map(|p| (p.to_string(), rank.map(|r| r + 1)))
            };
            comparison.changes.push(StudentChange {
                student_id: id.clone(),
                before: show(prog1, r1),
                after: show(prog2, r2),
                movement,
            });
        }
    }
    comparison.programs = offered
        .into_iter()
        .map(|(id, (offered_before, offered_after))| ProgramShift {
            program_id: id.to_string(),
            offered_before,
            offered_after,
        })
        .collect();
    Ok(comparison)
}
