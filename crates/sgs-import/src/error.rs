//! The one error every reader returns. It says which file was refused, on which line and in
//! which column, what value was found there and what was expected instead, so that a person
//! can open the file and fix it without reading code.

use std::fmt;

/// Why a file was refused. A file with any error is refused whole: readers never return part of
/// a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", Rendered(self))]
pub struct ImportError {
    /// The file's name (the last component of its path).
    pub file: String,
    /// The 1-based line in the file, where the header is line 1; `None` for whole-file problems
    /// and for GeoJSON.
    pub line: Option<u64>,
    /// The column (or GeoJSON member) at fault, as the file names it.
    pub field: Option<String>,
    /// The value found, exactly as written.
    pub value: Option<String>,
    /// What was expected instead; empty when there is nothing useful to say.
    pub expected: String,
    /// What is wrong, in a few words.
    pub message: String,
}

/// Renders an error as `file:line: field F: message: expected E`, leaving out unknown parts.
struct Rendered<'a>(&'a ImportError);

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = self.0;
        f.write_str(&error.file)?;
        if let Some(line) = error.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &error.field {
            write!(f, ": field {field}")?;
        }
        write!(f, ": {}", error.message)?;
        if !error.expected.is_empty() {
            write!(f, ": expected {}", error.expected)?;
        }
        Ok(())
    }
}

impl ImportError {
    /// A value in a known place that is not valid.
    pub(crate) fn invalid(
        file: &str,
        line: Option<u64>,
        field: &str,
        value: &str,
        expected: impl Into<String>,
    ) -> Self {
        let message = if value.trim().is_empty() {
            "value is blank".to_string()
        } else {
            format!("value {value:?} is not valid")
        };
        ImportError {
            file: file.to_string(),
            line,
            field: Some(field.to_string()),
            value: Some(value.to_string()),
            expected: expected.into(),
            message,
        }
    }

    /// A column the file must have but does not.
    pub(crate) fn missing_column(file: &str, column: &str, expected: impl Into<String>) -> Self {
        ImportError {
            file: file.to_string(),
            line: Some(1),
            field: Some(column.to_string()),
            value: None,
            expected: expected.into(),
            message: "column is missing from the header".to_string(),
        }
    }

    /// A problem with the file as a whole, or with a line but no single field.
    pub(crate) fn general(
        file: &str,
        line: Option<u64>,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        ImportError {
            file: file.to_string(),
            line,
            field: None,
            value: None,
            expected: expected.into(),
            message: message.into(),
        }
    }

    /// Replaces the message, keeping the place and value.
    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_part_it_knows() {
        let error = ImportError::invalid(
            "enrollment.csv",
            Some(14),
            "G03",
            "x1",
            "a whole number of students or blank for masked",
        );
        assert_eq!(
            error.to_string(),
            "enrollment.csv:14: field G03: value \"x1\" is not valid: expected a whole number \
             of students or blank for masked"
        );
        let whole = ImportError::general("boundary.geojson", None, "not GeoJSON", "");
        assert_eq!(whole.to_string(), "boundary.geojson: not GeoJSON");
        let missing = ImportError::missing_column("capacity.csv", "capacity", "a capacity column");
        assert_eq!(
            missing.to_string(),
            "capacity.csv:1: field capacity: column is missing from the header: expected a \
             capacity column"
        );
    }
}
