//! Statistics-only student attributes: student groups and planning area.
//!
//! The match never reads them. They are kept apart from the [`Market`] so that the published,
//! de-identified inputs and the input digest ([`crate::format::canonical_inputs`],
//! [`crate::verify::commit`]) cannot contain them: a verifier needs ids, lists, priorities,
//! scores, capacities, reserves, eligibility, guarantees and the opaque family key, and nothing
//! else. Statistics ([`crate::stats`]) and policy comparisons ([`crate::compare`]) take them as
//! a separate argument.

use std::collections::HashMap;

use crate::market::{Market, StudentIdx};

/// The statistics-only attributes of one student.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StudentAttributes {
    /// The planning area the student lives in.
    pub planning_area: Option<String>,
    /// Student groups the student belongs to, e.g. `econ_disadv`.
    pub groups: Vec<String>,
}

impl StudentAttributes {
    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        self.planning_area.is_none() && self.groups.is_empty()
    }
}

/// Attributes of every student of a market, by student index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attributes {
    by_student: Vec<StudentAttributes>,
}

static NONE: StudentAttributes = StudentAttributes {
    planning_area: None,
    groups: Vec::new(),
};

impl Attributes {
    /// No attributes for anyone.
    pub fn none() -> Self {
        Attributes::default()
    }

    /// Attributes given by student id; ids not in the market are ignored, students not named
    /// have none.
    pub fn from_ids(
        market: &Market,
        rows: impl IntoIterator<Item = (String, StudentAttributes)>,
    ) -> Self {
        let mut by_id: HashMap<String, StudentAttributes> =
            rows.into_iter().filter(|(_, a)| !a.is_empty()).collect();
        if by_id.is_empty() {
            return Attributes::none();
        }
        let by_student = market
            .students
            .iter()
            .map(|s| by_id.remove(&s.id).unwrap_or_default())
            .collect();
        Attributes { by_student }
    }

    /// The attributes of a student (empty when unknown).
    pub fn get(&self, student: StudentIdx) -> &StudentAttributes {
        self.by_student.get(student as usize).unwrap_or(&NONE)
    }

    /// Whether no student has any attribute.
    pub fn is_empty(&self) -> bool {
        self.by_student.iter().all(StudentAttributes::is_empty)
    }
}
