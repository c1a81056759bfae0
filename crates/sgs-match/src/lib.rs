//! SGS school-choice matching: one application, one lottery, one offer per student.
//!
//! The engine is pure (no files, no SQL, no clock): the command line and the web app hand it
//! a [`Market`] and a [`Policy`] and get a [`Run`] back. It offers
//!
//! * student-proposing deferred acceptance (the default: stable, and strategy-proof for
//!   families) with single or multiple tie-breaking, reserve categories filled in a
//!   configured precedence order, guaranteed seats, and a documented linked-sibling heuristic;
//!   immediate acceptance ("Boston") to replay old policies; an optional pass of stable
//!   improvement cycles for simulation ([`engine`], [`cycles`]);
//! * a lottery anyone can verify: numbers from SHA-256 of the seed and the ids, a seed fixed
//!   from a published input digest and a later public value ([`lottery`], [`verify`]), and
//!   verification from de-identified published inputs (statistics-only attributes are kept
//!   apart, [`attributes`]);
//! * cutoffs, waitlists and an explanation in English and Spanish for every program ranked
//!   above a student's offer ([`mod@run`]); invariant checks ([`check`]); summary statistics
//!   ([`stats`]); chance of an offer from many redraws ([`chance`]); accept/decline, waitlist
//!   movement and a second round ([`rounds`]); who gains and who loses a seat under another
//!   policy ([`compare`]);
//! * the open choice-data format, read and written ([`mod@format`], `docs/choice-format.md`).
//!
//! **How the command line and the web app use it.** Everything below is pure: bytes in, values
//! and bytes out; the caller opens files and databases.
//!
//! | step | call |
//! |---|---|
//! | read a directory of inputs | [`format::read_from`] with a loader called per file name → [`Inputs`] (market, policy, round changes, private attributes); or [`format::read_inputs`] with [`InputFiles`]; the web app builds a [`Market`] with [`MarketBuilder`] and [`Attributes::from_ids`] |
//! | commit | [`verify::commit`]`(&market, &policy, &changes)` → the digest and the canonical, de-identified files to publish |
//! | fix the seed | [`verify::SeedOrigin`]` { input_digest, public_value }.seed()` (or a given [`Seed`], e.g. `policy.seed`) |
//! | run | [`run()`]`(&market, &policy, seed)`, or [`run_with`] with [`RunChanges`] for a later round |
//! | write outputs | [`verify::outputs`]`(&run, Some(&origin))` → [`verify::Outputs`]; [`verify::Outputs::write_each`] hands over every file and `run.json` |
//! | verify | [`verify::verify`]`(&market, &policy, &changes, &record, &published, Some(public_value))` → [`verify::Verification`]; `.passed()` |
//! | explain a student | [`Market::find_student`], [`Run::explain`], [`Run::explanation_text`]`(&explanation, `[`Lang`]`)` |
//! | statistics | [`stats::summarize`]`(&run, &attributes)` |
//! | chance of offer | [`chance::chance_of_offer`]`(&market, &policy, seed, redraws, threads)`; a whole list's chances from its `lists` ([`chance::ListModel::chances`]) |
//! | rounds | [`rounds::after_responses`], [`rounds::second_round`] |
//! | compare two policies | [`compare::compare`]`(&before, &after, &attributes)` |
//!
//! ```
//! use sgs_match::format::{read_inputs, InputFile, InputFiles};
//! use sgs_match::verify::{commit, outputs, SeedOrigin};
//!
//! let file = |name, text: &'static str| InputFile { name, bytes: text.as_bytes() };
//! let inputs = read_inputs(&InputFiles {
//!     programs: file("programs.csv", "program_id,capacity\nA,1\nB,1\n"),
//!     students: file("students.csv", "student_id\ns1\ns2\n"),
//!     preferences: file(
//!         "preferences.csv",
//!         "student_id,rank,program_id,priority\ns1,1,A,1\ns2,1,A,2\ns2,2,B,1\n",
//!     ),
//!     reserves: None,
//!     eligibility: None,
//!     policy: None,
//!     changes: None,
//! })
//! .unwrap();
//! let (commitment, _published) = commit(&inputs.market, &inputs.policy, &inputs.changes);
//! let origin = SeedOrigin {
//!     input_digest: commitment.input_digest,
//!     public_value: "a public draw".into(),
//! };
//! let run = sgs_match::run_with(&inputs.market, &inputs.policy, origin.seed(), &inputs.changes)
//!     .unwrap();
//! let out = outputs(&run, Some(&origin));
//! assert_eq!(out.files[0].1, "student_id,program_id,rank\ns1,A,1\ns2,B,2\n");
//! assert!(out.record.checks.passed());
//! ```
//!
//! **Architecture invariant:** the engine knows nothing of HTTP, SQL or files. The same inputs
//! and seed give byte-identical outputs on every machine and from either storage backend.

#![warn(missing_docs)]

pub mod attributes;
pub mod chance;
pub mod check;
pub mod compare;
pub mod cycles;
pub mod engine;
pub mod format;
pub mod lottery;
pub mod market;
mod plain;
pub mod policy;
pub mod rounds;
pub mod run;
pub mod stats;
pub mod verify;

pub use attributes::{Attributes, StudentAttributes};
pub use engine::{Key, Offer, RunChanges};
pub use format::{read_from, read_inputs, InputFile, InputFiles, Inputs};
pub use lottery::Seed;
pub use market::{Choice, Market, MarketBuilder, OpenSeats, Program, Reserve, Seats, Student};
pub use policy::{Mechanism, Policy, PolicyError, SiblingRule, TieBreaking};
pub use run::{run, run_with, Lang, Run};
