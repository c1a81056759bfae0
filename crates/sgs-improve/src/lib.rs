//! Improvement science for SGS: run charts and XmR control charts that call their own signals,
//! and initiative status that follows from those signals and from milestones.
//!
//! * [`series`]: the input ([`Point`]: a period label and a value that may be missing) and the
//!   [`Options`] (phases after a deliberate change, which run-chart rules, which runs table).
//! * [`run_chart`]: the median center line and the IHI rules (shift, trend, too many or too few
//!   runs, astronomical point) and the Anhøj rules (longest run, crossings).
//! * [`xmr`]: the individuals and moving-range chart, limits per phase, and the Shewhart rules.
//! * [`limits`]: the computed limits the run-chart rules compare with.
//! * [`signal`]: a [`Signal`] names its rule, the points involved, a direction and a sentence in
//!   English and Spanish; a [`Reading`] says what a chart's signals add up to.
//! * [`analysis`]: [`analyze`] reads a series both ways; the result serializes to the JSON that
//!   `sgs chart signals` prints and the measure pages draw.
//! * [`roadmap`]: the framework's year-one roadmap, ready to become an initiative's milestones.
//! * [`status`]: [`initiative_status`] derives on track / at risk / off track / not enough data
//!   from measures' signals and milestones, with its reasons.
//!
//! The crate is pure: no files, no SQL, no HTTP, no clock (the status takes "today" as a
//! parameter). It draws nothing: a renderer reads the center lines, limits and signal point
//! indices from the result.

#![warn(missing_docs)]

pub mod analysis;
mod exact;
pub mod limits;
mod patterns;
pub mod roadmap;
pub mod run_chart;
pub mod series;
pub mod signal;
pub mod status;
mod words;
pub mod xmr;

pub use analysis::{analyze, Analysis};
pub use limits::{
    anhoj_limits, runs_limits, AnhojLimits, RunsLimits, RunsTable, MIN_USEFUL_FOR_RUNS,
};
pub use run_chart::{run_chart, Fences, RunChart, RunPhase};
pub use series::{ChartError, Options, Point, RunRules};
pub use signal::{
    latest, Chart, Direction, Reading, ReadingKind, Rule, Signal, SkippedRule,
    MIN_VALUES_FOR_READING,
};
pub use status::{
    initiative_status, judge_measure, Better, Date, DateError, InitiativeStatus, MeasureInput,
    MeasureKind, MeasureState, Milestone, Reason, ReasonKind, Status, MIN_VALUES_TO_JUDGE,
};
pub use words::Text;
pub use xmr::{xmr_chart, XmrChart, XmrPhase};
