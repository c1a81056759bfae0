//! Stable improvement cycles (Erdil and Ergin, 2008): after deferred acceptance with lottery
//! tie-breaking, students who each want the next one's seat and are tied there (not outranked
//! by a priority group or score) swap seats, as long as such a cycle exists.
//!
//! The result stays stable with respect to the priority groups and scores, and every student is
//! weakly better off; but the lottery no longer explains every offer (a student can be passed
//! by one with a worse number in her own group), so this pass is offered for simulation only.
//!
//! A cycle is searched in a graph whose nodes are the students holding a seat: `i` points to
//! the holders of program `p` when `i` prefers `p` to her offer and, among everyone who does
//! (including students without an offer), no one has a better priority group or score at `p`.
//! Students are visited in index order and edges in the order of each student's list, so the
//! cycles chosen, and the result, are deterministic.

use crate::engine::{Offer, Outcome, Prepared};
use crate::market::{ProgramIdx, StudentIdx};

/// Carries out stable improvement cycles until none is left.
pub(crate) fn improve(prep: &Prepared<'_>, outcome: &mut Outcome) {
    let market = prep.market;
    let n = market.student_count();
    let mut changed = vec![false; n];

    while let Some(cycle) = find_cycle(prep, outcome) {
        // Each student in the cycle takes a seat at the program she points to.
        for &(s, p) in &cycle {
            let r = (0..prep.entries(s))
                .find(|&r| prep.program_at(s, r) == p)
                .expect("a student points only at programs on her list");
            let b = market.program_buckets(p).start;
            outcome.offers[s as usize] = Some(Offer {
                program: p,
                rank: (!prep.is_appended(s, r)).then_some(r),
                bucket: Some(b),
                key: prep.key(s, r, b),
            });
            changed[s as usize] = true;
        }
        outcome.cycles += 1;
    }
    outcome.improved = changed.iter().filter(|&&c| c).count() as u32;

    for block in &mut outcome.blocks {
        block.last = None;
    }
    for offer in outcome.offers.iter().flatten() {
        if let Some(b) = offer.bucket {
            let block = &mut outcome.blocks[b as usize];
            if block.last.is_none_or(|k| offer.key > k) {
                block.last = Some(offer.key);
            }
        }
    }
}

/// The rank index a student holds (entries past it are worse), or her entry count.
fn held_rank(prep: &Prepared<'_>, outcome: &Outcome, s: StudentIdx) -> u32 {
    match outcome.offers[s as usize] {
        Some(offer) => offer
            .rank
            .unwrap_or_else(|| prep.entries(s).saturating_sub(1)),
        None => prep.entries(s),
    }
}

/// One stable improvement cycle as `(student, program she moves to)`, if any.
fn find_cycle(prep: &Prepared<'_>, outcome: &Outcome) -> Option<Vec<(StudentIdx, ProgramIdx)>> {
    let market = prep.market;
    let n = market.student_count();
    let programs = market.programs.len();

    // The best weak priority among students who prefer each program to what they hold.
    let mut best: Vec<Option<(u64, u64)>> = vec![None; programs];
    let mut wants: Vec<Vec<(ProgramIdx, (u64, u64))>> = vec![Vec::new(); n];
    for s in 0..n as StudentIdx {
        if prep.withdrawn(s) {
            continue;
        }
        for r in 0..held_rank(prep, outcome, s) {
            if !prep.entry_open(s, r) {
                continue;
            }
            let p = prep.program_at(s, r);
            let weak = prep.key(s, r, market.program_buckets(p).start).weak();
            wants[s as usize].push((p, weak));
            let slot = &mut best[p as usize];
            if slot.is_none_or(|b| weak < b) {
                *slot = Some(weak);
            }
        }
    }
    let mut holders: Vec<Vec<StudentIdx>> = vec![Vec::new(); programs];
    for (s, offer) in outcome.offers.iter().enumerate() {
        if let Some(offer) = offer {
            holders[offer.program as usize].push(s as StudentIdx);
        }
    }
    // Edges: a holder points at the programs where she is in the top class.
    let targets: Vec<Vec<ProgramIdx>> = (0..n)
        .map(|s| {
            if outcome.offers[s].is_none() {
                return Vec::new();
            }
            wants[s]
                .iter()
                .filter(|(p, weak)| best[*p as usize] == Some(*weak))
                .map(|(p, _)| *p)
                .collect()
        })
        .collect();

    // Depth-first search for a cycle; `position` marks students on the current path.
    let mut done = vec![false; n];
    let mut position: Vec<Option<usize>> = vec![None; n];
    for start in 0..n as StudentIdx {
        if done[start as usize] || targets[start as usize].is_empty() {
            continue;
        }
        // Path entries: (student, target index, holder index).
        let mut path: Vec<(StudentIdx, usize, usize)> = vec![(start, 0, 0)];
        position[start as usize] = Some(0);
        while let Some(&mut (s, ref mut t, ref mut h)) = path.last_mut() {
            let ts = &targets[s as usize];
            if *t >= ts.len() {
                done[s as usize] = true;
                position[s as usize] = None;
                path.pop();
                continue;
            }
            let p = ts[*t];
            let hs = &holders[p as usize];
            if *h >= hs.len() {
                *t += 1;
                *h = 0;
                continue;
            }
            let next = hs[*h];
            *h += 1;
            if let Some(at) = position[next as usize] {
                // A cycle: every student from `at` on moves to the program she points at.
                let cycle = path[at..]
                    .iter()
                    .map(|&(s, t, _)| (s, targets[s as usize][t]))
                    .collect();
                return Some(cycle);
            }
            if done[next as usize] || targets[next as usize].is_empty() {
                continue;
            }
            position[next as usize] = Some(path.len());
            path.push((next, 0, 0));
        }
    }
    None
}
