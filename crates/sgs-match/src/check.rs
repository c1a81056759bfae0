//! Invariant checks re-run on a result: every offer on the student's list and open to her,
//! no seat block over capacity, no wasted seat and no justified envy. The run record carries
//! them, `sgs match verify` prints them, and the tests assert them.

use serde::{Deserialize, Serialize};

use crate::market::StudentIdx;
use crate::run::Run;

/// The result of the checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checks {
    /// No seat block holds more students than its seats (guaranteed students placed over
    /// capacity aside, which are counted in [`Checks::forced`]).
    pub capacity_respected: bool,
    /// Every offer is a program on the student's list (or her guarantee) that is open to her.
    pub offers_on_lists: bool,
    /// No student prefers a program with a free seat she could take.
    pub no_wasted_seats: bool,
    /// No student prefers a program that admitted someone she outranks there.
    pub no_justified_envy: bool,
    /// Guaranteed students placed over capacity.
    pub forced: u32,
    /// The first problems found, in words (at most ten).
    pub problems: Vec<String>,
}

impl Checks {
    /// Whether every check passed.
    pub fn all_passed(&self) -> bool {
        self.capacity_respected
            && self.offers_on_lists
            && self.no_wasted_seats
            && self.no_justified_envy
    }
}

/// Checks a run.
pub fn check(run: &Run<'_>) -> Checks {
    let market = run.market;
    let mut checks = Checks {
        capacity_respected: true,
        offers_on_lists: true,
        no_wasted_seats: true,
        no_justified_envy: true,
        forced: run.outcome.forced,
        problems: Vec::new(),
    };
    let note = |problems: &mut Vec<String>, text: String| {
        if problems.len() < 10 {
            problems.push(text);
        }
    };

    let mut held = vec![0u32; market.buckets.len()];
    let mut worst: Vec<Option<crate::engine::Key>> = vec![None; market.buckets.len()];
    for s in 0..market.student_count() as StudentIdx {
        let Some(offer) = run.offer(s) else { continue };
        let entry = run.offer_entry(s).expect("an offer has an entry");
        if run.program_at(s, entry) != offer.program || !market.grade_allows(s, offer.program) {
            checks.offers_on_lists = false;
            note(
                &mut checks.problems,
                format!(
                    "student {} holds a program not on her list",
                    market.students[s as usize].id
                ),
            );
        }
        if let Some(b) = offer.bucket {
            held[b as usize] += 1;
            let key = run.key(s, entry, b);
            if worst[b as usize].is_none_or(|w| key > w) {
                worst[b as usize] = Some(key);
            }
        }
    }
    for (b, bucket) in market.buckets.iter().enumerate() {
        if held[b] > bucket.capacity {
            checks.capacity_respected = false;
            note(
                &mut checks.problems,
                format!(
                    "program {} holds {} students in a block of {} seats",
                    market.programs[bucket.program as usize].id, held[b], bucket.capacity
                ),
            );
        }
    }

    for s in 0..market.student_count() as StudentIdx {
        if !run.takes_part(s) {
            continue;
        }
        let above = run.offer_entry(s).unwrap_or(run.entries(s));
        for e in 0..above {
            let p = run.program_at(s, e);
            if !market.grade_allows(s, p) {
                continue;
            }
            for b in market.program_buckets(p) {
                if !run.may_enter(s, e, b) {
                    continue;
                }
                let capacity = market.buckets[b as usize].capacity;
                if held[b as usize] < capacity {
                    checks.no_wasted_seats = false;
                    note(
                        &mut checks.problems,
                        format!(
                            "student {} wanted program {}, which kept a seat free",
                            market.students[s as usize].id, market.programs[p as usize].id
                        ),
                    );
                } else if worst[b as usize].is_some_and(|w| run.key(s, e, b) < w) {
                    checks.no_justified_envy = false;
                    note(
                        &mut checks.problems,
                        format!(
                            "student {} outranks someone admitted to program {}",
                            market.students[s as usize].id, market.programs[p as usize].id
                        ),
                    );
                }
            }
        }
    }
    checks
}
