//! The match itself: student-proposing deferred acceptance over seat blocks, immediate
//! acceptance for replaying old policies, stable improvement cycles for simulation, and the
//! linked-sibling heuristic around either mechanism.
//!
//! **How a program chooses.** A program's seats are split into blocks filled in its precedence
//! order (open seats and reserve categories, see [`crate::market`]). A student ranks a program;
//! the engine lets her apply to its blocks one after the other in that order. Each block orders
//! applicants by a [`Key`]: a guaranteed student first, then (in a reserve block) eligible
//! students before others, then priority group (lower first), on-time before late, score
//! (higher first), lottery number (lower first) and last the student id's byte order. Applying
//! to the blocks in precedence order is the same as the program choosing with its precedence
//! choice function (checked against a direct implementation in the property tests).
//!
//! **Guaranteed seats.** A student's guaranteed program is kept as a fallback: her list stops
//! there (or it is appended when she did not rank it), she goes first in its open seats and in
//! reserve blocks she is eligible for, and in the rare case that other guaranteed students fill
//! every seat she is placed over capacity, which the run records as forced.
//!
//! **Invariant:** the result depends only on the market, the policy and the seed: the order in
//! which free students propose changes nothing (deferred acceptance with strict priorities has
//! one student-optimal stable result), and no hash map order leaks into it.

use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use crate::lottery::{program_lottery_number, LotteryHasher, Seed};
use crate::market::{Market, ProgramIdx, StudentIdx};
use crate::policy::{Mechanism, Policy, PolicyError, TieBreaking};

/// How a block orders one applicant: smaller keys go first. See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    head: u64,
    score: u64,
    /// The lottery number used at this program.
    pub lottery: u64,
    /// The student (index in id byte order), the last tie-breaker.
    pub student: StudentIdx,
}

const NOT_GUARANTEED: u64 = 1 << 62;
const INELIGIBLE: u64 = 1 << 61;

impl Key {
    /// A key from its parts.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        guaranteed: bool,
        ineligible: bool,
        priority: u32,
        late: bool,
        score: Option<f64>,
        lottery: u64,
        student: StudentIdx,
    ) -> Self {
        let mut head = ((priority.min(crate::market::MAX_PRIORITY) as u64) << 1) | late as u64;
        if !guaranteed {
            head |= NOT_GUARANTEED;
        }
        if ineligible {
            head |= INELIGIBLE;
        }
        Key {
            head,
            score: score_key(score),
            lottery,
            student,
        }
    }

    /// The key as one number in the same order, when it carries no score: sorting these is
    /// faster than sorting keys.
    pub(crate) fn packed(self) -> Option<u128> {
        (self.score == u64::MAX).then(|| Packed::from_key(self).0)
    }

    /// The key of [`Key::packed`]'s number.
    pub(crate) fn from_packed(packed: u128) -> Key {
        Packed(packed).key()
    }

    /// The student's priority group.
    pub fn priority(&self) -> u32 {
        ((self.head >> 1) & crate::market::MAX_PRIORITY as u64) as u32
    }

    /// A guaranteed student.
    pub fn guaranteed(&self) -> bool {
        self.head & NOT_GUARANTEED == 0
    }

    /// Not eligible for the block's reserve category.
    pub fn ineligible(&self) -> bool {
        self.head & INELIGIBLE != 0
    }

    /// A late application.
    pub fn late(&self) -> bool {
        self.head & 1 == 1
    }

    /// The score, if the choice carried one.
    pub fn score(&self) -> Option<f64> {
        if self.score == u64::MAX {
            return None;
        }
        let ordered = !self.score;
        let bits = if ordered >> 63 == 1 {
            ordered & !(1 << 63)
        } else {
            !ordered
        };
        Some(f64::from_bits(bits))
    }

    /// The key without the lottery and id: the weak priority stable improvement cycles respect.
    pub fn weak(&self) -> (u64, u64) {
        (self.head, self.score)
    }
}

/// A [`Key`] without a score packed into 128 bits that order the same way: the head in the top
/// 32 bits (guarantee, eligibility, priority, lateness), then the lottery number, then the
/// student. Deferred acceptance uses it when no choice carries a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Packed(u128);

/// What a seat block's heap holds.
trait HeapKey: Ord + Copy {
    fn from_key(key: Key) -> Self;
    fn key(self) -> Key;
    fn student(self) -> StudentIdx;
}

impl HeapKey for Key {
    fn from_key(key: Key) -> Self {
        key
    }
    fn key(self) -> Key {
        self
    }
    fn student(self) -> StudentIdx {
        self.student
    }
}

const HEAD_BITS: u64 = (1 << 30) - 1;

impl HeapKey for Packed {
    fn from_key(key: Key) -> Self {
        debug_assert_eq!(key.score, u64::MAX);
        let head =
            ((key.head >> 62) & 1) << 31 | ((key.head >> 61) & 1) << 30 | (key.head & HEAD_BITS);
        Packed((head as u128) << 96 | (key.lottery as u128) << 32 | key.student as u128)
    }
    fn key(self) -> Key {
        let head = (self.0 >> 96) as u64;
        Key {
            head: ((head >> 31) & 1) << 62 | ((head >> 30) & 1) << 61 | (head & HEAD_BITS),
            score: u64::MAX,
            lottery: (self.0 >> 32) as u64,
            student: self.0 as u32,
        }
    }
    fn student(self) -> StudentIdx {
        self.0 as u32
    }
}

/// Maps a score to a key part where a higher score is smaller; no score is largest.
fn score_key(score: Option<f64>) -> u64 {
    match score {
        None => u64::MAX,
        Some(s) => {
            let bits = s.to_bits();
            let ordered = if bits >> 63 == 1 {
                !bits
            } else {
                bits | (1 << 63)
            };
            !ordered
        }
    }
}

/// Changes to the market for one run: students who withdrew and guarantees added (a later
/// round keeps earlier offers as guaranteed seats).
#[derive(Debug, Clone, Default)]
pub struct RunChanges {
    /// Students left out of the run.
    pub withdrawn: BTreeSet<StudentIdx>,
    /// Guaranteed programs that replace the students' own.
    pub guarantees: BTreeMap<StudentIdx, ProgramIdx>,
}

/// Lottery numbers of one run.
#[derive(Debug, Clone)]
pub(crate) struct Lotteries {
    tie_breaking: TieBreaking,
    seed: Seed,
    single: Vec<u64>,
    per_choice: Vec<u64>,
}

/// Markets with at least this many students compute single-tie-breaking numbers on several
/// threads (the numbers do not depend on how the work is split).
const PARALLEL_LOTTERY_FROM: usize = 20_000;

impl Lotteries {
    pub(crate) fn new(market: &Market, policy: &Policy, seed: &Seed, threads: usize) -> Self {
        let family = policy.siblings.family_lottery;
        // Under the family lottery a sibling draws with the family key: the lowest id among
        // the siblings, so the family's number is that sibling's own number.
        fn id_of(s: &crate::market::Student, family: bool) -> &str {
            match (&s.family, family) {
                (Some(f), true) => f.as_str(),
                _ => s.id.as_str(),
            }
        }
        let mut single = Vec::new();
        let mut per_choice = Vec::new();
        let hasher = LotteryHasher::new(seed);
        match policy.tie_breaking {
            TieBreaking::Single => {
                let number = |s: &crate::market::Student| match s.lottery_number {
                    Some(n) => n,
                    None => hasher.student(id_of(s, family)),
                };
                let students = &market.students;
                if threads > 1 && students.len() >= PARALLEL_LOTTERY_FROM {
                    single = vec![0; students.len()];
                    let chunk = students.len().div_ceil(threads);
                    let fill = |out: &mut [u64], part: &[crate::market::Student]| {
                        for (o, s) in out.iter_mut().zip(part) {
                            *o = number(s);
                        }
                    };
                    std::thread::scope(|scope| {
                        let mut chunks = single.chunks_mut(chunk).zip(students.chunks(chunk));
                        // This thread takes the first chunk itself.
                        let (here, here_part) = chunks.next().expect("students.len() > 0");
                        for (out, part) in chunks {
                            let fill = &fill;
                            scope.spawn(move || fill(out, part));
                        }
                        fill(here, here_part);
                    });
                } else {
                    single = students.iter().map(number).collect();
                }
            }
            TieBreaking::Multiple => {
                per_choice = Vec::with_capacity(market.choice_count());
                for (i, s) in market.students.iter().enumerate() {
                    let id = id_of(s, family);
                    for &p in market.list(i as StudentIdx) {
                        per_choice.push(hasher.at_program(&market.programs[p as usize].id, id));
                    }
                }
            }
        }
        Lotteries {
            tie_breaking: policy.tie_breaking,
            seed: *seed,
            single,
            per_choice,
        }
    }

    /// The number of a student at a program; `offset` is the global choice offset when the
    /// program is on her list.
    fn number(
        &self,
        market: &Market,
        student: StudentIdx,
        program: ProgramIdx,
        offset: Option<u32>,
    ) -> u64 {
        match self.tie_breaking {
            TieBreaking::Single => self.single[student as usize],
            TieBreaking::Multiple => match offset {
                Some(at) => self.per_choice[at as usize],
                None => program_lottery_number(
                    &self.seed,
                    &market.programs[program as usize].id,
                    &market.students[student as usize].id,
                ),
            },
        }
    }

    /// The single-tie-breaking number of a student, when there is one.
    pub(crate) fn single(&self, student: StudentIdx) -> Option<u64> {
        self.single.get(student as usize).copied()
    }
}

/// A market prepared for one run: lottery numbers, effective lists and sibling priorities.
#[derive(Debug, Clone)]
pub(crate) struct Prepared<'m> {
    pub market: &'m Market,
    lotteries: Lotteries,
    /// Effective guaranteed program per student.
    guarantee: Vec<Option<ProgramIdx>>,
    /// Listed choices considered (the list stops at a listed guaranteed program).
    considered: Vec<u32>,
    /// Whether the guaranteed program is appended after the list.
    appended: Vec<bool>,
    withdrawn: Vec<bool>,
    late: Vec<bool>,
    /// Sibling priority given at (student, program), sorted.
    boosts: Vec<(StudentIdx, ProgramIdx)>,
    linked_priority: u32,
}

impl<'m> Prepared<'m> {
    pub(crate) fn new(
        market: &'m Market,
        policy: &Policy,
        seed: &Seed,
        changes: &RunChanges,
        threads: usize,
    ) -> Self {
        let n = market.student_count();
        let mut guarantee: Vec<Option<ProgramIdx>> = market
            .students
            .iter()
            .map(|s| s.guaranteed_program)
            .collect();
        for (&s, &p) in &changes.guarantees {
            guarantee[s as usize] = Some(p);
        }
        let mut considered = Vec::with_capacity(n);
        let mut appended = Vec::with_capacity(n);
        for (s, g) in guarantee.iter().enumerate() {
            let len = market.list_len(s as StudentIdx);
            match g.and_then(|p| market.rank_of(s as StudentIdx, p)) {
                Some(r) => {
                    considered.push(r + 1);
                    appended.push(false);
                }
                None => {
                    considered.push(len);
                    appended.push(g.is_some());
                }
            }
        }
        let mut withdrawn = vec![false; n];
        for &s in &changes.withdrawn {
            withdrawn[s as usize] = true;
        }
        Prepared {
            market,
            lotteries: Lotteries::new(market, policy, seed, threads),
            guarantee,
            considered,
            appended,
            withdrawn,
            late: if market.has_late_applications() {
                market.students.iter().map(|s| s.late).collect()
            } else {
                vec![false; n]
            },
            boosts: Vec::new(),
            linked_priority: policy.siblings.linked_priority.unwrap_or(0),
        }
    }

    /// Whether the plain deferred-acceptance path applies: a plain market (see
    /// [`Market::is_plain`]), single tie-breaking, no score, guarantee, withdrawal or sibling
    /// priority.
    pub(crate) fn is_plain(&self) -> bool {
        self.market.is_plain()
            && !self.market.has_scores()
            && self.lotteries.tie_breaking == TieBreaking::Single
            && self.guarantee.iter().all(Option::is_none)
            && !self.withdrawn.iter().any(|&w| w)
            && self.boosts.is_empty()
    }

    /// Entries a student may apply to: considered choices, then the appended guarantee.
    pub(crate) fn entries(&self, s: StudentIdx) -> u32 {
        self.considered[s as usize] + self.appended[s as usize] as u32
    }

    /// Whether rank index `r` is the appended guarantee rather than a listed choice.
    pub(crate) fn is_appended(&self, s: StudentIdx, r: u32) -> bool {
        r >= self.considered[s as usize]
    }

    pub(crate) fn program_at(&self, s: StudentIdx, r: u32) -> ProgramIdx {
        if self.is_appended(s, r) {
            self.guarantee[s as usize].expect("appended entries are guarantees")
        } else {
            self.market.list(s)[r as usize]
        }
    }

    pub(crate) fn guarantee(&self, s: StudentIdx) -> Option<ProgramIdx> {
        self.guarantee[s as usize]
    }

    pub(crate) fn withdrawn(&self, s: StudentIdx) -> bool {
        self.withdrawn[s as usize]
    }

    pub(crate) fn boosted(&self, s: StudentIdx, p: ProgramIdx) -> bool {
        !self.boosts.is_empty() && self.boosts.binary_search(&(s, p)).is_ok()
    }

    pub(crate) fn boosts(&self) -> &[(StudentIdx, ProgramIdx)] {
        &self.boosts
    }

    pub(crate) fn lotteries(&self) -> &Lotteries {
        &self.lotteries
    }

    /// The student's priority group at the entry, after any sibling priority.
    pub(crate) fn priority(&self, s: StudentIdx, r: u32) -> u32 {
        let base = if self.is_appended(s, r) {
            0
        } else {
            self.market.priority_at(self.market.list_offset(s) + r)
        };
        if self.boosted(s, self.program_at(s, r)) {
            base.min(self.linked_priority)
        } else {
            base
        }
    }

    /// The student's key at entry `r` in seat block `bucket`.
    pub(crate) fn key(&self, s: StudentIdx, r: u32, bucket: u32) -> Key {
        let market = self.market;
        let p = self.program_at(s, r);
        let guaranteed = self.guarantee[s as usize] == Some(p);
        let ineligible = match market.buckets[bucket as usize].category {
            Some(c) => !market.is_eligible(s, c, p),
            None => false,
        };
        let offset = (!self.is_appended(s, r)).then(|| market.list_offset(s) + r);
        let score = offset.and_then(|at| market.score_at(at));
        Key::new(
            guaranteed,
            ineligible,
            self.priority(s, r),
            self.late[s as usize],
            score,
            self.lotteries.number(market, s, p, offset),
            s,
        )
    }

    /// The student's key at a program as its waitlist orders it (eligibility aside).
    pub(crate) fn program_key(&self, s: StudentIdx, r: u32) -> Key {
        let p = self.program_at(s, r);
        let open = self.market.program_buckets(p).start;
        let mut key = self.key(s, r, open);
        key.head &= !INELIGIBLE;
        key
    }

    /// Whether the student may apply to a seat block at entry `r` at all.
    pub(crate) fn may_enter(&self, s: StudentIdx, r: u32, bucket: u32) -> bool {
        let market = self.market;
        let block = &market.buckets[bucket as usize];
        let Some(c) = block.category else {
            return true;
        };
        let p = self.program_at(s, r);
        let eligible = market.is_eligible(s, c, p);
        if eligible {
            return true;
        }
        !(block.eligible_only || self.guarantee[s as usize] == Some(p))
    }

    /// Whether the entry is open to the student at all: grade, and at least one block.
    pub(crate) fn entry_open(&self, s: StudentIdx, r: u32) -> bool {
        let p = self.program_at(s, r);
        self.market.grade_allows(s, p)
            && self
                .market
                .program_buckets(p)
                .any(|b| self.may_enter(s, r, b))
    }
}

/// Where a student ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    /// The program.
    pub program: ProgramIdx,
    /// The rank index on her list (0 is the first choice), or `None` for a guaranteed program
    /// she did not rank.
    pub rank: Option<u32>,
    /// The seat block, or `None` when placed over capacity on a guarantee.
    pub bucket: Option<u32>,
    /// Her key in that block.
    pub key: Key,
}

/// The state of a seat block after the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockResult {
    /// Seats taken.
    pub filled: u32,
    /// The key of the last student admitted (the largest held), if any.
    pub last: Option<Key>,
}

/// The last admission to a seat block in one round of immediate acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundCutoff {
    /// The round (0 is first choices).
    pub round: u32,
    /// Seats left when the round began.
    pub seats_before: u32,
    /// The largest key admitted in the round, if anyone was.
    pub last: Option<Key>,
    /// Seats left when the round ended.
    pub seats_after: u32,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The offer of each student (by index), or `None`.
    pub offers: Vec<Option<Offer>>,
    /// Each seat block's fill and cutoff.
    pub blocks: Vec<BlockResult>,
    /// Applications to seat blocks made in the final pass.
    pub proposals: u64,
    /// Students placed over capacity on a guarantee.
    pub forced: u32,
    /// Runs made by the linked-sibling heuristic (1 without it).
    pub passes: u32,
    /// Whether the linked-sibling heuristic reached a fixed point within its pass limit.
    pub converged: bool,
    /// Stable improvement cycles carried out.
    pub cycles: u32,
    /// Students whose offer the improvement cycles changed.
    pub improved: u32,
    /// Immediate acceptance: per seat block, its rounds.
    pub rounds: Vec<Vec<RoundCutoff>>,
}

/// Most passes the linked-sibling heuristic makes looking for a fixed point (phase 1 in
/// `docs/choice-format.md`); phase 2 adds at most one pass per sibling priority withdrawn.
pub const MAX_SIBLING_PASSES: u32 = 32;

/// Runs the policy's mechanism on a prepared market.
pub(crate) fn run_prepared(
    prep: &mut Prepared<'_>,
    policy: &Policy,
) -> Result<Outcome, PolicyError> {
    policy.check(prep.market)?;
    let once = |prep: &Prepared<'_>| match policy.mechanism {
        Mechanism::DeferredAcceptance => deferred_acceptance(prep),
        Mechanism::ImmediateAcceptance => immediate_acceptance(prep),
    };

    let mut outcome = once(prep);
    if policy.siblings.linked_priority.is_some() {
        let families = families(prep.market);
        let mut passes = 1;
        let mut converged = false;
        // Phase 1: sibling priority exactly where a sibling holds an offer, recomputed from
        // scratch after every pass, until a pass gives the priorities it started from.
        let mut tried: Vec<Vec<(StudentIdx, ProgramIdx)>> = vec![prep.boosts.clone()];
        while passes < MAX_SIBLING_PASSES {
            let boosts = sibling_boosts(prep, &families, &outcome);
            if boosts == prep.boosts {
                converged = true;
                break;
            }
            if tried.contains(&boosts) {
                break; // a cycle: no fixed point along this path
            }
            tried.push(boosts.clone());
            prep.boosts = boosts;
            outcome = once(prep);
            passes += 1;
        }
        drop(tried);
        // Phase 2, without a fixed point: withdraw every sibling priority no sibling's offer
        // backs, and run again, until none is withdrawn (priorities only shrink, so this ends).
        if !converged {
            loop {
                let backed = sibling_boosts(prep, &families, &outcome);
                let kept: Vec<(StudentIdx, ProgramIdx)> = prep
                    .boosts
                    .iter()
                    .copied()
                    .filter(|b| backed.binary_search(b).is_ok())
                    .collect();
                if kept.len() == prep.boosts.len() {
                    break;
                }
                prep.boosts = kept;
                outcome = once(prep);
                passes += 1;
            }
        }
        outcome.passes = passes;
        outcome.converged = converged;
    }
    if policy.improvement_cycles {
        crate::cycles::improve(prep, &mut outcome);
    }
    Ok(outcome)
}

/// Students grouped by family id, families of two or more only.
pub(crate) fn families(market: &Market) -> Vec<Vec<StudentIdx>> {
    let mut by_family: BTreeMap<&str, Vec<StudentIdx>> = BTreeMap::new();
    for (i, s) in market.students.iter().enumerate() {
        if let Some(f) = &s.family {
            by_family.entry(f).or_default().push(i as StudentIdx);
        }
    }
    by_family.into_values().filter(|v| v.len() > 1).collect()
}

/// Sibling priority earned from the current offers: each linked student gets it at the
/// programs on her list that belong to a school (or are the program) where a sibling holds
/// an offer. Sorted, without repeats.
pub(crate) fn sibling_boosts(
    prep: &Prepared<'_>,
    families: &[Vec<StudentIdx>],
    outcome: &Outcome,
) -> Vec<(StudentIdx, ProgramIdx)> {
    let market = prep.market;
    let same_place = |a: ProgramIdx, b: ProgramIdx| {
        a == b || matches!((market.school_of(a), market.school_of(b)), (Some(x), Some(y)) if x == y)
    };
    let mut out = Vec::new();
    for family in families {
        for &i in family {
            if prep.withdrawn(i) {
                continue;
            }
            for &j in family {
                if i == j {
                    continue;
                }
                let Some(offer) = outcome.offers[j as usize] else {
                    continue;
                };
                for r in 0..prep.entries(i) {
                    let p = prep.program_at(i, r);
                    if same_place(p, offer.program) {
                        out.push((i, p));
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Student-proposing deferred acceptance over seat blocks.
fn deferred_acceptance(prep: &Prepared<'_>) -> Outcome {
    if prep.is_plain() {
        plain_deferred_acceptance(prep)
    } else if prep.market.has_scores() {
        deferred_acceptance_with::<Key>(prep)
    } else {
        deferred_acceptance_with::<Packed>(prep)
    }
}

/// Deferred acceptance for the common plain case (see [`Prepared::is_plain`]): one block of
/// open seats per program (so block and program indexes agree), single tie-breaking, no
/// score, grade, guarantee, withdrawal or sibling priority. It gives exactly what the general
/// path gives (the property tests and `plain_and_general_paths_agree` compare them), faster:
///
/// - a key is the priority, lateness and the student's lottery rank (her place when students
///   are sorted by number, then index) in as few bits as the market needs: 32 when they fit in
///   31 (a city's 80,000 students in three priority groups take 20), else 64. A quarter or half
///   the size of a packed key, so more of the heaps stay in cache;
/// - every program's heap lives in one array, and a student's list position, list end and
///   key bits sit side by side.
///
/// Students make their first proposals in index order, which reads the lists front to back
/// (lottery order would leave fewer displacements but jump around the lists, and measured
/// slower).
fn plain_deferred_acceptance(prep: &Prepared<'_>) -> Outcome {
    let (rank_bits, key_bits) = plain_key_bits(prep);
    if key_bits == 32 {
        plain_with::<u32>(prep, rank_bits)
    } else {
        plain_with::<u64>(prep, rank_bits)
    }
}

/// The bits a plain key gives the rank, and the key's size: 32 when priority, lateness and
/// rank fit in 31 bits, else 64.
fn plain_key_bits(prep: &Prepared<'_>) -> (u32, u32) {
    let n = prep.market.student_count();
    let (_, _, priority_of) = prep.market.lists();
    let rank_bits = (usize::BITS - n.saturating_sub(1).leading_zeros()).max(1);
    let max_priority = priority_of.iter().copied().max().unwrap_or(0);
    let priority_bits = u32::BITS - max_priority.leading_zeros();
    let key_bits = if rank_bits + 1 + priority_bits <= 31 {
        32
    } else {
        64
    };
    (rank_bits, key_bits)
}

/// A key of the plain loop: `priority << (rank_bits + 1) | late << rank_bits | rank`, never
/// the type's largest value, which marks a program with a free seat.
trait PlainKey: Copy + Ord {
    const MAX: Self;
    const ZERO: Self;
    /// The key of these bits, which the caller has checked fit.
    fn from_bits(bits: u64) -> Self;
    fn bits(self) -> u64;
}

impl PlainKey for u32 {
    const MAX: Self = u32::MAX;
    const ZERO: Self = 0;
    fn from_bits(bits: u64) -> Self {
        bits as u32
    }
    fn bits(self) -> u64 {
        self as u64
    }
}

impl PlainKey for u64 {
    const MAX: Self = u64::MAX;
    const ZERO: Self = 0;
    fn from_bits(bits: u64) -> Self {
        bits
    }
    fn bits(self) -> u64 {
        self
    }
}

fn plain_with<K: PlainKey>(prep: &Prepared<'_>, rank_bits: u32) -> Outcome {
    let market = prep.market;
    let n = market.student_count();
    let (list_start, program_of, priority_of) = market.lists();
    let lottery = &prep.lotteries.single;
    let order = lottery_order(lottery);
    let priority_shift = rank_bits + 1;
    let rank_mask = (1u64 << rank_bits) - 1;
    // Every program's max-heap of held keys in one array, with the program's state (small
    // enough to stay in the first-level cache) apart.
    let mut seats: Vec<Seats<K>> = Vec::with_capacity(market.buckets.len());
    let mut total = 0u32;
    for b in &market.buckets {
        seats.push(Seats {
            top: if b.capacity == 0 { K::ZERO } else { K::MAX },
            start: total,
            capacity: b.capacity,
            held: 0,
        });
        total += b.capacity;
    }
    let mut slots: Vec<K> = vec![K::ZERO; total as usize];

    // Per student: the next choice to propose to, the end of the list, and the key's low bits
    // (lateness above the lottery rank).
    let mut rank: Vec<u32> = vec![0; n];
    for (r, &s) in order.iter().enumerate() {
        rank[s as usize] = r as u32;
    }
    let mut cursor: Vec<Cursor> = (0..n)
        .map(|s| Cursor {
            next: list_start[s],
            end: list_start[s + 1],
            low: (prep.late[s] as u64) << rank_bits | rank[s] as u64,
        })
        .collect();
    drop(rank);
    // Students who still have to propose, as bits. Each sweep takes them in index order, so
    // that their cursors and lists are read front to back; a displaced student waits for the
    // next sweep, or for this one if her word is still ahead.
    let mut waiting: Vec<u64> = vec![u64::MAX; n.div_ceil(64)];
    if !n.is_multiple_of(64) {
        *waiting.last_mut().expect("n > 0") = (1u64 << (n % 64)) - 1;
    }
    let mut proposals = 0u64;
    let mut any = n > 0;
    while any {
        any = false;
        for w in 0..waiting.len() {
            let mut bits = std::mem::take(&mut waiting[w]);
            while bits != 0 {
                any = true;
                let s = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let Cursor { next, end, low } = cursor[s];
                let mut at = next;
                while at < end {
                    let p = program_of[at as usize] as usize;
                    let priority = priority_of[at as usize];
                    at += 1;
                    let key = K::from_bits((priority as u64) << priority_shift | low);
                    let program = &mut seats[p];
                    if key >= program.top {
                        continue; // full of students ahead of her, or without seats
                    }
                    let heap = &mut slots[program.heap()];
                    if program.held < program.capacity {
                        heap_push(heap, program.held as usize, key);
                        program.held += 1;
                        if program.held == program.capacity {
                            program.top = heap[0];
                        }
                    } else {
                        let out = heap_replace_top(heap, key).bits() & rank_mask;
                        let worst = order[out as usize] as usize;
                        program.top = heap[0];
                        if worst / 64 == w {
                            bits |= 1 << (worst % 64);
                        } else {
                            waiting[worst / 64] |= 1 << (worst % 64);
                        }
                    }
                    break;
                }
                proposals += u64::from(at - next);
                cursor[s].next = at;
            }
        }
    }
    let student_of = |k: K| order[(k.bits() & rank_mask) as usize];
    let key_of = |k: K| {
        let s = student_of(k);
        let bits = k.bits();
        Key::new(
            false,
            false,
            (bits >> priority_shift) as u32,
            (bits >> rank_bits) & 1 == 1,
            None,
            lottery[s as usize],
            s,
        )
    };
    let heap_of = |p: usize| &slots[seats[p].heap()][..seats[p].held as usize];
    let blocks = (0..seats.len())
        .map(|p| BlockResult {
            filled: seats[p].held,
            last: heap_of(p).first().map(|&k| key_of(k)),
        })
        .collect();
    // A student holds the seat of the last program she proposed to, if she is in its heap.
    let mut offers: Vec<Option<Offer>> = vec![None; n];
    for p in 0..seats.len() {
        for &k in heap_of(p) {
            let s = student_of(k) as usize;
            let rank = cursor[s].next - 1 - list_start[s];
            offers[s] = Some(Offer {
                program: p as ProgramIdx,
                rank: Some(rank),
                bucket: Some(p as u32),
                key: key_of(k),
            });
        }
    }
    Outcome {
        offers,
        blocks,
        proposals,
        forced: 0,
        passes: 1,
        converged: true,
        cycles: 0,
        improved: 0,
        rounds: Vec::new(),
    }
}

/// A program in the plain loop: its heap is `slots[start..start + capacity]`, `held` keys
/// long, and `top` is the largest key held once every seat is taken (the largest value before,
/// 0 without seats), the key a proposal must beat.
#[derive(Clone, Copy)]
struct Seats<K> {
    top: K,
    start: u32,
    capacity: u32,
    held: u32,
}

impl<K> Seats<K> {
    fn heap(&self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.capacity) as usize
    }
}

/// A student's place in the plain loop.
#[derive(Clone, Copy)]
struct Cursor {
    next: u32,
    end: u32,
    low: u64,
}

/// Students in lottery order: by number, equal numbers by index. One counting pass spreads
/// them over about as many buckets as students by the high bits of their number (relative to
/// the smallest), then each bucket is sorted; hashed numbers are spread evenly, so buckets
/// hold one or two students, and any other numbers still sort in O(n log n).
fn lottery_order(lottery: &[u64]) -> Vec<StudentIdx> {
    let (Some(&min), Some(&max)) = (lottery.iter().min(), lottery.iter().max()) else {
        return Vec::new();
    };
    let bits = lottery.len().next_power_of_two().trailing_zeros().max(1);
    let shift = (64 - (max - min).leading_zeros()).saturating_sub(bits);
    let bucket = |x: u64| ((x - min) >> shift) as usize;
    let mut start = vec![0u32; bucket(max) + 2];
    for &x in lottery {
        start[bucket(x) + 1] += 1;
    }
    for b in 1..start.len() {
        start[b] += start[b - 1];
    }
    // Number and index in one sortable value; the students' indexes fit in 32 bits.
    let mut sorted = vec![0u128; lottery.len()];
    let mut fill = start.clone();
    for (s, &x) in lottery.iter().enumerate() {
        let b = bucket(x);
        sorted[fill[b] as usize] = (x as u128) << 32 | s as u128;
        fill[b] += 1;
    }
    for w in start.windows(2) {
        if w[1] - w[0] > 1 {
            sorted[w[0] as usize..w[1] as usize].sort_unstable();
        }
    }
    sorted.into_iter().map(|v| v as u32).collect()
}

/// Adds `key` to the max-heap `heap[..len]` (which has room at `len`).
fn heap_push<T: Ord + Copy>(heap: &mut [T], len: usize, key: T) {
    let mut i = len;
    heap[i] = key;
    while i > 0 {
        let parent = (i - 1) / 2;
        if heap[parent] >= heap[i] {
            break;
        }
        heap.swap(parent, i);
        i = parent;
    }
}

/// Replaces the largest key of the full max-heap `heap` with `key` and returns it.
fn heap_replace_top<T: Ord + Copy>(heap: &mut [T], key: T) -> T {
    let top = std::mem::replace(&mut heap[0], key);
    let len = heap.len();
    let mut i = 0;
    loop {
        let left = 2 * i + 1;
        if left >= len {
            break;
        }
        let right = left + 1;
        let larger = if right < len && heap[right] > heap[left] {
            right
        } else {
            left
        };
        if heap[larger] <= heap[i] {
            break;
        }
        heap.swap(larger, i);
        i = larger;
    }
    top
}

fn deferred_acceptance_with<K: HeapKey>(prep: &Prepared<'_>) -> Outcome {
    let market = prep.market;
    let n = market.student_count();
    let blocks = &market.buckets;
    let mut heaps: Vec<BinaryHeap<K>> = blocks
        .iter()
        .map(|b| BinaryHeap::with_capacity(b.capacity.min(1 << 16) as usize))
        .collect();
    // Next (entry, block offset) each student tries, and what she holds.
    let mut cursor: Vec<(u32, u32)> = vec![(0, 0); n];
    let mut held: Vec<Option<(u32, u32)>> = vec![None; n];
    let mut free: Vec<StudentIdx> = (0..n as StudentIdx)
        .rev()
        .filter(|&s| !prep.withdrawn(s))
        .collect();
    let mut proposals = 0u64;

    while let Some(s) = free.pop() {
        let entries = prep.entries(s);
        loop {
            let (r, j) = cursor[s as usize];
            if r >= entries {
                break;
            }
            let p = prep.program_at(s, r);
            let range = market.program_buckets(p);
            if (j == 0 && !market.grade_allows(s, p)) || range.start + j >= range.end {
                cursor[s as usize] = (r + 1, 0);
                continue;
            }
            let b = range.start + j;
            cursor[s as usize] = (r, j + 1);
            if !prep.may_enter(s, r, b) {
                continue;
            }
            proposals += 1;
            let capacity = blocks[b as usize].capacity as usize;
            if capacity == 0 {
                continue;
            }
            let key = K::from_key(prep.key(s, r, b));
            let heap = &mut heaps[b as usize];
            if heap.len() < capacity {
                heap.push(key);
                held[s as usize] = Some((r, b));
                break;
            }
            let mut top = heap.peek_mut().expect("a full block holds someone");
            if key < *top {
                let worst = std::mem::replace(&mut *top, key).student();
                drop(top);
                held[s as usize] = Some((r, b));
                held[worst as usize] = None;
                free.push(worst);
                break;
            }
        }
    }

    let mut block_results: Vec<BlockResult> = heaps
        .iter()
        .map(|h| BlockResult {
            filled: h.len() as u32,
            last: h.peek().map(|k| k.key()),
        })
        .collect();
    let mut offers = vec![None; n];
    let mut forced = 0;
    for s in 0..n as StudentIdx {
        if prep.withdrawn(s) {
            continue;
        }
        offers[s as usize] = match held[s as usize] {
            Some((r, b)) => Some(Offer {
                program: prep.program_at(s, r),
                rank: (!prep.is_appended(s, r)).then_some(r),
                bucket: Some(b),
                key: prep.key(s, r, b),
            }),
            None => forced_offer(prep, s, &mut block_results, &mut forced),
        };
    }
    Outcome {
        offers,
        blocks: block_results,
        proposals,
        forced,
        passes: 1,
        converged: true,
        cycles: 0,
        improved: 0,
        rounds: Vec::new(),
    }
}

/// A guaranteed student who found no seat is placed over capacity at her guaranteed program.
fn forced_offer(
    prep: &Prepared<'_>,
    s: StudentIdx,
    blocks: &mut [BlockResult],
    forced: &mut u32,
) -> Option<Offer> {
    let p = prep.guarantee(s)?;
    let r = (0..prep.entries(s)).find(|&r| prep.program_at(s, r) == p)?;
    let market = prep.market;
    let open = market
        .program_buckets(p)
        .find(|&b| market.buckets[b as usize].category.is_none())
        .unwrap_or(market.program_buckets(p).start);
    *forced += 1;
    blocks[open as usize].filled += 1;
    Some(Offer {
        program: p,
        rank: (!prep.is_appended(s, r)).then_some(r),
        bucket: None,
        key: prep.key(s, r, open),
    })
}

/// Immediate acceptance: in round k every student still without a seat applies to her k-th
/// open choice (grade-ineligible choices are passed over, not counted as rounds), and each
/// program fills its remaining seats, block by block in precedence order, for good.
fn immediate_acceptance(prep: &Prepared<'_>) -> Outcome {
    let market = prep.market;
    let n = market.student_count();
    let blocks = &market.buckets;
    let mut seats: Vec<u32> = blocks.iter().map(|b| b.capacity).collect();
    let mut last: Vec<Option<Key>> = vec![None; blocks.len()];
    let mut rounds: Vec<Vec<RoundCutoff>> = vec![Vec::new(); blocks.len()];
    let mut next: Vec<u32> = vec![0; n];
    let mut offers: Vec<Option<Offer>> = vec![None; n];
    let mut proposals = 0u64;

    for round in 0.. {
        // This round's applications, grouped by program.
        let mut applications: Vec<(ProgramIdx, StudentIdx, u32)> = Vec::new();
        for s in 0..n as StudentIdx {
            if prep.withdrawn(s) || offers[s as usize].is_some() {
                continue;
            }
            let entries = prep.entries(s);
            let mut r = next[s as usize];
            while r < entries && !prep.entry_open(s, r) {
                r += 1;
            }
            if r < entries {
                applications.push((prep.program_at(s, r), s, r));
                next[s as usize] = r + 1;
            } else {
                next[s as usize] = entries;
            }
        }
        if applications.is_empty() {
            break;
        }
        applications.sort_unstable();

        for group in applications.chunk_by(|a, b| a.0 == b.0) {
            let p = group[0].0;
            let mut admitted = vec![false; group.len()];
            for b in market.program_buckets(p) {
                let before = seats[b as usize];
                let mut candidates: Vec<(Key, usize)> = group
                    .iter()
                    .enumerate()
                    .filter(|(i, &(_, s, r))| !admitted[*i] && prep.may_enter(s, r, b))
                    .map(|(i, &(_, s, r))| (prep.key(s, r, b), i))
                    .collect();
                proposals += candidates.len() as u64;
                candidates.sort_unstable();
                let mut round_last = None;
                for (key, i) in candidates.into_iter().take(before as usize) {
                    let (_, s, r) = group[i];
                    admitted[i] = true;
                    seats[b as usize] -= 1;
                    round_last = Some(key);
                    last[b as usize] = Some(key);
                    offers[s as usize] = Some(Offer {
                        program: p,
                        rank: (!prep.is_appended(s, r)).then_some(r),
                        bucket: Some(b),
                        key,
                    });
                }
                rounds[b as usize].push(RoundCutoff {
                    round,
                    seats_before: before,
                    last: round_last,
                    seats_after: seats[b as usize],
                });
            }
        }
    }

    let mut block_results: Vec<BlockResult> = blocks
        .iter()
        .zip(&seats)
        .zip(&last)
        .map(|((b, &left), &last)| BlockResult {
            filled: b.capacity - left,
            last,
        })
        .collect();
    let mut forced = 0;
    for s in 0..n as StudentIdx {
        if !prep.withdrawn(s) && offers[s as usize].is_none() {
            offers[s as usize] = forced_offer(prep, s, &mut block_results, &mut forced);
        }
    }
    Outcome {
        offers,
        blocks: block_results,
        proposals,
        forced,
        passes: 1,
        converged: true,
        cycles: 0,
        improved: 0,
        rounds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_general_paths_agree() {
        use crate::market::{Choice, MarketBuilder, OpenSeats, Program, Student};
        let mut state = 1u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        let mut sizes = BTreeSet::new();
        for case in 0..200 {
            let mut b = MarketBuilder::new();
            let programs = 1 + next() % 5;
            for p in 0..programs {
                b.program(Program {
                    id: format!("P{p}"),
                    capacity: (next() % 4) as u32,
                    school_id: None,
                    grade: None,
                    name: None,
                })
                .unwrap();
            }
            let students = 1 + next() % 12;
            for s in 0..students {
                let i = b
                    .student(Student {
                        id: format!("s{s}"),
                        late: next() % 5 == 0,
                        // Every third market gives small lottery numbers, so that ties fall
                        // back to the id.
                        lottery_number: (case % 3 == 0).then(|| next() % 4),
                        ..Student::default()
                    })
                    .unwrap();
                let mut list: Vec<u32> = (0..programs as u32).collect();
                for k in (1..list.len()).rev() {
                    list.swap(k, (next() % (k as u64 + 1)) as usize);
                }
                list.truncate((next() % (programs + 1)) as usize);
                for p in list {
                    // Every fourth market has priorities too large for 32-bit keys.
                    let priority =
                        (next() % 3) as u32 * if case % 4 == 1 { 100_000_000 } else { 1 };
                    b.choice(
                        i,
                        Choice {
                            program: p,
                            priority,
                            score: None,
                        },
                    );
                }
            }
            let market = b.finish(OpenSeats::First).unwrap();
            let seed = Seed::from_bytes([case as u8; 32]);
            let policy = Policy::default();
            let prep = Prepared::new(&market, &policy, &seed, &RunChanges::default(), 1);
            assert!(prep.is_plain());
            sizes.insert(plain_key_bits(&prep).1);
            let plain = plain_deferred_acceptance(&prep);
            let general = deferred_acceptance_with::<Key>(&prep);
            assert_eq!(plain.offers, general.offers, "case {case}");
            assert_eq!(plain.blocks, general.blocks, "case {case}");
            assert_eq!(plain.proposals, general.proposals, "case {case}");
        }
        assert_eq!(
            sizes,
            BTreeSet::from([32, 64]),
            "both key sizes were compared"
        );
    }

    #[test]
    fn lottery_order_sorts_by_number_then_index() {
        let mut state = 7u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let cases: Vec<Vec<u64>> = vec![
            vec![],
            vec![42],
            vec![u64::MAX, 0, u64::MAX, 0],
            (0..1000).map(|_| next()).collect(),
            (0..1000).map(|_| next() % 10).collect(),
            (0..1000).map(|_| next() >> 40 << 40).collect(),
            (0..1000).map(|i| 1000 - i).collect(),
            vec![5; 300],
        ];
        for lottery in cases {
            let mut expected: Vec<StudentIdx> = (0..lottery.len() as StudentIdx).collect();
            expected.sort_by_key(|&s| (lottery[s as usize], s));
            assert_eq!(
                lottery_order(&lottery),
                expected,
                "{:?}",
                &lottery[..lottery.len().min(5)]
            );
        }
    }

    #[test]
    fn keys_order_guarantee_eligibility_priority_lateness_score_lottery_and_id() {
        let base = Key::new(false, false, 2, false, None, 100, 5);
        assert!(Key::new(true, true, 9, true, None, 999, 9) < base);
        assert!(Key::new(false, false, 3, false, None, 0, 0) > base);
        assert!(Key::new(false, true, 0, false, None, 0, 0) > base);
        assert!(Key::new(false, false, 2, true, None, 0, 0) > base);
        assert!(Key::new(false, false, 2, false, None, 99, 9) < base);
        assert!(Key::new(false, false, 2, false, None, 100, 6) > base);
        let high = Key::new(false, false, 2, false, Some(90.5), 500, 1);
        let low = Key::new(false, false, 2, false, Some(-3.0), 1, 1);
        assert!(high < low && low < base);
        assert_eq!(high.score(), Some(90.5));
        assert_eq!(low.score(), Some(-3.0));
        assert_eq!(base.score(), None);
        assert_eq!(base.priority(), 2);
        assert!(Key::new(true, false, 0, true, None, 0, 0).guaranteed());
        assert!(Key::new(false, false, 7, true, None, 0, 0).late());
        assert!(Key::new(false, true, 7, false, None, 0, 0).ineligible());
    }
}
