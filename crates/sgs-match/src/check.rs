//! Invariant checks re-run on a result: every offer on the student's list and open to her, no
//! seat block over capacity, no wasted seat, no justified envy (by full keys, and by priority
//! alone), and sibling priorities backed by a sibling's offer. The run record carries them,
//! [`crate::verify::verify`] re-runs them, and the tests assert them.
//!
//! Which checks must pass depends on the policy ([`Guarantees::of`]): deferred acceptance
//! guarantees all of them; immediate acceptance ("Boston") guarantees capacities, offers on
//! lists and no wasted seat, but not the absence of justified envy (a student who ranked a
//! program first can keep a seat that a higher-priority student who ranked it second wanted);
//! stable improvement cycles keep stability with respect to priority groups and scores, but
//! let students in the same group pass each other regardless of the lottery. Checks a policy
//! does not guarantee are still computed and reported, but a failure there is no problem.

use serde::{Deserialize, Serialize};

use crate::engine::{families, sibling_boosts, Key};
use crate::market::StudentIdx;
use crate::policy::{Mechanism, Policy};
use crate::run::Run;

/// The checks a policy's mechanism guarantees, so a verifier knows which must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guarantees {
    /// No seat block over capacity.
    pub capacity_respected: bool,
    /// Every offer on the student's list.
    pub offers_on_lists: bool,
    /// No wasted seat.
    pub no_wasted_seats: bool,
    /// No justified envy with full keys (priority, score, lottery, id): stability.
    pub no_justified_envy: bool,
    /// No justified envy by priority group and score alone (the lottery ignored).
    pub no_priority_envy: bool,
    /// Every sibling priority given is backed by a sibling's offer at that school.
    pub sibling_priorities_backed: bool,
}

impl Guarantees {
    /// What `policy` guarantees.
    pub fn of(policy: &Policy) -> Self {
        let da = policy.mechanism == Mechanism::DeferredAcceptance;
        Guarantees {
            capacity_respected: true,
            offers_on_lists: true,
            no_wasted_seats: true,
            no_justified_envy: da && !policy.improvement_cycles,
            no_priority_envy: da,
            sibling_priorities_backed: true,
        }
    }
}

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
    /// No student prefers a program that admitted someone she outranks there (by priority,
    /// score, lottery number and id, with any sibling priority the run gave).
    pub no_justified_envy: bool,
    /// The same, comparing priority group, lateness and score only.
    pub no_priority_envy: bool,
    /// Every sibling priority the linked-sibling rule gave is backed by a sibling's offer.
    pub sibling_priorities_backed: bool,
    /// Pairs (student, seat block) with justified envy by full keys: a measure for
    /// mechanisms that allow it.
    pub envy_pairs: u32,
    /// Guaranteed students placed over capacity.
    pub forced: u32,
    /// What the policy guarantees: the checks that must pass.
    pub expected: Guarantees,
    /// The first failures of expected checks, in words (at most ten).
    pub problems: Vec<String>,
}

impl Checks {
    /// Whether every check the policy guarantees passed.
    pub fn passed(&self) -> bool {
        let e = &self.expected;
        (self.capacity_respected || !e.capacity_respected)
            && (self.offers_on_lists || !e.offers_on_lists)
            && (self.no_wasted_seats || !e.no_wasted_seats)
            && (self.no_justified_envy || !e.no_justified_envy)
            && (self.no_priority_envy || !e.no_priority_envy)
            && (self.sibling_priorities_backed || !e.sibling_priorities_backed)
    }

    /// Whether every check passed, guaranteed or not.
    pub fn all_passed(&self) -> bool {
        self.capacity_respected
            && self.offers_on_lists
            && self.no_wasted_seats
            && self.no_justified_envy
            && self.no_priority_envy
            && self.sibling_priorities_backed
    }
}

/// Checks a run.
pub fn check(run: &Run<'_>) -> Checks {
    let market = run.market;
    let expected = Guarantees::of(&run.policy);
    let mut checks = Checks {
        capacity_respected: true,
        offers_on_lists: true,
        no_wasted_seats: true,
        no_justified_envy: true,
        no_priority_envy: true,
        sibling_priorities_backed: true,
        envy_pairs: 0,
        forced: run.outcome.forced,
        expected,
        problems: Vec::new(),
    };
    let note = |problems: &mut Vec<String>, wanted: bool, text: String| {
        if wanted && problems.len() < 10 {
            problems.push(text);
        }
    };
    let sid = |s: StudentIdx| market.students[s as usize].id.as_str();

    let mut held = vec![0u32; market.buckets.len()];
    let mut worst: Vec<Option<Key>> = vec![None; market.buckets.len()];
    let mut worst_weak: Vec<Option<(u64, u64)>> = vec![None; market.buckets.len()];
    for s in 0..market.student_count() as StudentIdx {
        let Some(offer) = run.offer(s) else { continue };
        let entry = run.offer_entry(s).expect("an offer has an entry");
        if run.program_at(s, entry) != offer.program || !market.grade_allows(s, offer.program) {
            checks.offers_on_lists = false;
            note(
                &mut checks.problems,
                expected.offers_on_lists,
                format!("student {} holds a program not on her list", sid(s)),
            );
        }
        if let Some(b) = offer.bucket {
            held[b as usize] += 1;
            let key = run.key(s, entry, b);
            if worst[b as usize].is_none_or(|w| key > w) {
                worst[b as usize] = Some(key);
            }
            if worst_weak[b as usize].is_none_or(|w| key.weak() > w) {
                worst_weak[b as usize] = Some(key.weak());
            }
        }
    }
    for (b, bucket) in market.buckets.iter().enumerate() {
        if held[b] > bucket.capacity {
            checks.capacity_respected = false;
            note(
                &mut checks.problems,
                expected.capacity_respected,
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
            let program = &market.programs[p as usize].id;
            for b in market.program_buckets(p) {
                if !run.may_enter(s, e, b) {
                    continue;
                }
                let capacity = market.buckets[b as usize].capacity;
                let key = run.key(s, e, b);
                if held[b as usize] < capacity {
                    checks.no_wasted_seats = false;
                    note(
                        &mut checks.problems,
                        expected.no_wasted_seats,
                        format!(
                            "student {} wanted program {program}, which kept a seat free",
                            sid(s)
                        ),
                    );
                    continue;
                }
                if worst[b as usize].is_some_and(|w| key < w) {
                    checks.no_justified_envy = false;
                    checks.envy_pairs += 1;
                    note(
                        &mut checks.problems,
                        expected.no_justified_envy,
                        format!(
                            "student {} outranks someone admitted to program {program}",
                            sid(s)
                        ),
                    );
                }
                if worst_weak[b as usize].is_some_and(|w| key.weak() < w) {
                    checks.no_priority_envy = false;
                    note(
                        &mut checks.problems,
                        expected.no_priority_envy,
                        format!(
                            "student {} has a better priority than someone admitted to program {program}",
                            sid(s)
                        ),
                    );
                }
            }
        }
    }

    let given = run.sibling_priorities();
    if !given.is_empty() {
        let backed = sibling_boosts(&run.prep, &families(market), &run.outcome);
        for pair in given {
            if backed.binary_search(pair).is_err() {
                checks.sibling_priorities_backed = false;
                note(
                    &mut checks.problems,
                    expected.sibling_priorities_backed,
                    format!(
                        "student {} kept sibling priority at program {} where no sibling holds an offer",
                        sid(pair.0),
                        market.programs[pair.1 as usize].id
                    ),
                );
            }
        }
    }
    checks
}
