//! Spreadsheet downloads: every table SGS offers as CSV also comes as an XLSX workbook, with
//! numbers stored as numbers so analysts can sort and chart them straight away.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::error::AppError;

/// Turns CSV text (header row first) into an XLSX workbook with one sheet.
pub fn from_csv(sheet: &str, csv_text: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    for (row, record) in reader.records().enumerate() {
        let Ok(record) = record else { continue };
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        for (column, value) in record.iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            if row == 0 {
                worksheet.write_string_with_format(row, column, value, &bold)?;
            } else if let Some(number) = value
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && !looks_like_an_id(value))
            {
                worksheet.write_number(row, column, number)?;
            } else if !value.is_empty() {
                worksheet.write_string(row, column, value)?;
            }
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

/// TEA ids keep their leading zeros: `015907101` stays text.
fn looks_like_an_id(value: &str) -> bool {
    value.len() > 1 && value.starts_with('0') && !value.starts_with("0.")
}

/// An XLSX download made from CSV text.
pub fn response(file_stem: &str, csv_text: &str) -> Result<Response, AppError> {
    let bytes =
        from_csv("SGS", csv_text).map_err(|e| AppError::BadRequest(format!("spreadsheet: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_stem}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_a_zip_with_the_sheet() {
        let bytes = from_csv("SGS", "campus_id,name,students\n015907101,\"A, B\",450\n").unwrap();
        assert_eq!(&bytes[..2], b"PK", "XLSX is a zip archive");
        assert!(bytes.len() > 1000);
        assert!(looks_like_an_id("015907101"));
        assert!(!looks_like_an_id("0.25") && !looks_like_an_id("0") && !looks_like_an_id("450"));
    }
}
