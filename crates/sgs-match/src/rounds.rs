//! After the first offers: families accept or decline, seats freed by declines move down the
//! waitlists, and a second round places late and unmatched applicants without taking any
//! first-round offer away.
//!
//! Both steps re-run the same deferred acceptance with the same seed (so every lottery number
//! stays what families were told), with decliners withdrawn and every kept offer turned into a
//! guaranteed seat. Because a program's order never changes between runs, a seat can only move
//! to the next student in that order: nobody with a lower place passes one with a higher place,
//! and late applications come after on-time ones of the same priority group.

use std::collections::BTreeMap;

use crate::engine::RunChanges;
use crate::market::{Market, StudentIdx};
use crate::policy::PolicyError;
use crate::run::{run_with, Run};

/// A family's answer to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// Keeps the offer (and stays on the waitlists of programs ranked above it).
    Accept,
    /// Gives the seat up and leaves the match.
    Decline,
}

/// The changes for a run that keeps the kept offers of `previous` (by student and program id)
/// as guarantees in `market` and withdraws decliners and earlier withdrawals.
fn keep_offers(
    previous: &Run<'_>,
    market: &Market,
    responses: &BTreeMap<String, Response>,
) -> RunChanges {
    let before = previous.market;
    let mut changes = RunChanges::default();
    for s in 0..before.student_count() as StudentIdx {
        let id = &before.students[s as usize].id;
        let Some(now) = market.find_student(id) else {
            continue;
        };
        let declined = responses.get(id) == Some(&Response::Decline);
        if !previous.takes_part(s) || declined {
            changes.withdrawn.insert(now);
            continue;
        }
        if let Some(offer) = previous.offer(s) {
            let program = &before.programs[offer.program as usize].id;
            if let Some(p) = market.find_program(program) {
                changes.guarantees.insert(now, p);
            }
        }
    }
    changes
}

/// Moves the waitlists after families respond: decliners leave, everyone else keeps her offer
/// as a guaranteed fallback and may move up to a program she ranked higher.
pub fn after_responses<'m>(
    previous: &Run<'m>,
    responses: &BTreeMap<String, Response>,
) -> Result<Run<'m>, PolicyError> {
    let changes = keep_offers(previous, previous.market, responses);
    run_with(previous.market, &previous.policy, previous.seed, &changes)
}

/// A second round on `market` (the first round's applications plus late ones, marked `late`,
/// and any lists unmatched students changed): first-round offers that were not declined are
/// kept as guarantees, so nobody loses one; the same seed keeps every lottery number.
pub fn second_round<'m>(
    first: &Run<'_>,
    market: &'m Market,
    responses: &BTreeMap<String, Response>,
) -> Result<Run<'m>, PolicyError> {
    let changes = keep_offers(first, market, responses);
    run_with(market, &first.policy, first.seed, &changes)
}
