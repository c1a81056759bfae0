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
//!
//! **A whole list.** Under deferred acceptance a new applicant is offered the first program on
//! her list whose cutoff she clears, so the simulation also keeps, for every redraw, the share
//! of lottery numbers that clear each program's cutoff for each priority group (a
//! [`ListModel`]). With single tie-breaking she draws one number `u` for every program: in a
//! redraw where the programs on her list let through the shares `t1, t2, …`, she is offered
//! choice `k` when `u < tk` and `u` clears none of the choices above it, which has probability
//! `max(0, tk − max(t1 … tk−1))`, and some choice with probability `max(t1 … tn)`. With multiple
//! tie-breaking her numbers differ per program and the chances multiply:
//! `tk · (1 − t1) ⋯ (1 − tk−1)`. One applicant more barely moves the cutoffs of a district's
//! whole season, which is what makes this an estimate rather than an exact answer. Under
//! immediate acceptance she applies to her `k`-th choice in round `k`, for the seats earlier
//! rounds left, against that round's applicants only, so the model keeps one share per program,
//! group and round, and choice `k` is read at round `k`; the formulas are the same.

use serde::{Deserialize, Serialize};

use crate::engine::{Key, RunChanges};
use crate::lottery::{fraction, Seed};
use crate::market::{Market, ProgramIdx};
use crate::policy::{Mechanism, Policy, PolicyError, TieBreaking};
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
    /// Per redraw, what each program lets through, for estimates of whole lists. Not part of
    /// the report's JSON: it is large, and [`ListModel`] serializes itself.
    #[serde(skip)]
    pub lists: ListModel,
}

/// One redraw's numbers: chance per (program, group slot), then the three shares.
struct Draw {
    chances: Vec<f64>,
    /// Per program and per group of [`ListModel::groups`], quantized.
    thresholds: Vec<u16>,
    first: f64,
    top_three: f64,
    unassigned: f64,
}

/// The chance an on-time applicant of `group` in no reserve category clears a program's
/// cutoffs in one run, ranking it first. Under deferred acceptance that is the end-of-run
/// cutoff; under immediate acceptance a first choice is decided in round 1, so it is the
/// cutoff of round 1 (the seats left after round 1 are open to her too).
fn clears(run: &Run<'_>, program: ProgramIdx, group: u32) -> f64 {
    clears_in_round(run, program, group, 0)
}

/// [`clears`] for a program she ranks in place `round` (0 is first): under immediate
/// acceptance she applies to it in that round, for the seats earlier rounds left, against that
/// round's applicants; under deferred acceptance the place does not matter.
fn clears_in_round(run: &Run<'_>, program: ProgramIdx, group: u32, round: u32) -> f64 {
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
        let against = |last: Option<Key>| match last {
            None => 0.0,
            Some(last) => beyond(last, group, bucket.category.is_some()),
        };
        let chance = if immediate {
            let rounds = &run.outcome.rounds[b as usize];
            match rounds.iter().find(|c| c.round == round) {
                Some(here) if here.seats_after > 0 => 1.0,
                Some(here) => against(here.last),
                // Nobody applied in that round: the seats earlier rounds left are hers.
                None => {
                    let left = rounds
                        .iter()
                        .rev()
                        .find(|c| c.round < round)
                        .map_or(bucket.capacity, |c| c.seats_after);
                    if left > 0 {
                        1.0
                    } else {
                        0.0
                    }
                }
            }
        } else {
            let result = run.outcome.blocks[b as usize];
            if result.filled < bucket.capacity {
                1.0
            } else {
                against(result.last)
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

    // Every group a family could be in: those in the data and those the policy names.
    let mut all_groups: Vec<u32> = groups
        .iter()
        .flatten()
        .map(|&(g, _)| g)
        .chain(policy.priority_groups.keys().copied())
        .collect();
    all_groups.sort_unstable();
    all_groups.dedup();
    // Under immediate acceptance a program's cutoff depends on the round she ranks it in: one
    // share per round up to the longest list, and one more for any later round (when nobody
    // applies any more).
    let longest_list = (0..market.student_count() as u32)
        .map(|s| market.list_len(s))
        .max()
        .unwrap_or(0);
    let rounds = match policy.mechanism {
        Mechanism::DeferredAcceptance => 1,
        Mechanism::ImmediateAcceptance => longest_list + 1,
    };

    let one = |i: u32| -> Result<Draw, PolicyError> {
        let run = run_threads(market, policy, seed.redraw(i), &RunChanges::default(), 1)?;
        let chances = slots.iter().map(|&(p, g)| clears(&run, p, g)).collect();
        let thresholds = (0..market.programs.len() as ProgramIdx)
            .flat_map(|p| all_groups.iter().map(move |&g| (p, g)))
            .flat_map(|(p, g)| (0..rounds).map(move |r| (p, g, r)))
            .map(|(p, g, r)| quantize(clears_in_round(&run, p, g, r)))
            .collect();
        let summary = summarize(&run, &crate::attributes::Attributes::none());
        let share = |n: u32| summary.overall.share(n).unwrap_or(0.0);
        Ok(Draw {
            chances,
            thresholds,
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
    let lists = ListModel {
        mechanism: policy.mechanism,
        tie_breaking: policy.tie_breaking,
        programs: market.programs.iter().map(|p| p.id.clone()).collect(),
        score_based: market
            .programs
            .iter()
            .zip(&scored)
            .filter(|(_, &s)| s)
            .map(|(p, _)| p.id.clone())
            .collect(),
        groups: all_groups,
        longest_list,
        rounds,
        redraws,
        thresholds: draws
            .iter()
            .flat_map(|(_, d)| d.thresholds.iter().copied())
            .collect(),
    };
    Ok(ChanceReport {
        redraws,
        seed,
        first_choice: column(&|d| d.first),
        top_three: column(&|d| d.top_three),
        unassigned: column(&|d| d.unassigned),
        programs,
        lists,
    })
}

/// A share between 0 and 1 in 16 bits; 0 and 1 stay exact.
fn quantize(share: f64) -> u16 {
    (share.clamp(0.0, 1.0) * f64::from(u16::MAX)).round() as u16
}

/// What every program let through in every redraw, per priority group: enough to estimate the
/// chances of any list a family could make (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListModel {
    /// The mechanism simulated; estimates exist only for deferred acceptance.
    pub mechanism: Mechanism,
    /// How lottery numbers were drawn.
    pub tie_breaking: TieBreaking,
    /// Program ids, in the market's order.
    pub programs: Vec<String>,
    /// Programs that order applicants by score, where the lottery alone gives no chance.
    pub score_based: Vec<String>,
    /// Priority groups, best first.
    pub groups: Vec<u32>,
    /// The longest list in the applications simulated.
    pub longest_list: u32,
    /// Shares kept per program and group: 1 under deferred acceptance, one per round under
    /// immediate acceptance (the last standing for every later round).
    #[serde(default = "one_round")]
    pub rounds: u32,
    /// Redraws kept.
    pub redraws: u32,
    /// Per redraw, program, group and round, the share that clears, in units of 1/65535,
    /// written as four hex digits each.
    #[serde(with = "hex_shares")]
    thresholds: Vec<u16>,
}

/// A list's chances, choice by choice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListChance {
    /// Per choice, the chance of being offered that one.
    pub at: Vec<Band>,
    /// The chance of an offer from some choice on the list.
    pub any: Band,
    /// The chance of no offer from the list.
    pub none: Band,
}

/// A list that cannot be estimated; choices are numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    /// No choice given.
    #[error("the list is empty: rank at least one program")]
    Empty,
    /// A program the simulation does not know.
    #[error("choice {choice}: program {program:?} is not in this season's applications")]
    UnknownProgram {
        /// The choice.
        choice: usize,
        /// The program id given.
        program: String,
    },
    /// A priority group the simulation does not know.
    #[error("choice {choice}: priority group {group} is not one of this season's groups")]
    UnknownGroup {
        /// The choice.
        choice: usize,
        /// The group given.
        group: u32,
    },
    /// The same program twice.
    #[error("choice {choice} repeats choice {first}: rank each program once")]
    Repeated {
        /// The choice.
        choice: usize,
        /// Where the program first appears.
        first: usize,
    },
    /// A program that orders applicants by score.
    #[error("choice {choice}: program {program:?} orders applicants by score, so the lottery alone gives no chance")]
    ScoreBased {
        /// The choice.
        choice: usize,
        /// The program id.
        program: String,
    },
    /// A stored model whose shares do not match its redraws, programs and groups.
    #[error("the stored estimate is damaged: its shares do not match its redraws, programs and groups; compute the chances again")]
    Inconsistent,
}

impl ListModel {
    /// The model with only its first `redraws` redraws, to store less.
    pub fn keep(&self, redraws: u32) -> ListModel {
        let kept = self.redraws.min(redraws);
        let per_redraw = self.per_redraw();
        ListModel {
            redraws: kept,
            thresholds: self.thresholds[..kept as usize * per_redraw].to_vec(),
            ..self.clone()
        }
    }

    /// The chances of a list of `(program id, priority group)`, first choice first, for an
    /// on-time applicant in no reserve category.
    pub fn chances(&self, list: &[(&str, u32)]) -> Result<ListChance, ListError> {
        if list.is_empty() {
            return Err(ListError::Empty);
        }
        let per_redraw = self.per_redraw();
        if self.thresholds.len() != self.redraws as usize * per_redraw {
            return Err(ListError::Inconsistent);
        }
        let mut columns = Vec::with_capacity(list.len());
        for (k, &(program, group)) in list.iter().enumerate() {
            let choice = k + 1;
            if let Some(first) = list[..k].iter().position(|(p, _)| *p == program) {
                return Err(ListError::Repeated {
                    choice,
                    first: first + 1,
                });
            }
            let Some(p) = self.programs.iter().position(|id| id == program) else {
                return Err(ListError::UnknownProgram {
                    choice,
                    program: program.to_string(),
                });
            };
            if self.score_based.iter().any(|id| id == program) {
                return Err(ListError::ScoreBased {
                    choice,
                    program: program.to_string(),
                });
            }
            let Some(g) = self.groups.iter().position(|&x| x == group) else {
                return Err(ListError::UnknownGroup { choice, group });
            };
            let round = (k as u32).min(self.rounds.max(1) - 1) as usize;
            columns.push((p * self.groups.len() + g) * self.rounds.max(1) as usize + round);
        }
        let mut at: Vec<Vec<f64>> = vec![Vec::with_capacity(self.redraws as usize); list.len()];
        let mut any = Vec::with_capacity(self.redraws as usize);
        for r in 0..self.redraws as usize {
            let shares = &self.thresholds[r * per_redraw..(r + 1) * per_redraw];
            let share = |column: usize| f64::from(shares[column]) / f64::from(u16::MAX);
            match self.tie_breaking {
                TieBreaking::Single => {
                    let mut cleared = 0.0f64;
                    for (k, &column) in columns.iter().enumerate() {
                        let t = share(column);
                        at[k].push((t - cleared).max(0.0));
                        cleared = cleared.max(t);
                    }
                    any.push(cleared);
                }
                TieBreaking::Multiple => {
                    let mut missed = 1.0f64;
                    for (k, &column) in columns.iter().enumerate() {
                        let t = share(column);
                        at[k].push(missed * t);
                        missed *= 1.0 - t;
                    }
                    any.push(1.0 - missed);
                }
            }
        }
        let mut none: Vec<f64> = any.iter().map(|a| 1.0 - a).collect();
        Ok(ListChance {
            at: at.iter_mut().map(|values| Band::of(values)).collect(),
            any: Band::of(&mut any),
            none: Band::of(&mut none),
        })
    }
}

fn one_round() -> u32 {
    1
}

impl ListModel {
    /// Shares per redraw.
    fn per_redraw(&self) -> usize {
        self.programs.len() * self.groups.len() * self.rounds.max(1) as usize
    }

    /// The most redraws that keep at most `values` shares.
    pub fn redraws_within(&self, values: usize) -> u32 {
        (values / self.per_redraw().max(1)).min(u32::MAX as usize) as u32
    }
}

/// [`ListModel`]'s shares as one string of four hex digits per share.
mod hex_shares {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(shares: &[u16], serializer: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = shares.iter().flat_map(|s| s.to_be_bytes()).collect();
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u16>, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = hex::decode(&text).map_err(serde::de::Error::custom)?;
        if bytes.len() % 2 != 0 {
            return Err(serde::de::Error::custom("shares take four hex digits each"));
        }
        Ok(bytes
            .chunks_exact(2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .collect())
    }
}
