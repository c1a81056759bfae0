//! School years such as `2022-2023`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not a school year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a school year like 2022-2023, got {0:?}")]
pub struct YearError(pub String);

/// A school year, named by the calendar year in which it starts (fall) and ends (spring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchoolYear {
    start: u16,
}

impl SchoolYear {
    /// The school year starting in the fall of `start`.
    pub fn starting(start: u16) -> Self {
        Self { start }
    }

    /// Parses `2022-2023`, `2022-23` or a bare spring year `2023` (TEA files name years so).
    pub fn parse(value: &str) -> Result<Self, YearError> {
        let err = || YearError(value.to_string());
        let value_trim = value.trim();
        if let Some((a, b)) = value_trim.split_once('-') {
            let start: u16 = a.parse().map_err(|_| err())?;
            let end: u16 = b.parse().map_err(|_| err())?;
            let end_full = match b.len() {
                4 => end,
                2 => (start / 100) * 100 + end + if end < start % 100 { 100 } else { 0 },
                _ => return Err(err()),
            };
            if a.len() != 4 || end_full != start + 1 {
                return Err(err());
            }
            Ok(Self { start })
        } else if value_trim.len() == 4 {
            let end: u16 = value_trim.parse().map_err(|_| err())?;
            Ok(Self { start: end - 1 })
        } else {
            Err(err())
        }
    }

    /// The fall calendar year.
    pub fn start(self) -> u16 {
        self.start
    }

    /// The spring calendar year; TEA names accountability years by it (the "2019 ratings").
    pub fn end(self) -> u16 {
        self.start + 1
    }

    /// The year before.
    pub fn previous(self) -> Self {
        Self {
            start: self.start - 1,
        }
    }

    /// The year after.
    pub fn next(self) -> Self {
        Self {
            start: self.start + 1,
        }
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.start + 1)
    }
}

impl TryFrom<String> for SchoolYear {
    type Error = YearError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SchoolYear> for String {
    fn from(year: SchoolYear) -> Self {
        year.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_in_published_files() {
        let year = SchoolYear::parse("2022-2023").unwrap();
        assert_eq!(year.start(), 2022);
        assert_eq!(year.to_string(), "2022-2023");
        assert_eq!(SchoolYear::parse("2022-23").unwrap(), year);
        assert_eq!(SchoolYear::parse("2023").unwrap(), year);
        assert_eq!(
            SchoolYear::parse("1999-00").unwrap().to_string(),
            "1999-2000"
        );
    }

    #[test]
    fn refuses_years_that_do_not_follow_each_other() {
        for bad in ["2022-2024", "202", "22-23", "next year", "2022-"] {
            assert!(SchoolYear::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
