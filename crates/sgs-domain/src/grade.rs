//! Grades (EE, PK, K, 1–12) and grade bands.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A grade level as TEA reports it. Ordered from early education to grade 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    /// Early education (children under pre-kindergarten age receiving services).
    EE,
    /// Pre-kindergarten.
    PK,
    /// Kindergarten.
    K,
    /// Grades 1 to 12.
    G(u8),
}

impl Grade {
    /// Every grade in order.
    pub fn all() -> Vec<Grade> {
        let mut grades = vec![Grade::EE, Grade::PK, Grade::K];
        grades.extend((1..=12).map(Grade::G));
        grades
    }

    /// Parses the spellings found in TEA and SGS files: `EE`, `PK`, `K`, `KG`, `KN`, `1`, `01`,
    /// `G01`, `12`.
    pub fn parse(value: &str) -> Option<Grade> {
        let upper = value.trim().to_ascii_uppercase();
        let bare = upper
            .strip_prefix('G')
            .filter(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or(&upper);
        match bare {
            "EE" | "GEE" => Some(Grade::EE),
            "PK" | "GPK" => Some(Grade::PK),
            "K" | "KG" | "KN" | "GK" | "GKN" | "00" => Some(Grade::K),
            digits => match digits.parse::<u8>() {
                Ok(n @ 1..=12) => Some(Grade::G(n)),
                _ => None,
            },
        }
    }

    /// A position from 0 (EE) to 14 (grade 12), used to compare and step through grades.
    pub fn index(self) -> u8 {
        match self {
            Grade::EE => 0,
            Grade::PK => 1,
            Grade::K => 2,
            Grade::G(n) => 2 + n,
        }
    }

    /// The grade at a position from [`Grade::index`].
    pub fn from_index(index: u8) -> Option<Grade> {
        match index {
            0 => Some(Grade::EE),
            1 => Some(Grade::PK),
            2 => Some(Grade::K),
            3..=14 => Some(Grade::G(index - 2)),
            _ => None,
        }
    }

    /// The short code used in SGS files and the database: `EE`, `PK`, `K`, `1` … `12`.
    pub fn code(self) -> String {
        match self {
            Grade::EE => "EE".into(),
            Grade::PK => "PK".into(),
            Grade::K => "K".into(),
            Grade::G(n) => n.to_string(),
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// A named, inclusive range of grades, such as K–5. A district configures its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeBand {
    /// The band's label, for example `K-5`.
    pub name: String,
    /// The lowest grade in the band.
    pub low: Grade,
    /// The highest grade in the band.
    pub high: Grade,
}

impl GradeBand {
    /// A band from `low` to `high`, named after them.
    pub fn new(low: Grade, high: Grade) -> Self {
        Self {
            name: format!("{low}-{high}"),
            low,
            high,
        }
    }

    /// The default bands: K–5, 6–8, 9–12.
    pub fn defaults() -> Vec<GradeBand> {
        vec![
            GradeBand::new(Grade::K, Grade::G(5)),
            GradeBand::new(Grade::G(6), Grade::G(8)),
            GradeBand::new(Grade::G(9), Grade::G(12)),
        ]
    }

    /// Whether the band holds `grade`.
    pub fn contains(&self, grade: Grade) -> bool {
        self.low <= grade && grade <= self.high
    }
}

/// Why a list of grade bands is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeBandError {
    /// A band could not be read.
    #[error("grade band {0:?} is not valid: expected LOW-HIGH such as K-5, 6-8 or PK-2")]
    Unreadable(String),
    /// A band runs backwards.
    #[error("grade band {0} runs backwards: its first grade must not be above its last")]
    Backwards(String),
    /// Two bands share a grade, so a student would count twice.
    #[error("grade bands {0} and {1} overlap: each grade may belong to one band only")]
    Overlap(String, String),
    /// No band at all.
    #[error("expected at least one grade band")]
    Empty,
}

impl GradeBand {
    /// Reads a comma-separated list such as `K-5, 6-8, 9-12` and checks it: every band runs
    /// forwards and no grade is in two bands. Bands come back ordered by their first grade.
    pub fn parse_list(text: &str) -> Result<Vec<GradeBand>, GradeBandError> {
        let mut bands = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let unreadable = || GradeBandError::Unreadable(part.to_string());
            let (low, high) = part.split_once('-').ok_or_else(unreadable)?;
            let low = Grade::parse(low).ok_or_else(unreadable)?;
            let high = Grade::parse(high).ok_or_else(unreadable)?;
            bands.push(GradeBand::new(low, high));
        }
        GradeBand::check(bands)
    }

    /// Checks a list of bands (see [`GradeBand::parse_list`]) and orders it.
    pub fn check(mut bands: Vec<GradeBand>) -> Result<Vec<GradeBand>, GradeBandError> {
        if bands.is_empty() {
            return Err(GradeBandError::Empty);
        }
        if let Some(band) = bands.iter().find(|b| b.low > b.high) {
            return Err(GradeBandError::Backwards(band.name.clone()));
        }
        bands.sort_by_key(|b| b.low);
        for pair in bands.windows(2) {
            if pair[1].low <= pair[0].high {
                return Err(GradeBandError::Overlap(
                    pair[0].name.clone(),
                    pair[1].name.clone(),
                ));
            }
        }
        Ok(bands)
    }

    /// The list written back as text, the inverse of [`GradeBand::parse_list`].
    pub fn list_to_string(bands: &[GradeBand]) -> String {
        bands
            .iter()
            .map(|b| b.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tea_spellings() {
        let cases = [
            ("EE", Some(Grade::EE)),
            ("GPK", Some(Grade::PK)),
            ("KG", Some(Grade::K)),
            ("GKN", Some(Grade::K)),
            ("01", Some(Grade::G(1))),
            ("G12", Some(Grade::G(12))),
            ("9", Some(Grade::G(9))),
            ("13", None),
            ("0", None),
            ("G", None),
        ];
        for (input, expected) in cases {
            assert_eq!(Grade::parse(input), expected, "parsing {input:?}");
        }
    }

    #[test]
    fn grades_order_and_step() {
        let all = Grade::all();
        assert_eq!(all.len(), 15);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        for grade in all {
            assert_eq!(Grade::from_index(grade.index()), Some(grade));
            assert_eq!(Grade::parse(&grade.code()), Some(grade));
        }
    }

    #[test]
    fn default_bands_cover_k_to_12_once() {
        let bands = GradeBand::defaults();
        for grade in Grade::all() {
            let holding = bands.iter().filter(|b| b.contains(grade)).count();
            let expected = usize::from(grade >= Grade::K);
            assert_eq!(holding, expected, "grade {grade}");
        }
        assert_eq!(bands[0].name, "K-5");
    }

    #[test]
    fn grade_band_lists_are_checked() {
        let bands = GradeBand::parse_list("6-8, PK-5 ,9-12").unwrap();
        assert_eq!(GradeBand::list_to_string(&bands), "PK-5, 6-8, 9-12");
        let cases = [
            (
                "K-5, 5-8",
                GradeBandError::Overlap("K-5".into(), "5-8".into()),
            ),
            ("8-6", GradeBandError::Backwards("8-6".into())),
            ("K-13", GradeBandError::Unreadable("K-13".into())),
            ("K", GradeBandError::Unreadable("K".into())),
            (" , ", GradeBandError::Empty),
        ];
        for (input, expected) in cases {
            assert_eq!(
                GradeBand::parse_list(input).unwrap_err(),
                expected,
                "{input:?}"
            );
        }
    }
}
