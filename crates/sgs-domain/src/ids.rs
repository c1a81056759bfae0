//! TEA district and campus identifiers.
//!
//! A district id is six digits (3-digit county + 3-digit district serial) and a campus id is nine
//! (district id + 3-digit campus serial). Both are kept as strings because leading zeros matter.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid TEA identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The value did not have the required number of ASCII digits.
    #[error("expected a {expected}-digit TEA {kind} id, got {value:?}")]
    WrongShape {
        kind: &'static str,
        expected: usize,
        value: String,
    },
}

fn parse_digits(value: &str, kind: &'static str, expected: usize) -> Result<String, IdError> {
    // Published files sometimes carry an Excel text marker (') or stray spaces; both are noise.
    let trimmed = value.trim().trim_start_matches('\'');
    if trimmed.len() == expected && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        Ok(trimmed.to_string())
    } else {
        Err(IdError::WrongShape {
            kind,
            expected,
            value: value.to_string(),
        })
    }
}

/// A TEA district id such as `015907` (San Antonio ISD).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DistrictId(String);

impl DistrictId {
    /// Parses a six-digit district id.
    pub fn parse(value: &str) -> Result<Self, IdError> {
        parse_digits(value, "district", 6).map(Self)
    }

    /// The id as written, leading zeros included.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DistrictId {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DistrictId> for String {
    fn from(id: DistrictId) -> Self {
        id.0
    }
}

impl fmt::Display for DistrictId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A TEA campus id such as `015907101`; its first six digits are the district id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CampusId(String);

impl CampusId {
    /// Parses a nine-digit campus id.
    pub fn parse(value: &str) -> Result<Self, IdError> {
        parse_digits(value, "campus", 9).map(Self)
    }

    /// The id as written, leading zeros included.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The district the campus belongs to: the first six digits.
    pub fn district_id(&self) -> DistrictId {
        DistrictId(self.0[..6].to_string())
    }
}

impl TryFrom<String> for CampusId {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CampusId> for String {
    fn from(id: CampusId) -> Self {
        id.0
    }
}

impl fmt::Display for CampusId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_zeros_are_kept() {
        let campus = CampusId::parse("015907101").unwrap();
        assert_eq!(campus.as_str(), "015907101");
        assert_eq!(campus.district_id().as_str(), "015907");
        assert_eq!(DistrictId::parse("'015907").unwrap().as_str(), "015907");
    }

    #[test]
    fn wrong_shapes_are_refused() {
        for bad in ["15907", "0159070", "01590a", ""] {
            assert!(DistrictId::parse(bad).is_err(), "{bad:?} accepted");
        }
        for bad in ["15907101", "0159071011", "01590710x"] {
            assert!(CampusId::parse(bad).is_err(), "{bad:?} accepted");
        }
        let err = CampusId::parse("15907101").unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected a 9-digit TEA campus id, got \"15907101\""
        );
    }
}
