//! Reading CSV files row by row with their line numbers, and turning cells into domain values.
//! Every parse failure becomes an [`ImportError`] that names the file, line, column and value.
//!
//! Cells are decoded as UTF-8 and, when that fails, as Latin-1 (older TEA downloads use it), and
//! trimmed. Masked or suppressed values (blank, `*`, `**`, `.`, `-`, `n/a`, and `-1` in published
//! count columns) read as missing, never as zero.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use sgs_domain::{CampusId, DistrictId, SchoolYear};

use crate::ImportError;

/// The values that mean "masked or not reported" in every file.
const MASKS: [&str; 8] = ["", "*", "**", "***", ".", "-", "--", "n/a"];

/// Whether a cell is masked. `published` files also mask counts with `-1`.
pub(crate) fn is_masked(value: &str, published: bool) -> bool {
    let value = value.trim();
    MASKS.iter().any(|mask| value.eq_ignore_ascii_case(mask)) || (published && value == "-1")
}

/// Restores leading zeros a spreadsheet dropped from an all-digit id, up to two of them.
pub(crate) fn pad_id(value: &str, width: usize) -> String {
    let trimmed = value.trim().trim_start_matches('\'');
    if trimmed.len() < width
        && trimmed.len() + 2 >= width
        && !trimmed.is_empty()
        && trimmed.bytes().all(|b| b.is_ascii_digit())
    {
        format!("{trimmed:0>width$}")
    } else {
        trimmed.to_string()
    }
}

/// The last component of a path, used to name the file in errors.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A column's position in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Col(pub usize);

/// An open CSV file whose header has been read.
pub(crate) struct Table {
    file: String,
    headers: Vec<String>,
    reader: csv::Reader<BufReader<File>>,
    published: bool,
}

impl Table {
    /// Opens a CSV file and reads its header. `published` selects the masking rules of TEA and
    /// NCES files.
    pub(crate) fn open(path: &Path, published: bool) -> Result<Table, ImportError> {
        let file = file_name(path);
        let handle = File::open(path).map_err(|err| {
            ImportError::general(&file, None, format!("cannot open file: {err}"), "")
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(BufReader::new(handle));
        let header = reader
            .byte_headers()
            .map_err(|err| csv_error(&file, err))?
            .clone();
        let headers: Vec<String> = header
            .iter()
            .map(|cell| decode(cell).trim().into())
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(ImportError::general(
                &file,
                Some(1),
                "the file is empty or has no header row",
                "a header row naming the columns",
            ));
        }
        Ok(Table {
            file,
            headers,
            reader,
            published,
        })
    }

    /// The file's name.
    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    /// The header cells as written, trimmed.
    pub(crate) fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Finds a column by name, ignoring case.
    pub(crate) fn find(&self, name: &str) -> Option<Col> {
        self.headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
            .map(Col)
    }

    /// Finds a column the file must have; `expected` describes the header the file should have.
    pub(crate) fn require(&self, name: &str, expected: &str) -> Result<Col, ImportError> {
        self.find(name)
            .ok_or_else(|| ImportError::missing_column(&self.file, name, expected))
    }

    /// Refuses a header that names a column twice.
    pub(crate) fn refuse_duplicate_columns(&self) -> Result<(), ImportError> {
        for (index, header) in self.headers.iter().enumerate() {
            if self.headers[..index]
                .iter()
                .any(|earlier| earlier.eq_ignore_ascii_case(header))
            {
                return Err(ImportError::invalid(
                    &self.file,
                    Some(1),
                    header,
                    header,
                    "each column named once in the header",
                )
                .with_message("column appears twice in the header"));
            }
        }
        Ok(())
    }

    /// Calls `visit` with every data row in order, stopping at the first error. Rows whose
    /// cells are all blank are skipped.
    pub(crate) fn for_each(
        &mut self,
        mut visit: impl FnMut(&Row<'_>) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let mut record = csv::ByteRecord::new();
        let mut latin1: Vec<String> = Vec::new();
        loop {
            let more = self
                .reader
                .read_byte_record(&mut record)
                .map_err(|err| csv_error(&self.file, err))?;
            if !more {
                return Ok(());
            }
            let line = record.position().map_or(0, |p| p.line());
            // Valid UTF-8 (the usual case) is borrowed without copying; anything else is
            // decoded as Latin-1.
            let text = match csv::StringRecord::from_byte_record(std::mem::take(&mut record)) {
                Ok(text) => Some(text),
                Err(err) => {
                    let bytes = err.into_byte_record();
                    latin1.clear();
                    latin1.extend(bytes.iter().map(|cell| decode(cell).into_owned()));
                    record = bytes;
                    None
                }
            };
            let cells = match &text {
                Some(text) => Cells::Text(text),
                None => Cells::Owned(&latin1),
            };
            let row = Row {
                file: &self.file,
                headers: &self.headers,
                cells,
                line,
                published: self.published,
            };
            let blank = (0..self.headers.len()).all(|i| row.raw(Col(i)).is_empty());
            let result = if blank { Ok(()) } else { visit(&row) };
            if let Some(text) = text {
                record = text.into_byte_record();
            }
            result?;
        }
    }
}

/// The cells of one row: borrowed from the CSV record when it is UTF-8, decoded otherwise.
enum Cells<'a> {
    /// A UTF-8 record.
    Text(&'a csv::StringRecord),
    /// Cells decoded as Latin-1.
    Owned(&'a [String]),
}

/// Decodes a cell as UTF-8, falling back to Latin-1.
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text.trim_start_matches('\u{feff}')),
        Err(_) => std::borrow::Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// Turns a CSV-level error into an import error with the line it happened on.
fn csv_error(file: &str, err: csv::Error) -> ImportError {
    let line = err.position().map(|p| p.line());
    match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ImportError::general(
            file,
            line,
            format!("row has {len} fields"),
            format!("{expected_len} fields, one per header column"),
        ),
        csv::ErrorKind::Io(io) => {
            ImportError::general(file, line, format!("cannot read file: {io}"), "")
        }
        _ => ImportError::general(file, line, format!("not a valid CSV file: {err}"), ""),
    }
}

/// One data row of a [`Table`].
pub(crate) struct Row<'a> {
    file: &'a str,
    headers: &'a [String],
    cells: Cells<'a>,
    line: u64,
    published: bool,
}

impl Row<'_> {
    /// The cell in `col`, trimmed.
    pub(crate) fn raw(&self, col: Col) -> &str {
        let cell = match &self.cells {
            Cells::Text(record) => record.get(col.0),
            Cells::Owned(cells) => cells.get(col.0).map(String::as_str),
        };
        cell.map_or("", str::trim)
    }

    /// The cell in an optional column; blank when the column is absent.
    pub(crate) fn raw_opt(&self, col: Option<Col>) -> &str {
        col.map_or("", |col| self.raw(col))
    }

    /// The cell's text, or `None` when blank.
    pub(crate) fn text(&self, col: Option<Col>) -> Option<String> {
        let value = self.raw_opt(col);
        (!value.is_empty()).then(|| value.to_string())
    }

    /// Whether the cell is masked or blank.
    pub(crate) fn masked(&self, col: Option<Col>) -> bool {
        is_masked(self.raw_opt(col), false)
    }

    /// An error about the value in `col`.
    pub(crate) fn error(&self, col: Col, expected: impl Into<String>) -> ImportError {
        let field = self.headers.get(col.0).map_or("", String::as_str);
        ImportError::invalid(self.file, Some(self.line), field, self.raw(col), expected)
    }

    /// An error about the row as a whole.
    pub(crate) fn row_error(
        &self,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> ImportError {
        ImportError::general(self.file, Some(self.line), message, expected)
    }

    /// A whole number, or `None` when masked.
    pub(crate) fn count(&self, col: Col, expected: &str) -> Result<Option<u32>, ImportError> {
        let value = self.raw(col);
        if is_masked(value, self.published) {
            return Ok(None);
        }
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.error(col, expected));
        }
        value
            .parse()
            .map(Some)
            .map_err(|_| self.error(col, expected))
    }

    /// A whole-number scaled score from 0 to 100, or `None` when masked.
    pub(crate) fn score(&self, col: Option<Col>) -> Result<Option<u8>, ImportError> {
        let Some(col) = col else { return Ok(None) };
        let expected = "a whole-number scaled score from 0 to 100, or blank when not reported";
        match self.count(col, expected)? {
            None => Ok(None),
            Some(score @ 0..=100) => Ok(Some(score as u8)),
            Some(_) => Err(self.error(col, expected)),
        }
    }

    /// A decimal number in `low..=high`, or `None` when masked.
    pub(crate) fn decimal(
        &self,
        col: Option<Col>,
        low: f64,
        high: f64,
        expected: &str,
    ) -> Result<Option<f64>, ImportError> {
        let Some(col) = col else { return Ok(None) };
        let value = self.raw(col);
        if is_masked(value, false) {
            return Ok(None);
        }
        match value.parse::<f64>() {
            Ok(number) if number.is_finite() && (low..=high).contains(&number) => Ok(Some(number)),
            _ => Err(self.error(col, expected)),
        }
    }

    /// A percent from 0 to 100, or `None` when masked.
    pub(crate) fn percent(&self, col: Option<Col>) -> Result<Option<f64>, ImportError> {
        self.decimal(
            col,
            0.0,
            100.0,
            "a percent from 0 to 100, or blank when masked",
        )
    }

    /// The campus id in `col`, which must belong to `district`.
    pub(crate) fn campus_id(
        &self,
        col: Col,
        district: &DistrictId,
    ) -> Result<CampusId, ImportError> {
        let expected = format!("a 9-digit TEA campus id of district {district}");
        let id =
            CampusId::parse(&pad_id(self.raw(col), 9)).map_err(|_| self.error(col, &expected))?;
        if id.district_id() != *district {
            return Err(self.error(col, expected).with_message(format!(
                "campus {id} belongs to district {}, not to {district}, the district being \
                 imported",
                id.district_id()
            )));
        }
        Ok(id)
    }

    /// A campus id of any district, or `None` when blank.
    pub(crate) fn any_campus_id(&self, col: Option<Col>) -> Result<Option<CampusId>, ImportError> {
        let Some(col) = col else { return Ok(None) };
        if self.raw(col).is_empty() {
            return Ok(None);
        }
        CampusId::parse(&pad_id(self.raw(col), 9))
            .map(Some)
            .map_err(|_| self.error(col, "a 9-digit TEA campus id, or blank"))
    }

    /// The school year in `col`, or `default` when the column is absent or the cell blank.
    pub(crate) fn year(
        &self,
        col: Option<Col>,
        default: Option<SchoolYear>,
    ) -> Result<SchoolYear, ImportError> {
        let value = self.raw_opt(col);
        if value.is_empty() {
            if let Some(year) = default {
                return Ok(year);
            }
        }
        SchoolYear::parse(value).map_err(|_| {
            let expected = "a school year like 2022-2023";
            match col {
                Some(col) => self.error(col, expected),
                None => self.row_error("the row has no school year", expected),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_are_missing_not_zero() {
        for mask in ["", " ", "*", "**", ".", "-", "N/A"] {
            assert!(is_masked(mask, false), "{mask:?}");
        }
        assert!(!is_masked("0", true));
        assert!(!is_masked("-1", false));
        assert!(is_masked("-1", true));
    }

    #[test]
    fn pads_ids_that_lost_leading_zeros() {
        assert_eq!(pad_id("15907001", 9), "015907001");
        assert_eq!(pad_id("1902001", 9), "001902001");
        assert_eq!(pad_id("'015907", 6), "015907");
        assert_eq!(pad_id("907001", 9), "907001", "too short to be a lost zero");
        assert_eq!(pad_id("1590700x", 9), "1590700x");
    }
}
