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
//!   from a published input digest and a later public value ([`lottery`], [`verify`]);
//! * cutoffs, waitlists and an explanation in English and Spanish for every program ranked
//!   above a student's offer ([`run`]); invariant checks ([`check`]); summary statistics
//!   ([`stats`]); chance of an offer from many redraws ([`chance`]); accept/decline, waitlist
//!   movement and a second round ([`rounds`]);
//! * the open choice-data format, read and written ([`format`], `docs/choice-format.md`).
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
