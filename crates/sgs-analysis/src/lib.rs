//! Lever 1 analyses over a district's data: the definition of great (tiers), the North Star,
//! the Quality Seats Analysis (seat gaps by planning area and grade band), cohort-survival
//! enrollment projections with back-tests, utilization, and Texas accountability triggers.
//!
//! **Architecture invariant:** pure functions over `sgs-domain` values. No IO, no async, no SQL:
//! the web app, the command line and the benchmarks call the same code, and every number can be
//! checked by hand against the inputs.

pub mod framework;
pub mod north_star;
pub mod portfolio;
pub mod projection;
pub mod scenario;
pub mod seat_gaps;
pub mod triggers;
pub mod utilization;

pub use framework::Framework;
pub use north_star::{north_star, Goal, NorthStarYear};
pub use seat_gaps::{seat_gaps, Attribution, SeatGapReport};
