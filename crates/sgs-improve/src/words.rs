//! The sentences a chart says about itself, in English and Spanish.
//!
//! Everything a sentence names comes from the data: counts, period labels exactly as the series
//! spells them ("March", "2024-03", "2023-24"), values and limits. Period labels are not
//! translated; they are the district's own words.

use serde::{Deserialize, Serialize};

/// A user-facing sentence in English and Spanish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// English.
    pub en: String,
    /// Spanish.
    pub es: String,
}

impl Text {
    /// Builds a text from its English and Spanish forms.
    pub fn new(en: impl Into<String>, es: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            es: es.into(),
        }
    }
}

/// A number as a chart sentence shows it: whole numbers without decimals, others with at most
/// three decimals and no trailing zeros.
pub(crate) fn number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let rounded = format!("{value:.3}");
    let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

/// "since March" / "desde March" when the points reach the end of the series, "from March to
/// June" / "de March a June" otherwise, "in March" / "en March" for one period.
pub(crate) fn span(from: &str, to: &str, ongoing: bool) -> Text {
    if ongoing {
        Text::new(format!("since {from}"), format!("desde {from}"))
    } else if from == to {
        Text::new(format!("in {from}"), format!("en {from}"))
    } else {
        Text::new(format!("from {from} to {to}"), format!("de {from} a {to}"))
    }
}

/// "1 point" / "3 points" and "1 punto" / "3 puntos".
pub(crate) fn points(count: usize) -> Text {
    if count == 1 {
        Text::new("1 point", "1 punto")
    } else {
        Text::new(format!("{count} points"), format!("{count} puntos"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        for (value, shown) in [
            (12.0, "12"),
            (0.8534, "0.853"),
            (0.5, "0.5"),
            (-3.25, "-3.25"),
            (-0.0001, "0"),
            (1e6, "1000000"),
        ] {
            assert_eq!(number(value), shown, "{value}");
        }
    }

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span("March", "June", true).en, "since March");
        assert_eq!(span("March", "June", false).es, "de March a June");
        assert_eq!(span("March", "March", false).en, "in March");
        assert_eq!(points(1).es, "1 punto");
        assert_eq!(points(4).en, "4 points");
    }
}
