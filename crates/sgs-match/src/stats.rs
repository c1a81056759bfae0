//! Summary statistics of a run: how many students were offered their first choice, a top-three
//! choice, any choice, their guaranteed seat or nothing, overall and by priority group (at the
//! first choice), student group, planning area and grade; and demand per seat by program.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::attributes::Attributes;
use crate::market::StudentIdx;
use crate::run::Run;

/// Counts of results for a set of students.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Rates {
    /// Students who took part.
    pub students: u32,
    /// Offered their first choice.
    pub first_choice: u32,
    /// Offered one of their first three choices.
    pub top_three: u32,
    /// Offered a program on their list.
    pub any_choice: u32,
    /// Offered only their guaranteed seat at a program they did not rank.
    pub guaranteed_only: u32,
    /// Offered nothing.
    pub unassigned: u32,
}

impl Rates {
    fn add(&mut self, rank: Option<Option<u32>>) {
        self.students += 1;
        match rank {
            Some(Some(r)) => {
                self.any_choice += 1;
                if r == 0 {
                    self.first_choice += 1;
                }
                if r < 3 {
                    self.top_three += 1;
                }
            }
            Some(None) => self.guaranteed_only += 1,
            None => self.unassigned += 1,
        }
    }

    /// A count as a share of the students, or `None` when there are none.
    pub fn share(&self, count: u32) -> Option<f64> {
        (self.students > 0).then(|| count as f64 / self.students as f64)
    }
}

/// Demand for one program.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgramDemand {
    /// The program id.
    pub program_id: String,
    /// Seats.
    pub capacity: u32,
    /// Seats offered.
    pub offered: u32,
    /// Students who ranked it first.
    pub first_choice_applicants: u32,
    /// Students who ranked it anywhere.
    pub applicants: u32,
    /// First-choice applicants per seat (none without seats).
    pub first_choice_per_seat: Option<f64>,
    /// Applicants per seat (none without seats).
    pub applicants_per_seat: Option<f64>,
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Every student who took part.
    pub overall: Rates,
    /// By the priority group at the student's first choice.
    pub by_priority_group: BTreeMap<u32, Rates>,
    /// By student group (a student in two groups counts in both).
    pub by_student_group: BTreeMap<String, Rates>,
    /// By planning area.
    pub by_planning_area: BTreeMap<String, Rates>,
    /// By grade.
    pub by_grade: BTreeMap<String, Rates>,
    /// Demand per program, in program id order.
    pub programs: Vec<ProgramDemand>,
}

/// Summarises a run. Student groups and planning areas come from `attributes`, which are kept
/// apart from the market (pass [`Attributes::none`] when they are unknown).
pub fn summarize(run: &Run<'_>, attributes: &Attributes) -> Summary {
    let market = run.market;
    let mut summary = Summary {
        overall: Rates::default(),
        by_priority_group: BTreeMap::new(),
        by_student_group: BTreeMap::new(),
        by_planning_area: BTreeMap::new(),
        by_grade: BTreeMap::new(),
        programs: Vec::new(),
    };
    let mut first = vec![0u32; market.programs.len()];
    let mut anywhere = vec![0u32; market.programs.len()];
    let mut offered = vec![0u32; market.programs.len()];

    for s in 0..market.student_count() as StudentIdx {
        if !run.takes_part(s) {
            continue;
        }
        let student = &market.students[s as usize];
        let attrs = attributes.get(s);
        let result = run.offer(s).map(|o| o.rank);
        if let Some(offer) = run.offer(s) {
            offered[offer.program as usize] += 1;
        }
        summary.overall.add(result);
        if market.list_len(s) > 0 {
            let priority = market.choice(s, 0).priority;
            summary
                .by_priority_group
                .entry(priority)
                .or_default()
                .add(result);
        }
        for group in &attrs.groups {
            summary
                .by_student_group
                .entry(group.clone())
                .or_default()
                .add(result);
        }
        if let Some(area) = &attrs.planning_area {
            summary
                .by_planning_area
                .entry(area.clone())
                .or_default()
                .add(result);
        }
        if let Some(grade) = &student.grade {
            summary
                .by_grade
                .entry(grade.clone())
                .or_default()
                .add(result);
        }
        for (r, &p) in market.list(s).iter().enumerate() {
            anywhere[p as usize] += 1;
            if r == 0 {
                first[p as usize] += 1;
            }
        }
    }

    summary.programs = market
        .programs
        .iter()
        .enumerate()
        .map(|(p, program)| {
            let per_seat =
                |n: u32| (program.capacity > 0).then(|| n as f64 / program.capacity as f64);
            ProgramDemand {
                program_id: program.id.clone(),
                capacity: program.capacity,
                offered: offered[p],
                first_choice_applicants: first[p],
                applicants: anywhere[p],
                first_choice_per_seat: per_seat(first[p]),
                applicants_per_seat: per_seat(anywhere[p]),
            }
        })
        .collect();
    summary
}
