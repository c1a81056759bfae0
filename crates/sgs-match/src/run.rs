//! A finished run and what it tells: offers, cutoffs per seat block, waitlists, and for every
//! student an explanation, in English and Spanish, of each program ranked above her offer.
//!
//! The explanation is the cutoff characterisation of deferred acceptance made readable: a
//! student was not offered a program she ranked higher because each of its seat blocks she
//! could take filled with students whose key (priority group, then score, then lottery number)
//! was better than hers. The property tests check that every explanation agrees with the
//! cutoffs.

use crate::engine::{self, BlockResult, Key, Offer, Outcome, Prepared, RunChanges};
use crate::lottery::{fractions_apart, Seed};
use crate::market::{Market, ProgramIdx, StudentIdx};
use crate::policy::{Mechanism, Policy, PolicyError};

/// A language for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// The language of a code (`es` is Spanish; anything else English).
    pub fn from_code(code: &str) -> Self {
        if code.eq_ignore_ascii_case("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    fn pick<'a>(self, en: &'a str, es: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

/// The match run on a market with a policy and a seed.
#[derive(Debug, Clone)]
pub struct Run<'m> {
    /// The market.
    pub market: &'m Market,
    /// The policy used.
    pub policy: Policy,
    /// The seed used.
    pub seed: Seed,
    /// What the engine produced.
    pub outcome: Outcome,
    /// Students withdrawn and guarantees added for this run.
    pub changes: RunChanges,
    pub(crate) prep: Prepared<'m>,
}

/// Runs the match.
pub fn run<'m>(market: &'m Market, policy: &Policy, seed: Seed) -> Result<Run<'m>, PolicyError> {
    run_with(market, policy, seed, &RunChanges::default())
}

/// Runs the match with some students withdrawn or given guarantees (later rounds). On a large
/// market the lottery numbers are computed on up to two threads.
pub fn run_with<'m>(
    market: &'m Market,
    policy: &Policy,
    seed: Seed,
    changes: &RunChanges,
) -> Result<Run<'m>, PolicyError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    run_threads(market, policy, seed, changes, threads)
}

/// [`run_with`] with the lottery numbers computed on `threads` threads (1 inside callers that
/// run many matches in parallel themselves).
pub(crate) fn run_threads<'m>(
    market: &'m Market,
    policy: &Policy,
    seed: Seed,
    changes: &RunChanges,
    threads: usize,
) -> Result<Run<'m>, PolicyError> {
    let mut prep = Prepared::new(market, policy, &seed, changes, threads);
    let outcome = engine::run_prepared(&mut prep, policy)?;
    Ok(Run {
        market,
        policy: policy.clone(),
        seed,
        outcome,
        changes: changes.clone(),
        prep,
    })
}

/// A seat block's cutoff.
#[derive(Debug, Clone, PartialEq)]
pub struct Cutoff {
    /// The program.
    pub program: ProgramIdx,
    /// The seat block.
    pub block: u32,
    /// The block's reserve category, or `None` for open seats.
    pub category: Option<String>,
    /// Seats in the block.
    pub capacity: u32,
    /// Seats taken (over capacity only with forced guarantees).
    pub filled: u32,
    /// The key of the last student admitted.
    pub last: Option<Key>,
}

impl Cutoff {
    /// Whether every seat was taken: then only keys up to `last` were admitted.
    pub fn full(&self) -> bool {
        self.filled >= self.capacity
    }
}

/// One place on a waitlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitlistEntry {
    /// The student.
    pub student: StudentIdx,
    /// Her key at the program.
    pub key: Key,
}

/// Why a student was not offered one program on her list, or was.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The offer.
    Offered,
    /// Ranked below the offer: not considered.
    Below,
    /// Ranked after a guaranteed program: the list stops there.
    AfterGuarantee,
    /// The program admits another grade.
    Grade {
        /// The program's grade.
        program: String,
        /// The student's grade.
        student: String,
    },
    /// Every seat is reserved for categories the student is not in.
    ReservedOnly {
        /// The categories.
        categories: Vec<String>,
    },
    /// The program offered no seats.
    NoSeats,
    /// Every seat block the student could take filled with better keys.
    Full {
        /// Per block: the block and the two keys compared.
        blocks: Vec<BlockReason>,
    },
    /// Immediate acceptance: every seat was gone before the student's application was
    /// considered in this round.
    FilledBefore {
        /// The round (0 is first choices).
        round: u32,
    },
    /// Immediate acceptance: the seats left were taken in the round the student applied.
    FullInRound {
        /// The round.
        round: u32,
        /// Per block with seats left that round: the last admitted and the student.
        blocks: Vec<BlockReason>,
    },
    /// The student withdrew.
    Withdrawn,
}

/// A seat block compared with a student's key there.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockReason {
    /// The block.
    pub block: u32,
    /// Its category, `None` for open seats.
    pub category: Option<String>,
    /// The key of the last student admitted.
    pub last: Key,
    /// The student's key in the block.
    pub yours: Key,
}

/// One program on a student's list and its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceLine {
    /// Rank index (0 is the first choice), or `None` for an appended guarantee.
    pub rank: Option<u32>,
    /// The program.
    pub program: ProgramIdx,
    /// The verdict.
    pub verdict: Verdict,
}

/// Everything that explains one student's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The student.
    pub student: StudentIdx,
    /// Her offer.
    pub offer: Option<Offer>,
    /// Her choices in order, with the appended guarantee last when there is one.
    pub lines: Vec<ChoiceLine>,
    /// False when improvement cycles ran: then cutoffs do not explain every offer exactly.
    pub exact: bool,
}

impl<'m> Run<'m> {
    /// A student's offer.
    pub fn offer(&self, student: StudentIdx) -> Option<Offer> {
        self.outcome.offers[student as usize]
    }

    /// The single-tie-breaking lottery number of a student (none under multiple tie-breaking).
    pub fn lottery_number(&self, student: StudentIdx) -> Option<u64> {
        self.prep.lotteries().single(student)
    }

    /// Whether a student took part (was not withdrawn).
    pub fn takes_part(&self, student: StudentIdx) -> bool {
        !self.prep.withdrawn(student)
    }

    /// Sibling priorities the linked-sibling rule gave, as `(student, program)`.
    pub fn sibling_priorities(&self) -> &[(StudentIdx, ProgramIdx)] {
        self.prep.boosts()
    }

    /// The number of entries a student could apply to (list up to her guarantee, and the
    /// guarantee when appended).
    pub fn entries(&self, student: StudentIdx) -> u32 {
        self.prep.entries(student)
    }

    /// The program at an entry.
    pub fn program_at(&self, student: StudentIdx, entry: u32) -> ProgramIdx {
        self.prep.program_at(student, entry)
    }

    /// A student's key in a seat block at an entry.
    pub fn key(&self, student: StudentIdx, entry: u32, block: u32) -> Key {
        self.prep.key(student, entry, block)
    }

    /// Whether a student may apply to a seat block at an entry.
    pub fn may_enter(&self, student: StudentIdx, entry: u32, block: u32) -> bool {
        self.prep.may_enter(student, entry, block)
    }

    /// Whether the entry is open to the student (grade, and some block she may take).
    pub fn entry_open(&self, student: StudentIdx, entry: u32) -> bool {
        self.prep.entry_open(student, entry)
    }

    /// The entry of the offer (its rank, or the appended guarantee).
    pub fn offer_entry(&self, student: StudentIdx) -> Option<u32> {
        let offer = self.offer(student)?;
        Some(match offer.rank {
            Some(r) => r,
            None => self.prep.entries(student) - 1,
        })
    }

    /// Cutoffs of every seat block, in program then precedence order.
    pub fn cutoffs(&self) -> Vec<Cutoff> {
        let market = self.market;
        market
            .buckets
            .iter()
            .zip(&self.outcome.blocks)
            .enumerate()
            .map(|(b, (bucket, BlockResult { filled, last }))| Cutoff {
                program: bucket.program,
                block: b as u32,
                category: bucket
                    .category
                    .map(|c| market.categories[c as usize].clone()),
                capacity: bucket.capacity,
                filled: *filled,
                last: *last,
            })
            .collect()
    }

    /// Per program, the students who ranked it above their offer (or have none) and could take
    /// one of its seats, in the order the program admits them.
    pub fn waitlists(&self) -> Vec<Vec<WaitlistEntry>> {
        let market = self.market;
        // The entries above each student's offer that are open to her, (student, entry).
        let waiting = |s: StudentIdx| {
            let above = if self.prep.withdrawn(s) {
                0
            } else {
                match self.offer(s) {
                    Some(offer) => match offer.rank {
                        Some(r) => r,
                        None => self.prep.entries(s) - 1,
                    },
                    None => self.prep.entries(s),
                }
            };
            (0..above).filter(move |&r| !self.prep.is_appended(s, r) && self.prep.entry_open(s, r))
        };
        // Count first, so that every list is allocated once at its size.
        let mut sizes = vec![0usize; market.programs.len()];
        for s in 0..market.student_count() as StudentIdx {
            for r in waiting(s) {
                sizes[self.prep.program_at(s, r) as usize] += 1;
            }
        }
        let mut lists: Vec<Vec<WaitlistEntry>> =
            sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
        for s in 0..market.student_count() as StudentIdx {
            for r in waiting(s) {
                let p = self.prep.program_at(s, r);
                lists[p as usize].push(WaitlistEntry {
                    student: s,
                    key: self.prep.program_key(s, r),
                });
            }
        }
        for list in &mut lists {
            // Without scores every key packs into one number in the same order.
            let packed: Option<Vec<u128>> = list.iter().map(|e| e.key.packed()).collect();
            match packed {
                Some(mut packed) => {
                    packed.sort_unstable();
                    for (entry, &p) in list.iter_mut().zip(&packed) {
                        let key = Key::from_packed(p);
                        *entry = WaitlistEntry {
                            student: key.student,
                            key,
                        };
                    }
                }
                None => list.sort_unstable_by_key(|e| e.key),
            }
        }
        lists
    }

    /// The explanation of a student's result.
    pub fn explain(&self, student: StudentIdx) -> Explanation {
        let s = student;
        let prep = &self.prep;
        let offer = self.offer(s);
        let offer_entry = self.offer_entry(s);
        let entries = prep.entries(s);
        let listed = self.market.list_len(s);
        let considered = (0..entries).filter(|&e| !prep.is_appended(s, e)).count() as u32;

        let mut lines = Vec::new();
        // Open entries seen so far: under immediate acceptance, the round an entry is applied in.
        let mut open_before = 0u32;
        for e in 0..listed.max(entries) {
            let appended = e >= considered && e < entries && prep.is_appended(s, e);
            let program = if appended {
                prep.program_at(s, e)
            } else {
                self.market.list(s)[e as usize]
            };
            let verdict = if prep.withdrawn(s) {
                Verdict::Withdrawn
            } else if e >= considered && !appended {
                Verdict::AfterGuarantee
            } else if offer_entry == Some(e) {
                Verdict::Offered
            } else if offer_entry.is_some_and(|o| e > o) {
                Verdict::Below
            } else {
                self.rejection(s, e, open_before)
            };
            if e < entries && prep.entry_open(s, e) {
                open_before += 1;
            }
            lines.push(ChoiceLine {
                rank: (!appended).then_some(e),
                program,
                verdict,
            });
        }
        Explanation {
            student: s,
            offer,
            lines,
            exact: !self.policy.improvement_cycles,
        }
    }

    /// Why entry `r` (an open entry with index `open_index` among open ones) was not offered.
    fn rejection(&self, s: StudentIdx, r: u32, open_index: u32) -> Verdict {
        let market = self.market;
        let p = self.prep.program_at(s, r);
        if !market.grade_allows(s, p) {
            return Verdict::Grade {
                program: market.programs[p as usize]
                    .grade
                    .clone()
                    .unwrap_or_default(),
                student: market.students[s as usize]
                    .grade
                    .clone()
                    .unwrap_or_default(),
            };
        }
        let enterable: Vec<u32> = market
            .program_buckets(p)
            .filter(|&b| self.prep.may_enter(s, r, b))
            .collect();
        if enterable.is_empty() {
            let categories = market
                .program_buckets(p)
                .filter_map(|b| market.buckets[b as usize].category)
                .map(|c| market.categories[c as usize].clone())
                .collect();
            return Verdict::ReservedOnly { categories };
        }
        if market.programs[p as usize].capacity == 0 {
            return Verdict::NoSeats;
        }
        let reason = |b: u32, last: Key| BlockReason {
            block: b,
            category: market.buckets[b as usize]
                .category
                .map(|c| market.categories[c as usize].clone()),
            last,
            yours: self.prep.key(s, r, b),
        };
        match self.policy.mechanism {
            Mechanism::DeferredAcceptance => Verdict::Full {
                blocks: enterable
                    .iter()
                    .filter(|&&b| market.buckets[b as usize].capacity > 0)
                    .filter_map(|&b| self.outcome.blocks[b as usize].last.map(|k| reason(b, k)))
                    .collect(),
            },
            Mechanism::ImmediateAcceptance => {
                let round = open_index;
                let mut blocks = Vec::new();
                for &b in &enterable {
                    let cut = self.outcome.rounds[b as usize]
                        .iter()
                        .find(|c| c.round == round);
                    if let Some(cut) = cut {
                        if cut.seats_before > 0 {
                            if let Some(last) = cut.last {
                                blocks.push(reason(b, last));
                            }
                        }
                    }
                }
                if blocks.is_empty() {
                    Verdict::FilledBefore { round }
                } else {
                    Verdict::FullInRound { round, blocks }
                }
            }
        }
    }

    /// A program's display name: its name and id, or its id.
    pub fn program_label(&self, program: ProgramIdx) -> String {
        let p = &self.market.programs[program as usize];
        match &p.name {
            Some(name) => format!("{name} ({})", p.id),
            None => p.id.clone(),
        }
    }

    /// The explanation as plain sentences: a headline, then one line per choice.
    pub fn explanation_text(&self, explanation: &Explanation, lang: Lang) -> Vec<String> {
        let s = explanation.student;
        let listed = self.market.list_len(s);
        let mut out = Vec::new();
        out.push(match explanation.offer {
            Some(offer) => match offer.rank {
                Some(r) => match lang {
                    Lang::En => format!(
                        "Offered {}, choice {} of {listed}.",
                        self.program_label(offer.program),
                        r + 1
                    ),
                    Lang::Es => format!(
                        "Oferta: {}, opción {} de {listed}.",
                        self.program_label(offer.program),
                        r + 1
                    ),
                },
                None => match lang {
                    Lang::En => format!(
                        "Offered the guaranteed seat at {}: no program on the list had a seat.",
                        self.program_label(offer.program)
                    ),
                    Lang::Es => format!(
                        "Oferta: el lugar garantizado en {}; ningún programa de la lista tuvo lugar.",
                        self.program_label(offer.program)
                    ),
                },
            },
            None if self.prep.withdrawn(s) => lang
                .pick(
                    "Withdrawn from this match.",
                    "Retirado de este proceso de asignación.",
                )
                .to_string(),
            None => lang
                .pick(
                    "No offer: every program on the list was full or not open to this application.",
                    "Sin oferta: todos los programas de la lista estaban llenos o no admitían esta solicitud.",
                )
                .to_string(),
        });
        if explanation.offer.is_some_and(|o| o.bucket.is_none()) {
            out.push(
                lang.pick(
                    "The guaranteed seat was kept even though the program was full.",
                    "Se mantuvo el lugar garantizado aunque el programa estaba lleno.",
                )
                .to_string(),
            );
        }
        if !explanation.exact {
            out.push(
                lang.pick(
                    "This run used stable improvement cycles (a simulation): students in the same \
                     priority group exchanged offers, so lottery cutoffs do not explain every offer exactly.",
                    "Esta asignación usó ciclos de mejora estables (una simulación): estudiantes del mismo \
                     grupo de prioridad intercambiaron ofertas, así que los números de corte de la lotería \
                     no explican cada oferta con exactitud.",
                )
                .to_string(),
            );
        }
        for line in &explanation.lines {
            let prefix = match line.rank {
                Some(r) => format!("{}. {}", r + 1, self.program_label(line.program)),
                None => match lang {
                    Lang::En => format!("Guaranteed: {}", self.program_label(line.program)),
                    Lang::Es => format!("Garantizado: {}", self.program_label(line.program)),
                },
            };
            out.push(format!(
                "{prefix}: {}",
                self.verdict_text(&line.verdict, lang)
            ));
        }
        out
    }

    /// One verdict in words.
    pub fn verdict_text(&self, verdict: &Verdict, lang: Lang) -> String {
        match verdict {
            Verdict::Offered => lang.pick("offered", "oferta").to_string(),
            Verdict::Below => lang
                .pick(
                    "not considered: a higher choice was offered",
                    "no se consideró: se ofreció una opción más alta",
                )
                .to_string(),
            Verdict::AfterGuarantee => lang
                .pick(
                    "not considered: the list stops at the guaranteed seat ranked above it",
                    "no se consideró: la lista termina en el lugar garantizado que está más arriba",
                )
                .to_string(),
            Verdict::Grade { program, student } => match lang {
                Lang::En => format!(
                    "not eligible: the program admits grade {program}; the application is for grade {student}"
                ),
                Lang::Es => format!(
                    "no elegible: el programa admite el grado {program}; la solicitud es para el grado {student}"
                ),
            },
            Verdict::ReservedOnly { categories } => match lang {
                Lang::En => format!(
                    "not eligible: every seat is reserved for {}, and this application is not in that group",
                    categories.join(", ")
                ),
                Lang::Es => format!(
                    "no elegible: todos los lugares están reservados para {} y esta solicitud no pertenece a ese grupo",
                    categories.join(", ")
                ),
            },
            Verdict::NoSeats => lang
                .pick(
                    "no seats: the program offered no seats in this match",
                    "sin lugares: el programa no ofreció lugares en este proceso",
                )
                .to_string(),
            Verdict::Full { blocks } => {
                let parts = self.block_phrases(blocks, lang);
                format!("{}: {}", lang.pick("full", "lleno"), parts)
            }
            Verdict::FilledBefore { round } => match lang {
                Lang::En => format!(
                    "full before round {}: its seats went in earlier rounds to students who ranked it higher",
                    round + 1
                ),
                Lang::Es => format!(
                    "lleno antes de la ronda {}: sus lugares se dieron en rondas anteriores a estudiantes que lo pusieron más arriba",
                    round + 1
                ),
            },
            Verdict::FullInRound { round, blocks } => {
                let parts = self.block_phrases(blocks, lang);
                match lang {
                    Lang::En => format!("full in round {}: {parts}", round + 1),
                    Lang::Es => format!("lleno en la ronda {}: {parts}", round + 1),
                }
            }
            Verdict::Withdrawn => lang.pick("withdrawn", "retirado").to_string(),
        }
    }

    fn block_phrases(&self, blocks: &[BlockReason], lang: Lang) -> String {
        let single = blocks.len() == 1 && blocks[0].category.is_none();
        blocks
            .iter()
            .map(|b| {
                let phrase = self.compare(b, lang);
                if single {
                    return phrase;
                }
                let label = match (&b.category, lang) {
                    (None, Lang::En) => "open seats".to_string(),
                    (None, Lang::Es) => "lugares abiertos".to_string(),
                    (Some(c), Lang::En) => format!("seats reserved for {c}"),
                    (Some(c), Lang::Es) => format!("lugares reservados para {c}"),
                };
                format!("{label}: {phrase}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Why `yours` lost to `last` in one block, in words.
    fn compare(&self, block: &BlockReason, lang: Lang) -> String {
        let (last, yours) = (block.last, block.yours);
        let group = |g: u32| self.policy.group_label(g, lang.code());
        if last.guaranteed() && !yours.guaranteed() {
            return lang
                .pick(
                    "every seat went to students guaranteed a place there",
                    "todos los lugares fueron para estudiantes con lugar garantizado allí",
                )
                .to_string();
        }
        if !last.ineligible() && yours.ineligible() {
            let category = block.category.clone().unwrap_or_default();
            return match lang {
                Lang::En => format!(
                    "these seats go first to students eligible for {category}, and all went to them"
                ),
                Lang::Es => format!(
                    "estos lugares son primero para estudiantes elegibles para {category}, y todos fueron para ellos"
                ),
            };
        }
        if last.priority() != yours.priority() {
            let (l, _) = fractions_apart(last.lottery, yours.lottery);
            return match lang {
                Lang::En => format!(
                    "the last seat went to priority group {} with lottery number {l}; you were in group {}",
                    group(last.priority()),
                    group(yours.priority())
                ),
                Lang::Es => format!(
                    "el último lugar fue para el grupo de prioridad {} con número de lotería {l}; usted estaba en el grupo {}",
                    group(last.priority()),
                    group(yours.priority())
                ),
            };
        }
        if !last.late() && yours.late() {
            return match lang {
                Lang::En => format!(
                    "the last seat went to an on-time application in priority group {}; late applications come after on-time ones in the same group",
                    group(last.priority())
                ),
                Lang::Es => format!(
                    "el último lugar fue para una solicitud a tiempo del grupo de prioridad {}; las solicitudes tardías van después de las presentadas a tiempo en el mismo grupo",
                    group(last.priority())
                ),
            };
        }
        if last.score() != yours.score() {
            let show = |s: Option<f64>| match s {
                Some(v) => format!("{v}"),
                None => lang.pick("none", "ninguna").to_string(),
            };
            return match lang {
                Lang::En => format!(
                    "the last seat went to priority group {} with a score of {}; your score was {}",
                    group(last.priority()),
                    show(last.score()),
                    show(yours.score())
                ),
                Lang::Es => format!(
                    "el último lugar fue para el grupo de prioridad {} con una puntuación de {}; su puntuación fue {}",
                    group(last.priority()),
                    show(last.score()),
                    show(yours.score())
                ),
            };
        }
        if last.lottery != yours.lottery {
            let (l, y) = fractions_apart(last.lottery, yours.lottery);
            return match lang {
                Lang::En => format!(
                    "the last seat went to priority group {} with lottery number {l}; you were in the same group with lottery number {y}",
                    group(last.priority())
                ),
                Lang::Es => format!(
                    "el último lugar fue para el grupo de prioridad {} con número de lotería {l}; usted estaba en el mismo grupo con número de lotería {y}",
                    group(last.priority())
                ),
            };
        }
        match lang {
            Lang::En => format!(
                "the last seat went to priority group {} with the same lottery number; ties go to the application id that sorts first",
                group(last.priority())
            ),
            Lang::Es => format!(
                "el último lugar fue para el grupo de prioridad {} con el mismo número de lotería; los empates se resuelven por el identificador de solicitud que va primero",
                group(last.priority())
            ),
        }
    }
}
