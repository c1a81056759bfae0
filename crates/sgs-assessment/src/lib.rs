//! The SGS self-assessment: a district team rates where it stands on the System of Great Schools
//! levers, agrees on a consensus picture, and turns the weakest, best-agreed items into work.
//!
//! * [`rubric`] holds the framework as data: levers (the four levers plus the two
//!   preconditions), key practices, observable indicators with the artifact that shows each, the
//!   rating scale, and versioned editing that never deletes an indicator.
//! * [`scoring`] turns individual ratings and recorded consensus into spreads, practice and lever
//!   levels, change since last year, and a priority list.
//! * [`access`] says who may rate, facilitate, see individual ratings and see results, and
//!   labels a rater's seat (cabinet, principal, board, community partner).
//!
//! Every user-facing string is a [`Text`] in English and Spanish. The crate is pure: no files,
//! no SQL, no HTTP, no clock.

#![warn(missing_docs)]

pub mod access;
pub mod rubric;
pub mod scoring;
mod v1;

pub use access::{RaterRole, Seat, Status};
pub use rubric::{
    Answer, Idea, Indicator, Lang, Lever, Practice, Rubric, RubricChange, RubricError, Scale, Text,
};
pub use scoring::{
    change_since, priorities, score, spread, Assessment, AssessmentResults, Change, Consensus,
    GroupChange, GroupResult, IndicatorChange, IndicatorResult, NotComparable, NotComparableReason,
    Priorities, PriorityItem, Rating, ScoringError, Spread, SpreadSummary, HIGH_DISAGREEMENT_RANGE,
};
