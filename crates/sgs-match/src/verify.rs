//! Committing to the inputs before the seed exists, recording a run, and verifying it.
//!
//! * [`commit`] gives the SHA-256 digest of the canonical inputs (see
//!   [`crate::format::canonical_inputs`]): for each file in order, the UTF-8 text
//!   `<name>\n<byte length in decimal>\n` followed by the file's bytes, all hashed together.
//!   It is published after applications close, with the canonical (de-identified) files.
//! * The seed is then `Seed::derive(digest, public value)`, from a value announced later.
//! * [`outputs`] writes a run's files and its record (`run.json`): engine version, digest,
//!   seed and where it came from, policy, round changes, counts, invariant checks (with what
//!   the mechanism guarantees) and the SHA-256 of every output.
//! * [`verify`] re-derives the digest and the seed, re-runs the match, and confirms every
//!   published file byte for byte, every offer row by row, and the checks the policy
//!   guarantees (see [`crate::check::Guarantees`]).
//!
//! A later round ([`crate::rounds`]) keeps the first round's seed; its canonical inputs
//! include `changes.csv` (withdrawals and kept offers), so its digest differs, and its record
//! names the digest the seed was derived from ([`SeedOrigin`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::check::{check, Checks};
use crate::engine::RunChanges;
use crate::format::{
    canonical_files, canonical_inputs, canonical_preferences, plain_preferences_len,
    write_assignments, write_cutoffs, write_lottery, write_waitlists,
};
use crate::lottery::Seed;
use crate::market::Market;
use crate::policy::{Policy, PolicyError};
use crate::run::{run_with, Run};
use crate::stats::summarize;

/// The engine's name and version, recorded with every run.
pub const ENGINE: &str = concat!("sgs-match ", env!("CARGO_PKG_VERSION"));

/// The digest of files: SHA-256 over `<name>\n<length>\n<bytes>` for each, in order.
pub fn digest_of(files: &[(&str, String)]) -> String {
    let mut hasher = Sha256::new();
    for (name, bytes) in files {
        hasher.update(name.as_bytes());
        hasher.update(b"\n");
        hasher.update(bytes.len().to_string().as_bytes());
        hasher.update(b"\n");
        hasher.update(bytes.as_bytes());
    }
    hex::encode(hasher.finalize())
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What is published when applications close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    /// The engine that will run the match.
    pub engine: String,
    /// The digest of the canonical inputs.
    pub input_digest: String,
    /// Students in the market.
    pub students: usize,
    /// Programs in the market.
    pub programs: usize,
    /// Ranked choices in the market.
    pub choices: usize,
    /// How the seed will be fixed.
    pub seed_rule: String,
}

/// Commits to a market, policy and round changes (empty for a first round): the digest and
/// the canonical files it covers, which are what gets published.
pub fn commit(
    market: &Market,
    policy: &Policy,
    changes: &RunChanges,
) -> (Commitment, Vec<(&'static str, String)>) {
    let files = canonical_inputs(market, policy, changes);
    let commitment = Commitment {
        engine: ENGINE.to_string(),
        input_digest: digest_of(&files),
        students: market.student_count(),
        programs: market.programs.len(),
        choices: market.choice_count(),
        seed_rule: "seed = SHA-256 of the UTF-8 text \"<input_digest>\\n<public value>\", \
                    the public value announced after this commitment"
            .to_string(),
    };
    (commitment, files)
}

/// The digest of the canonical inputs, as [`commit`] gives it, without keeping the files.
///
/// The canonical `preferences.csv`, by far the largest file, is hashed in chunks as it is
/// written, after its length is computed, rather than built whole.
pub fn input_digest(market: &Market, policy: &Policy, changes: &RunChanges) -> String {
    let Some(length) = plain_preferences_len(market) else {
        return digest_of(&canonical_inputs(market, policy, changes));
    };
    let files = canonical_files(market, policy, changes, false);
    let mut hasher = Sha256::new();
    for (name, text) in &files {
        let preferences = *name == "preferences.csv";
        let size = if preferences { length } else { text.len() };
        hasher.update(name.as_bytes());
        hasher.update(b"\n");
        hasher.update(size.to_string().as_bytes());
        hasher.update(b"\n");
        if preferences {
            let written = hash_preferences(market, &mut hasher);
            assert_eq!(written, length, "the canonical preferences' length");
        } else {
            hasher.update(text.as_bytes());
        }
    }
    hex::encode(hasher.finalize())
}

/// Hashes the canonical `preferences.csv` in chunks; a large one is written on a second
/// thread while this one hashes. Returns its length.
fn hash_preferences(market: &Market, hasher: &mut Sha256) -> usize {
    const CHUNK: usize = 1 << 18;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut written = 0;
    if threads < 2 || market.choice_count() < 100_000 {
        canonical_preferences(market, CHUNK, |chunk| {
            written += chunk.len();
            hasher.update(&chunk);
            chunk
        });
        return written;
    }
    std::thread::scope(|scope| {
        let (full, chunks) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let (back, empties) = std::sync::mpsc::channel::<Vec<u8>>();
        scope.spawn(move || {
            canonical_preferences(market, CHUNK, |chunk| {
                // The hashing side has stopped only if it panicked.
                let _ = full.send(chunk);
                empties
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(CHUNK + 4096))
            });
        });
        for chunk in chunks {
            written += chunk.len();
            hasher.update(&chunk);
            let _ = back.send(chunk);
        }
    });
    written
}

/// Counts recorded with a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Students who took part.
    pub students: u32,
    /// Programs.
    pub programs: u32,
    /// Ranked choices.
    pub choices: u32,
    /// Students offered a seat.
    pub offered: u32,
    /// Offered their first choice.
    pub first_choice: u32,
    /// Offered a top-three choice.
    pub top_three: u32,
    /// Offered nothing.
    pub unassigned: u32,
    /// Offered only a guaranteed seat they did not rank.
    pub guaranteed_only: u32,
    /// Placed over capacity on a guarantee.
    pub forced: u32,
    /// Applications to seat blocks in the final pass.
    pub proposals: u64,
    /// Runs made by the linked-sibling rule.
    pub sibling_passes: u32,
    /// Whether the linked-sibling rule reached a fixed point.
    pub sibling_converged: bool,
    /// Stable improvement cycles carried out.
    pub improvement_cycles: u32,
    /// Students whose offer the cycles changed.
    pub improved: u32,
}

/// Where a seed came from: `Seed::derive(input_digest, public_value)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedOrigin {
    /// The committed digest the seed was derived from (a first round's digest, also for its
    /// later rounds).
    pub input_digest: String,
    /// The public value announced after the commitment, as announced (trimmed).
    pub public_value: String,
}

impl SeedOrigin {
    /// The seed this origin gives.
    pub fn seed(&self) -> Seed {
        Seed::derive(&self.input_digest, &self.public_value)
    }
}

/// Round changes by id, as recorded in `run.json`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChangesRecord {
    /// Students withdrawn (declined or left), by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withdrawn: Vec<String>,
    /// Seats kept from earlier rounds: student id to program id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub guaranteed: BTreeMap<String, String>,
}

impl ChangesRecord {
    /// The record of `changes` in `market`.
    pub fn of(market: &Market, changes: &RunChanges) -> Self {
        ChangesRecord {
            withdrawn: changes
                .withdrawn
                .iter()
                .map(|&s| market.students[s as usize].id.clone())
                .collect(),
            guaranteed: changes
                .guarantees
                .iter()
                .map(|(&s, &p)| {
                    (
                        market.students[s as usize].id.clone(),
                        market.programs[p as usize].id.clone(),
                    )
                })
                .collect(),
        }
    }

    /// Whether there are no changes.
    pub fn is_empty(&self) -> bool {
        self.withdrawn.is_empty() && self.guaranteed.is_empty()
    }
}

/// `run.json`: everything needed to reproduce and audit a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The engine.
    pub engine: String,
    /// The digest of the canonical inputs (with `changes.csv`).
    pub input_digest: String,
    /// The seed used.
    pub seed: Seed,
    /// Where the seed came from, when it was derived from a commitment and a public value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed_origin: Option<SeedOrigin>,
    /// The policy (without the seed).
    pub policy: Policy,
    /// Withdrawals and kept seats from earlier rounds (also in `changes.csv` under the digest).
    #[serde(default, skip_serializing_if = "ChangesRecord::is_empty")]
    pub changes: ChangesRecord,
    /// Counts.
    pub counts: Counts,
    /// The invariant checks of the result.
    pub checks: Checks,
    /// SHA-256 of each output file.
    pub outputs: BTreeMap<String, String>,
}

/// A run's output files and record.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// `assignments.csv`, `cutoffs.csv`, `waitlists.csv` and, under single tie-breaking,
    /// `lottery.csv`.
    pub files: Vec<(&'static str, String)>,
    /// The record, written as `run.json`.
    pub record: RunRecord,
}

impl Outputs {
    /// Hands every file, `run.json` last, to `write` (the command line writes them into a
    /// directory; the crate itself opens nothing).
    pub fn write_each(
        &self,
        mut write: impl FnMut(&str, &[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        for (name, text) in &self.files {
            write(name, text.as_bytes())?;
        }
        write("run.json", self.record_json().as_bytes())
    }

    /// `run.json`'s text.
    pub fn record_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.record).expect("a record serialises");
        text.push('\n');
        text
    }
}

/// Writes a run's outputs and record. The input digest is computed from the run's market,
/// policy and changes; `seed_origin` says where the seed came from, when it was derived.
pub fn outputs(run: &Run<'_>, seed_origin: Option<&SeedOrigin>) -> Outputs {
    outputs_digested(run, seed_origin, None, None).expect("nothing is written")
}

/// [`outputs`] when the caller already has the input digest of the run's market, policy and
/// changes (from [`input_digest`] or [`commit`]), so it is not computed again.
pub fn outputs_with_digest(
    run: &Run<'_>,
    seed_origin: Option<&SeedOrigin>,
    input_digest: String,
) -> Outputs {
    outputs_digested(run, seed_origin, Some(input_digest), None).expect("nothing is written")
}

/// A function that stores one output file: its name and bytes.
pub type WriteFile<'w> = &'w (dyn Fn(&str, &[u8]) -> std::io::Result<()> + Sync);

/// [`outputs_with_digest`] that also hands every file to `write` as soon as it is made, on
/// the thread that made it, and `run.json` last, so that storing the files overlaps making
/// the others. Stops at the first error `write` returns.
pub fn write_outputs(
    run: &Run<'_>,
    seed_origin: Option<&SeedOrigin>,
    input_digest: String,
    write: WriteFile<'_>,
) -> std::io::Result<Outputs> {
    let out = outputs_digested(run, seed_origin, Some(input_digest), Some(write))?;
    write("run.json", out.record_json().as_bytes())?;
    Ok(out)
}

fn outputs_digested(
    run: &Run<'_>,
    seed_origin: Option<&SeedOrigin>,
    known_digest: Option<String>,
    write: Option<WriteFile<'_>>,
) -> std::io::Result<Outputs> {
    // Two halves of about equal work on two threads: the digest (unless known), the checks,
    // assignments and the lottery file on one; cutoffs and waitlists on the other. Each file is
    // hashed, and written when asked, where it is made.
    let hashed = |name: &'static str, text: String| -> std::io::Result<_> {
        if let Some(write) = write {
            write(name, text.as_bytes())?;
        }
        let hash = sha256_hex(text.as_bytes());
        Ok((name, text, hash))
    };
    let ((input_digest, checks, lottery), files_made) = std::thread::scope(|scope| {
        let side = scope.spawn(|| {
            let digest =
                known_digest.unwrap_or_else(|| input_digest(run.market, &run.policy, &run.changes));
            let assignments = hashed("assignments.csv", write_assignments(run));
            let lottery = write_lottery(run).map(|text| hashed("lottery.csv", text));
            (digest, check(run), (assignments, lottery))
        });
        let files = [
            hashed("cutoffs.csv", write_cutoffs(run)),
            hashed("waitlists.csv", write_waitlists(run)),
        ];
        (side.join().expect("the digest thread panicked"), files)
    });
    let (assignments, lottery) = lottery;
    let mut files = vec![assignments?];
    for file in files_made {
        files.push(file?);
    }
    if let Some(lottery) = lottery {
        files.push(lottery?);
    }
    let summary = summarize(run, &crate::attributes::Attributes::none());
    let o = &run.outcome;
    let record = RunRecord {
        engine: ENGINE.to_string(),
        input_digest,
        seed: run.seed,
        seed_origin: seed_origin.cloned(),
        policy: run.policy.without_seed(),
        changes: ChangesRecord::of(run.market, &run.changes),
        counts: Counts {
            students: summary.overall.students,
            programs: run.market.programs.len() as u32,
            choices: run.market.choice_count() as u32,
            offered: summary.overall.any_choice + summary.overall.guaranteed_only,
            first_choice: summary.overall.first_choice,
            top_three: summary.overall.top_three,
            unassigned: summary.overall.unassigned,
            guaranteed_only: summary.overall.guaranteed_only,
            forced: o.forced,
            proposals: o.proposals,
            sibling_passes: o.passes,
            sibling_converged: o.converged,
            improvement_cycles: o.cycles,
            improved: o.improved,
        },
        checks,
        outputs: files
            .iter()
            .map(|(name, _, hash)| (name.to_string(), hash.clone()))
            .collect(),
    };
    let files = files
        .into_iter()
        .map(|(name, text, _)| (name, text))
        .collect();
    Ok(Outputs { files, record })
}

/// One published file compared with the re-run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    /// The file.
    pub name: String,
    /// Whether it was published.
    pub published: bool,
    /// Whether it is byte for byte what the re-run writes.
    pub identical: bool,
}

/// The verdict of [`verify`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    /// The digest of the inputs given to the verifier.
    pub input_digest: String,
    /// Whether it equals the digest in the record.
    pub digest_matches: bool,
    /// The seed re-run with.
    pub seed: Seed,
    /// The digest the seed was derived from (the recomputed digest, or for a later round the
    /// first round's digest named in the record).
    pub seed_input_digest: String,
    /// Whether the seed derived from that digest and the public value equals the recorded seed
    /// (`None` when no public value was given: the recorded seed was used as is).
    pub seed_derived: Option<bool>,
    /// Every output file.
    pub files: Vec<FileCheck>,
    /// Rows of the published `assignments.csv` that the re-run confirms.
    pub offers_confirmed: u32,
    /// Rows that differ, in words (at most twenty).
    pub offers_differing: Vec<String>,
    /// Rows of the published file that the re-run does not produce at all, or the reverse.
    pub rows_missing: u32,
    /// The invariant checks on the re-run; those the policy guarantees must pass.
    pub checks: Checks,
}

impl Verification {
    /// Whether everything was confirmed: digest, seed, every published file, every offer, and
    /// every check the policy's mechanism guarantees.
    pub fn passed(&self) -> bool {
        self.digest_matches
            && self.seed_derived != Some(false)
            && self.files.iter().all(|f| !f.published || f.identical)
            && self.offers_differing.is_empty()
            && self.rows_missing == 0
            && self.checks.passed()
    }
}

/// Re-runs a published match and compares. `market`, `policy` and `changes` are read from the
/// published canonical inputs; `published` holds the output files by name (at least
/// `assignments.csv`); `public_value`, when given, re-derives the seed from the digest the
/// record names as the seed's origin (for a first round, the digest itself).
pub fn verify(
    market: &Market,
    policy: &Policy,
    changes: &RunChanges,
    record: &RunRecord,
    published: &BTreeMap<String, Vec<u8>>,
    public_value: Option<&str>,
) -> Result<Verification, PolicyError> {
    let (commitment, _) = commit(market, policy, changes);
    let digest = commitment.input_digest;
    let seed_input_digest = record
        .seed_origin
        .as_ref()
        .map(|o| o.input_digest.clone())
        .unwrap_or_else(|| digest.clone());
    let (seed, seed_derived, origin) = match public_value {
        Some(value) => {
            let origin = SeedOrigin {
                input_digest: seed_input_digest.clone(),
                public_value: value.trim().to_string(),
            };
            let derived = origin.seed();
            (derived, Some(derived == record.seed), Some(origin))
        }
        None => (record.seed, None, record.seed_origin.clone()),
    };
    let rerun = run_with(market, policy, seed, changes)?;
    let fresh = outputs(&rerun, origin.as_ref());

    let files = fresh
        .files
        .iter()
        .map(|(name, text)| {
            let theirs = published.get(*name);
            FileCheck {
                name: name.to_string(),
                published: theirs.is_some(),
                identical: theirs.is_some_and(|t| t == text.as_bytes()),
            }
        })
        .collect();

    // Offers row by row, so a failure names the students.
    let mut ours: BTreeMap<String, (String, String)> = BTreeMap::new();
    let assignments = &fresh.files[0].1;
    for line in assignments.lines().skip(1) {
        let mut cells = split_row(line).into_iter();
        let student = cells.next().unwrap_or_default();
        let program = cells.next().unwrap_or_default();
        let rank = cells.next().unwrap_or_default();
        ours.insert(student, (program, rank));
    }
    let mut confirmed = 0;
    let mut differing = Vec::new();
    let mut missing = 0;
    let theirs = published
        .get("assignments.csv")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let mut seen = 0usize;
    for line in theirs.lines().skip(1) {
        let mut cells = split_row(line).into_iter();
        let student = cells.next().unwrap_or_default();
        let program = cells.next().unwrap_or_default();
        let rank = cells.next().unwrap_or_default();
        match ours.get(&student) {
            Some((p, r)) if *p == program && *r == rank => {
                confirmed += 1;
                seen += 1;
            }
            Some((p, _)) => {
                seen += 1;
                if differing.len() < 20 {
                    differing.push(format!(
                        "student {student}: published {:?}, re-run gives {:?}",
                        program, p
                    ));
                }
            }
            None => missing += 1,
        }
    }
    missing += (ours.len() - seen.min(ours.len())) as u32;

    Ok(Verification {
        input_digest: digest.clone(),
        digest_matches: digest == record.input_digest,
        seed,
        seed_input_digest,
        seed_derived,
        files,
        offers_confirmed: confirmed,
        offers_differing: differing,
        rows_missing: missing,
        checks: check(&rerun),
    })
}

/// Splits one CSV line as written by this crate (quoted fields allowed).
fn split_row(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{read_inputs, InputFile, InputFiles};

    fn inputs(programs: &str, students: &str, preferences: &str) -> crate::format::Inputs {
        fn file<'a>(name: &'a str, text: &'a str) -> InputFile<'a> {
            InputFile {
                name,
                bytes: text.as_bytes(),
            }
        }
        read_inputs(&InputFiles {
            programs: file("programs.csv", programs),
            students: file("students.csv", students),
            preferences: file("preferences.csv", preferences),
            reserves: None,
            eligibility: None,
            policy: None,
            changes: None,
        })
        .unwrap()
    }

    #[test]
    fn the_streamed_digest_is_the_digest_of_the_canonical_files() {
        // Quoted ids, long lists with two-digit ranks, large priorities, a student with no
        // list, and enough rows for several chunks.
        let mut programs = String::from("program_id,capacity\n\"p,1\",3\n\"q\"\"2\",1\n");
        let mut students = String::from("student_id\n\"s,0\"\nlonely\n");
        let mut preferences = String::from("student_id,rank,program_id,priority\n");
        for p in 0..40 {
            programs.push_str(&format!("P{p},{}\n", p % 7));
        }
        preferences.push_str("\"s,0\",1,\"p,1\",536870911\n\"s,0\",2,\"q\"\"2\",0\n");
        for s in 0..3000 {
            students.push_str(&format!("S{s}\n"));
            for r in 0..(s % 13) {
                preferences.push_str(&format!("S{s},{},P{},{}\n", r + 1, (s + r * 3) % 40, s * r));
            }
        }
        let plain = inputs(&programs, &students, &preferences);
        let none = RunChanges::default();
        let files = canonical_inputs(&plain.market, &plain.policy, &none);
        assert_eq!(plain_preferences_len(&plain.market), Some(files[2].1.len()));
        assert_eq!(
            input_digest(&plain.market, &plain.policy, &none),
            digest_of(&files)
        );
        // With scores the files are built whole.
        let scored = inputs(
            "program_id,capacity\nA,1\n",
            "student_id\ns1\ns2\n",
            "student_id,rank,program_id,priority,score\ns1,1,A,1,2.5\ns2,1,A,1,\n",
        );
        assert_eq!(plain_preferences_len(&scored.market), None);
        assert_eq!(
            input_digest(&scored.market, &scored.policy, &none),
            digest_of(&canonical_inputs(&scored.market, &scored.policy, &none))
        );
    }
}
