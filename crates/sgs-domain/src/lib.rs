//! The SGS district data model: identifiers, school years, grades and grade bands, A–F ratings,
//! campuses and their yearly facts, planning areas and roles.
//!
//! This crate is pure. It knows nothing of files, SQL or HTTP, so every rule about what a valid
//! district record is lives here and is tested here. Identifiers that look like numbers (TEA
//! campus `015907101`, district `015907`) are strings in newtypes: leading zeros are data.

pub mod campus;
pub mod geo;
pub mod grade;
pub mod ids;
pub mod rating;
pub mod role;
pub mod summary;
pub mod year;

pub use campus::{
    Campus, CampusStatus, CampusYear, DistrictSnapshot, Governance, GroupMeasure,
    PlanDecisionRecord, PlannedScenario, Planning, PlanningArea, ResidentCount, SchoolType,
    StudentGroup,
};
pub use grade::{Grade, GradeBand, GradeBandError};
pub use ids::{CampusId, DistrictId, IdError};
pub use rating::{NotRatedReason, Rating, RatingError};
pub use role::Role;
pub use year::{SchoolYear, YearError};
