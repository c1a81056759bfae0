//! TEA A–F ratings and the reasons a campus is Not Rated.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a campus has no letter grade in a year. Distinct reasons matter: a year "Not Rated:
/// Declared State of Disaster" is a gap in the data, not a failing school.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NotRatedReason {
    /// 2020 and 2021: no ratings statewide.
    DeclaredDisaster,
    /// 2022: campuses that would have been D or F.
    Sb1365,
    /// No or insufficient data, residential facility, JJAEP, DAEP and similar.
    NoData,
    /// Data under review or data integrity issues.
    DataUnderReview,
    /// A reason the file gave that SGS does not classify, kept verbatim.
    Other(String),
}

impl NotRatedReason {
    /// A stable code for storage and files.
    pub fn code(&self) -> String {
        match self {
            NotRatedReason::DeclaredDisaster => "declared_disaster".into(),
            NotRatedReason::Sb1365 => "sb1365".into(),
            NotRatedReason::NoData => "no_data".into(),
            NotRatedReason::DataUnderReview => "data_under_review".into(),
            NotRatedReason::Other(text) => format!("other:{text}"),
        }
    }

    /// The inverse of [`NotRatedReason::code`].
    pub fn from_code(code: &str) -> NotRatedReason {
        match code {
            "declared_disaster" => NotRatedReason::DeclaredDisaster,
            "sb1365" => NotRatedReason::Sb1365,
            "no_data" => NotRatedReason::NoData,
            "data_under_review" => NotRatedReason::DataUnderReview,
            other => NotRatedReason::Other(other.strip_prefix("other:").unwrap_or(other).into()),
        }
    }

    /// English wording as TEA uses it.
    pub fn label(&self) -> String {
        match self {
            NotRatedReason::DeclaredDisaster => "Declared State of Disaster".into(),
            NotRatedReason::Sb1365 => "SB 1365".into(),
            NotRatedReason::NoData => "No or insufficient data".into(),
            NotRatedReason::DataUnderReview => "Data under review".into(),
            NotRatedReason::Other(text) => text.clone(),
        }
    }
}

/// A campus's accountability rating for one year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rating {
    /// A letter grade, one of A, B, C, D, F.
    Letter(char),
    /// Not Rated, with its reason.
    NotRated(NotRatedReason),
}

/// Why a value is not a rating.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a rating A, B, C, D, F or \"Not Rated[: reason]\", got {0:?}")]
pub struct RatingError(pub String);

impl Rating {
    /// Parses a rating as TEA files write it: `A`…`F`, `Not Rated`, `Not Rated: SB 1365`,
    /// `Not Rated: Declared State of Disaster`, `Data Integrity Issues`.
    ///
    /// A bare `Not Rated` carries no reason, so `default_reason` supplies the one that applies to
    /// the file's year (for example SB 1365 is not implied: TEA also wrote bare "Not Rated" in
    /// 2022 for campuses with no data).
    pub fn parse(value: &str, default_reason: NotRatedReason) -> Result<Rating, RatingError> {
        let trimmed = value.trim();
        let upper = trimmed.to_ascii_uppercase();
        if let [letter @ (b'A' | b'B' | b'C' | b'D' | b'F')] = upper.as_bytes() {
            return Ok(Rating::Letter(*letter as char));
        }
        if upper == "DATA INTEGRITY ISSUES" || upper == "NOT RATED: DATA UNDER REVIEW" {
            return Ok(Rating::NotRated(NotRatedReason::DataUnderReview));
        }
        let Some(rest) = upper.strip_prefix("NOT RATED") else {
            return Err(RatingError(value.to_string()));
        };
        let reason_text = rest.trim_start_matches([':', ' ', '-']).trim();
        let reason = if reason_text.is_empty() {
            default_reason
        } else if reason_text.contains("DISASTER") {
            NotRatedReason::DeclaredDisaster
        } else if reason_text.replace(' ', "").contains("SB1365") {
            NotRatedReason::Sb1365
        } else if reason_text.contains("DATA") {
            NotRatedReason::NoData
        } else {
            let original = trimmed[trimmed.len() - reason_text.len()..].to_string();
            NotRatedReason::Other(original)
        };
        Ok(Rating::NotRated(reason))
    }

    /// The letter, when rated.
    pub fn letter(&self) -> Option<char> {
        match self {
            Rating::Letter(letter) => Some(*letter),
            Rating::NotRated(_) => None,
        }
    }

    /// The letter grade a 0–100 scaled score earns: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F.
    pub fn from_scaled_score(score: u8) -> Rating {
        let letter = match score {
            90.. => 'A',
            80..=89 => 'B',
            70..=79 => 'C',
            60..=69 => 'D',
            _ => 'F',
        };
        Rating::Letter(letter)
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rating::Letter(letter) => write!(f, "{letter}"),
            Rating::NotRated(reason) => write!(f, "Not Rated: {}", reason.label()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Rating) {
        let parsed = Rating::parse(input, NotRatedReason::NoData).unwrap();
        assert_eq!(parsed, expected, "parsing {input:?}");
    }

    #[test]
    fn parses_tea_rating_strings() {
        check("A", Rating::Letter('A'));
        check(" f ", Rating::Letter('F'));
        check("Not Rated", Rating::NotRated(NotRatedReason::NoData));
        check(
            "Not Rated: SB 1365",
            Rating::NotRated(NotRatedReason::Sb1365),
        );
        check(
            "Not Rated: Declared State of Disaster",
            Rating::NotRated(NotRatedReason::DeclaredDisaster),
        );
        check(
            "Data Integrity Issues",
            Rating::NotRated(NotRatedReason::DataUnderReview),
        );
        check(
            "Not Rated: Paired campus",
            Rating::NotRated(NotRatedReason::Other("Paired campus".into())),
        );
    }

    #[test]
    fn refuses_what_is_not_a_rating() {
        for bad in ["E", "AB", "", "Rated"] {
            assert!(
                Rating::parse(bad, NotRatedReason::NoData).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn reason_codes_round_trip() {
        let reasons = [
            NotRatedReason::DeclaredDisaster,
            NotRatedReason::Sb1365,
            NotRatedReason::NoData,
            NotRatedReason::DataUnderReview,
            NotRatedReason::Other("Residential facility".into()),
        ];
        for reason in reasons {
            assert_eq!(NotRatedReason::from_code(&reason.code()), reason);
        }
    }

    #[test]
    fn scaled_score_cut_points() {
        let cases = [
            (100, 'A'),
            (90, 'A'),
            (89, 'B'),
            (80, 'B'),
            (79, 'C'),
            (60, 'D'),
            (59, 'F'),
        ];
        for (score, letter) in cases {
            assert_eq!(
                Rating::from_scaled_score(score),
                Rating::Letter(letter),
                "{score}"
            );
        }
    }
}
