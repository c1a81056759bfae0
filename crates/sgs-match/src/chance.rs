//! Chance of an offer: the lottery redrawn many times over the same applications (last year's,
//! or this year's before the run) to estimate, for each program and priority group, how likely
//! an applicant is to be offered a seat if she ranks the program first, with the spread across
//! redraws so that staff compare policies with uncertainty bands instead of one draw.
//!
//! In each redraw a program's cutoff decides the chance of a new applicant of group `g` (on
//! time, in no reserve category): certain when the program has a free seat or its last seat
//! went to a worse group, none when it went to a better one, and in the cutoff's own group the
//! share of lottery numbers below the cutoff's number. The estimate is the mean over redraws;
//! the band is the 5th to 95th percentile. Redraw `i` uses the seed `Seed::redraw(i)` of the
//! base seed, so every estimate can be reproduced.

use serde::Serialize;

use crate::engine::{Key, RunChanges};
use crate::lottery::{fraction, Seed};
use crate::market::{Market, ProgramIdx};
use crate::policy::{Mechanism, Policy, PolicyError};
use crate::run::{run_threads, Run};
use crate::stats::summarize;

/// A mean with its 5th and 95th percentiles across redraws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    /// Mean over redraws.
    pub mean: f64,
    /// 5th percentile.
    pub low: f64,
    /// 95th percentile.
    pub high: f64,
}

impl Band {
    fn of(values: &mut [f64]) -> Band {
        if values.is_empty() {
            return Band {
                mean: 0.0,
                low: 0.0,
                high: 0.0,
            };
        }
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
        Band {
            mean,
            low: at(0.05),
            high: at(0.95),
        }
    }
}

/// The chance of one priority group at one program.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChance {
    /// The priority group.
    pub priority: u32,
    /// Students in this group who ranked the program (in the data).
    pub applicants: u32,
    /// Chance of an offer when ranking the program first.
    pub chance: Band,
}

/// The chances at one program.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgramChance {
    /// The program id.
    pub program_id: String,
    /// Its seats.
    pub capacity: u32,
    /// The program orders applicants by score, so the lottery alone does not give a chance.
    pub score_based: bool,
    /// Per priority group that applied, best group first.
    pub groups: Vec<GroupChance>,
}

/// The whole simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChanceReport {
    /// Redraws made.
    pub redraws: u32,
    /// The base seed.
    pub seed: Seed,
    /// Share of students offered their first choice.
    pub first_choice: Band,
    /// Share offered a top-three choice.
    pub top_three: Band,
    /// Share offered nothing.
    pub unassigned: Band,
    /// Per program.
    pub programs: Vec<ProgramChance>,
}

/// One redraw's numbers: chance per (program, group slot), then the three shares.
struct Draw {
    chances: Vec<f64>,
    first: f64,
    top_three: f64,
    unassigned: f64,
}

/// The chance an on-time applicant of `group` in no reserve category clears a program's
/// cutoffs in one run, ranking it first. Under deferred acceptance that is the end-of-run
/// cutoff; under immediate acceptance a first choice is decided in round 1, so it is the
/// cutoff of round 1 (the seats left after round 1 are open to her too).
fn clears(run: &Run<'_>, program: ProgramIdx, group: u32) -> f64 {
    let immediate = run.policy.mechanism == Mechanism::ImmediateAcceptance;
    let market = run.market;
    let mut best: f64 = 0.0;
    for b in market.program_buckets(program) {
        let bucket = &market.buckets[b as usize];
        if bucket.category.is_some() && bucket.eligible_only {
            continue;
        }
        if bucket.capacity == 0 {
            continue;
        }
        let chance = if immediate {
            match run.outcome.rounds[b as usize].iter().find(|c| c.round == 0) {
                // Nobody applied in round 1: every seat was still free.
                None => 1.0,
                Some(first) if first.seats_after > 0 => 1.0,
                Some(first) => match first.last {
                    None => 0.0,
                    Some(last) => beyond(last, group, bucket.category.is_some()),
                },
            }
        } else {
            let result = run.outcome.blocks[b as usize];
            if result.filled < bucket.capacity {
                1.0
            } else {
                match result.last {
                    None => 0.0,
                    Some(last) => beyond(last, group, bucket.category.is_some()),
                }
            }
        };
        best = best.max(chance);
    }
    best
}

/// The chance of a new applicant against a full block's last key.
fn beyond(last: Key, group: u32, reserve_block: bool) -> f64 {
    if last.guaranteed() || (reserve_block && !last.ineligible()) {
        return 0.0;
    }
    if group != last.priority() {
        return if group < last.priority() { 1.0 } else { 0.0 };
    }
    if last.late() {
        return 1.0;
    }
    fraction(last.lottery)
}

/// Runs `redraws` redraws on up to `threads` threads and aggregates them.
pub fn chance_of_offer(
    market: &Market,
    policy: &Policy,
    seed: Seed,
    redraws: u32,
    threads: usize,
) -> Result<ChanceReport, PolicyError> {
    policy.check(market)?;
    // The priority groups that applied to each program, and how many.
    let mut groups: Vec<Vec<(u32, u32)>> = vec![Vec::new(); market.programs.len()];
    let mut scored = vec![false; market.programs.len()];
    for s in 0..market.student_count() as u32 {
        for r in 0..market.list_len(s) {
            let choice = market.choice(s, r);
            let list = &mut groups[choice.program as usize];
            match list.iter_mut().find(|(g, _)| *g == choice.priority) {
                Some(entry) => entry.1 += 1,
                None => list.push((choice.priority, 1)),
            }
            scored[choice.program as usize] |= choice.score.is_some();
        }
    }
    for list in &mut groups {
        list.sort_unstable();
    }
    let slots: Vec<(ProgramIdx, u32)> = groups
        .iter()
        .enumerate()
        .flat_map(|(p, list)| list.iter().map(move |&(g, _)| (p as ProgramIdx, g)))
        .collect();

    let one = |i: u32| -> Result<Draw, PolicyError> {
        let run = run_threads(market, policy, seed.redraw(i), &RunChanges::default(), 1)?;
        let chances = slots.iter().map(|&(p, g)| clears(&run, p, g)).collect();
        let summary = summarize(&run, &crate::attributes::Attributes::none());
        let share = |n: u32| summary.overall.share(n).unwrap_or(0.0);
        Ok(Draw {
            chances,
            first: share(summary.overall.first_choice),
            top_three: share(summary.overall.top_three),
            unassigned: share(summary.overall.unassigned),
        })
    };
    let threads = threads.clamp(1, 64);
    let mut draws: Vec<(u32, Draw)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads as u32)
            .map(|t| {
                let one = &one;
                scope.spawn(move || {
                    (t..redraws)
                        .step_by(threads)
                        .map(|i| one(i).map(|d| (i, d)))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut all = Vec::new();
        for handle in handles {
            all.extend(handle.join().expect("a redraw thread panicked")?);
        }
        Ok::<_, PolicyError>(all)
    })?;
    draws.sort_by_key(|(i, _)| *i);

    let column = |f: &dyn Fn(&Draw) -> f64| -> Band {
        let mut values: Vec<f64> = draws.iter().map(|(_, d)| f(d)).collect();
        Band::of(&mut values)
    };
    let mut programs = Vec::with_capacity(market.programs.len());
    let mut slot = 0;
    for (p, list) in groups.iter().enumerate() {
        let program = &market.programs[p];
        let mut out = Vec::new();
        for &(priority, applicants) in list {
            let at = slot;
            slot += 1;
            out.push(GroupChance {
                priority,
                applicants,
                chance: column(&|d| d.chances[at]),
            });
        }
        programs.push(ProgramChance {
            program_id: program.id.clone(),
            capacity: program.capacity,
            score_based: scored[p],
            groups: out,
        });
    }
    Ok(ChanceReport {
        redraws,
        seed,
        first_choice: column(&|d| d.first),
        top_three: column(&|d| d.top_three),
        unassigned: column(&|d| d.unassigned),
        programs,
    })
}
