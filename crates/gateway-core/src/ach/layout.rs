//! Where each field sits in each record, as NACHA's record tables give it (1-based
//! first position and width), and the writer and reader that use those tables.
//!
//! One table serves both directions, so what [`Writer`] puts in positions 13–29 is
//! what [`Reader`] takes from them; the writer also checks, in debug builds, that
//! every field starts where the previous one ended.

use super::{AchError, ParseProblem};
use chrono::{NaiveDate, NaiveTime};

/// Every record is 94 characters (the File Header's record size, "094").
pub const RECORD_LEN: usize = 94;
/// Records come in blocks of 10 (the File Header's blocking factor, "10").
pub const BLOCKING_FACTOR: usize = 10;

/// A field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    /// The first position, counting from 1 as NACHA does.
    pub start: usize,
    pub width: usize,
}

impl Field {
    const fn new(name: &'static str, start: usize, width: usize) -> Self {
        Self { name, start, width }
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start - 1..self.start - 1 + self.width
    }
}

/// File Header Record, record type "1".
pub mod file_header {
    use super::Field;
    pub const RECORD_TYPE: Field = Field::new("record type code", 1, 1); // 01-01 "1"
    pub const PRIORITY_CODE: Field = Field::new("priority code", 2, 2); // 02-03 "01"
    pub const IMMEDIATE_DESTINATION: Field = Field::new("immediate destination", 4, 10); // 04-13 " " + routing
    pub const IMMEDIATE_ORIGIN: Field = Field::new("immediate origin", 14, 10); // 14-23
    pub const FILE_CREATION_DATE: Field = Field::new("file creation date", 24, 6); // 24-29 YYMMDD
    pub const FILE_CREATION_TIME: Field = Field::new("file creation time", 30, 4); // 30-33 HHMM
    pub const FILE_ID_MODIFIER: Field = Field::new("file id modifier", 34, 1); // 34-34 A-Z, 0-9
    pub const RECORD_SIZE: Field = Field::new("record size", 35, 3); // 35-37 "094"
    pub const BLOCKING_FACTOR: Field = Field::new("blocking factor", 38, 2); // 38-39 "10"
    pub const FORMAT_CODE: Field = Field::new("format code", 40, 1); // 40-40 "1"
    pub const IMMEDIATE_DESTINATION_NAME: Field = Field::new("immediate destination name", 41, 23); // 41-63
    pub const IMMEDIATE_ORIGIN_NAME: Field = Field::new("immediate origin name", 64, 23); // 64-86
    pub const REFERENCE_CODE: Field = Field::new("reference code", 87, 8); // 87-94, left blank
    #[cfg(test)]
    pub const ALL: [Field; 13] = [
        RECORD_TYPE,
        PRIORITY_CODE,
        IMMEDIATE_DESTINATION,
        IMMEDIATE_ORIGIN,
        FILE_CREATION_DATE,
        FILE_CREATION_TIME,
        FILE_ID_MODIFIER,
        RECORD_SIZE,
        BLOCKING_FACTOR,
        FORMAT_CODE,
        IMMEDIATE_DESTINATION_NAME,
        IMMEDIATE_ORIGIN_NAME,
        REFERENCE_CODE,
    ];
}

/// Company/Batch Header Record, record type "5".
pub mod batch_header {
    use super::Field;
    pub const RECORD_TYPE: Field = Field::new("record type code", 1, 1); // 01-01 "5"
    pub const SERVICE_CLASS_CODE: Field = Field::new("service class code", 2, 3); // 02-04 "220"
    pub const COMPANY_NAME: Field = Field::new("company name", 5, 16); // 05-20
    pub const COMPANY_DISCRETIONARY_DATA: Field = Field::new("company discretionary data", 21, 20); // 21-40, blank
    pub const COMPANY_IDENTIFICATION: Field = Field::new("company identification", 41, 10); // 41-50
    pub const STANDARD_ENTRY_CLASS_CODE: Field = Field::new("standard entry class code", 51, 3); // 51-53 "CCD"
    pub const COMPANY_ENTRY_DESCRIPTION: Field = Field::new("company entry description", 54, 10); // 54-63
    pub const COMPANY_DESCRIPTIVE_DATE: Field = Field::new("company descriptive date", 64, 6); // 64-69, blank
    pub const EFFECTIVE_ENTRY_DATE: Field = Field::new("effective entry date", 70, 6); // 70-75 YYMMDD
    pub const SETTLEMENT_DATE: Field = Field::new("settlement date", 76, 3); // 76-78, blank: the ACH Operator's
    pub const ORIGINATOR_STATUS_CODE: Field = Field::new("originator status code", 79, 1); // 79-79 "1"
    pub const ORIGINATING_DFI_IDENTIFICATION: Field = Field::new("originating DFI identification", 80, 8); // 80-87
    pub const BATCH_NUMBER: Field = Field::new("batch number", 88, 7); // 88-94
    #[cfg(test)]
    pub const ALL: [Field; 13] = [
        RECORD_TYPE,
        SERVICE_CLASS_CODE,
        COMPANY_NAME,
        COMPANY_DISCRETIONARY_DATA,
        COMPANY_IDENTIFICATION,
        STANDARD_ENTRY_CLASS_CODE,
        COMPANY_ENTRY_DESCRIPTION,
        COMPANY_DESCRIPTIVE_DATE,
        EFFECTIVE_ENTRY_DATE,
        SETTLEMENT_DATE,
        ORIGINATOR_STATUS_CODE,
        ORIGINATING_DFI_IDENTIFICATION,
        BATCH_NUMBER,
    ];
}

/// CCD Entry Detail Record, record type "6".
pub mod entry_detail {
    use super::Field;
    pub const RECORD_TYPE: Field = Field::new("record type code", 1, 1); // 01-01 "6"
    pub const TRANSACTION_CODE: Field = Field::new("transaction code", 2, 2); // 02-03 "22" or "32"
    pub const RECEIVING_DFI_IDENTIFICATION: Field = Field::new("receiving DFI identification", 4, 8); // 04-11
    pub const CHECK_DIGIT: Field = Field::new("check digit", 12, 1); // 12-12
    pub const DFI_ACCOUNT_NUMBER: Field = Field::new("DFI account number", 13, 17); // 13-29
    pub const AMOUNT: Field = Field::new("amount", 30, 10); // 30-39, cents
    pub const IDENTIFICATION_NUMBER: Field = Field::new("identification number", 40, 15); // 40-54
    pub const RECEIVING_COMPANY_NAME: Field = Field::new("receiving company name", 55, 22); // 55-76
    pub const DISCRETIONARY_DATA: Field = Field::new("discretionary data", 77, 2); // 77-78, blank
    pub const ADDENDA_RECORD_INDICATOR: Field = Field::new("addenda record indicator", 79, 1); // 79-79 "0"
    pub const TRACE_NUMBER: Field = Field::new("trace number", 80, 15); // 80-94
    #[cfg(test)]
    pub const ALL: [Field; 11] = [
        RECORD_TYPE,
        TRANSACTION_CODE,
        RECEIVING_DFI_IDENTIFICATION,
        CHECK_DIGIT,
        DFI_ACCOUNT_NUMBER,
        AMOUNT,
        IDENTIFICATION_NUMBER,
        RECEIVING_COMPANY_NAME,
        DISCRETIONARY_DATA,
        ADDENDA_RECORD_INDICATOR,
        TRACE_NUMBER,
    ];
}

/// Company/Batch Control Record, record type "8".
pub mod batch_control {
    use super::Field;
    pub const RECORD_TYPE: Field = Field::new("record type code", 1, 1); // 01-01 "8"
    pub const SERVICE_CLASS_CODE: Field = Field::new("service class code", 2, 3); // 02-04 "220"
    pub const ENTRY_ADDENDA_COUNT: Field = Field::new("entry/addenda count", 5, 6); // 05-10
    pub const ENTRY_HASH: Field = Field::new("entry hash", 11, 10); // 11-20
    pub const TOTAL_DEBIT: Field = Field::new("total debit entry dollar amount", 21, 12); // 21-32, cents
    pub const TOTAL_CREDIT: Field = Field::new("total credit entry dollar amount", 33, 12); // 33-44, cents
    pub const COMPANY_IDENTIFICATION: Field = Field::new("company identification", 45, 10); // 45-54
    pub const MESSAGE_AUTHENTICATION_CODE: Field = Field::new("message authentication code", 55, 19); // 55-73, blank
    pub const RESERVED: Field = Field::new("reserved", 74, 6); // 74-79, blank
    pub const ORIGINATING_DFI_IDENTIFICATION: Field = Field::new("originating DFI identification", 80, 8); // 80-87
    pub const BATCH_NUMBER: Field = Field::new("batch number", 88, 7); // 88-94
    #[cfg(test)]
    pub const ALL: [Field; 11] = [
        RECORD_TYPE,
        SERVICE_CLASS_CODE,
        ENTRY_ADDENDA_COUNT,
        ENTRY_HASH,
        TOTAL_DEBIT,
        TOTAL_CREDIT,
        COMPANY_IDENTIFICATION,
        MESSAGE_AUTHENTICATION_CODE,
        RESERVED,
        ORIGINATING_DFI_IDENTIFICATION,
        BATCH_NUMBER,
    ];
}

/// File Control Record, record type "9".
pub mod file_control {
    use super::Field;
    pub const RECORD_TYPE: Field = Field::new("record type code", 1, 1); // 01-01 "9"
    pub const BATCH_COUNT: Field = Field::new("batch count", 2, 6); // 02-07
    pub const BLOCK_COUNT: Field = Field::new("block count", 8, 6); // 08-13
    pub const ENTRY_ADDENDA_COUNT: Field = Field::new("entry/addenda count", 14, 8); // 14-21
    pub const ENTRY_HASH: Field = Field::new("entry hash", 22, 10); // 22-31
    pub const TOTAL_DEBIT: Field = Field::new("total debit entry dollar amount in file", 32, 12); // 32-43, cents
    pub const TOTAL_CREDIT: Field = Field::new("total credit entry dollar amount in file", 44, 12); // 44-55, cents
    pub const RESERVED: Field = Field::new("reserved", 56, 39); // 56-94, blank
    #[cfg(test)]
    pub const ALL: [Field; 8] =
        [RECORD_TYPE, BATCH_COUNT, BLOCK_COUNT, ENTRY_ADDENDA_COUNT, ENTRY_HASH, TOTAL_DEBIT, TOTAL_CREDIT, RESERVED];
}

/// The largest number a numeric field of `width` digits holds.
pub const fn max_of(width: usize) -> u64 {
    // Widths here are at most 15 digits, far from u64's 19.
    let mut max = 1u64;
    let mut i = 0;
    while i < width {
        max *= 10;
        i += 1;
    }
    max - 1
}

/// Builds one record field by field, in order. The caller has checked that every
/// value fits its field; the debug assertions are there to catch a layout slip.
pub struct Writer(String);

impl Writer {
    pub fn new() -> Self {
        Self(String::with_capacity(RECORD_LEN))
    }

    /// An alphanumeric field: left-justified, space-padded.
    pub fn alpha(mut self, field: Field, text: &str) -> Self {
        self.check_start(field);
        debug_assert!(text.len() <= field.width, "{} does not fit {} characters", field.name, field.width);
        self.0.push_str(&format!("{text:<width$}", width = field.width));
        self
    }

    /// A numeric field: right-justified, zero-padded.
    pub fn numeric(mut self, field: Field, value: u64) -> Self {
        self.check_start(field);
        debug_assert!(value <= max_of(field.width), "{} does not fit {} digits", field.name, field.width);
        self.0.push_str(&format!("{value:0width$}", width = field.width));
        self
    }

    /// A field this module leaves empty: all spaces.
    pub fn blank(self, field: Field) -> Self {
        self.alpha(field, "")
    }

    pub fn finish(self) -> String {
        debug_assert_eq!(self.0.len(), RECORD_LEN);
        self.0
    }

    fn check_start(&self, field: Field) {
        debug_assert_eq!(self.0.len() + 1, field.start, "{} starts at position {}", field.name, field.start);
    }
}

/// Reads the fields of one record, already checked to be 94 ASCII characters.
pub struct Reader<'a> {
    record: &'a str,
    /// The record's line in the file, counting from 1, for errors.
    pub line: usize,
}

impl<'a> Reader<'a> {
    pub fn new(record: &'a str, line: usize) -> Self {
        Self { record, line }
    }

    /// The field's characters exactly as written.
    pub fn raw(&self, field: Field) -> &'a str {
        self.record.get(field.range()).unwrap_or_default()
    }

    pub fn invalid(&self, field: Field) -> AchError {
        AchError::Parse { line: self.line, problem: ParseProblem::Invalid { field: field.name } }
    }

    /// An alphanumeric field without its right padding. Only what this module writes
    /// is accepted: printable ASCII with no lower-case letter.
    pub fn alpha(&self, field: Field) -> Result<String, AchError> {
        let raw = self.raw(field);
        if raw.bytes().all(|b| (b' '..=b'~').contains(&b) && !b.is_ascii_lowercase()) {
            Ok(raw.trim_end_matches(' ').to_string())
        } else {
            Err(self.invalid(field))
        }
    }

    /// A numeric field: digits only, all of them.
    pub fn numeric(&self, field: Field) -> Result<u64, AchError> {
        let raw = self.raw(field);
        if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.invalid(field));
        }
        raw.parse().map_err(|_| self.invalid(field))
    }

    /// A field whose content is fixed.
    pub fn constant(&self, field: Field, expected: &str) -> Result<(), AchError> {
        if self.raw(field) == expected { Ok(()) } else { Err(self.invalid(field)) }
    }

    /// A field this module leaves empty.
    pub fn blank(&self, field: Field) -> Result<(), AchError> {
        if self.raw(field).bytes().all(|b| b == b' ') { Ok(()) } else { Err(self.invalid(field)) }
    }

    /// A YYMMDD date, read as 20YY.
    pub fn date(&self, field: Field) -> Result<NaiveDate, AchError> {
        let n = self.numeric(field)?;
        let (yy, mm, dd) = (n / 10_000, (n / 100) % 100, n % 100);
        let year = i32::try_from(2000 + yy).map_err(|_| self.invalid(field))?;
        let (month, day) = (u32::try_from(mm), u32::try_from(dd));
        match (month, day) {
            (Ok(month), Ok(day)) => NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| self.invalid(field)),
            _ => Err(self.invalid(field)),
        }
    }

    /// An HHMM time.
    pub fn time(&self, field: Field) -> Result<NaiveTime, AchError> {
        let n = self.numeric(field)?;
        let (hour, minute) = (u32::try_from(n / 100), u32::try_from(n % 100));
        match (hour, minute) {
            (Ok(hour), Ok(minute)) => NaiveTime::from_hms_opt(hour, minute, 0).ok_or_else(|| self.invalid(field)),
            _ => Err(self.invalid(field)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each record's fields follow one another from position 1 to 94, no gap, no overlap.
    #[test]
    fn fields_tile_every_record() {
        let records: [&[Field]; 5] =
            [&file_header::ALL, &batch_header::ALL, &entry_detail::ALL, &batch_control::ALL, &file_control::ALL];
        for fields in records {
            let mut next = 1;
            for field in fields {
                assert_eq!(field.start, next, "{}", field.name);
                next += field.width;
            }
            assert_eq!(next, RECORD_LEN + 1);
        }
    }

    #[test]
    fn numeric_fields_are_zero_padded_and_alpha_fields_space_padded() {
        use file_control as f;
        let record = Writer::new()
            .alpha(f::RECORD_TYPE, "9")
            .numeric(f::BATCH_COUNT, 1)
            .numeric(f::BLOCK_COUNT, 1)
            .numeric(f::ENTRY_ADDENDA_COUNT, 2)
            .numeric(f::ENTRY_HASH, 12_345_678)
            .numeric(f::TOTAL_DEBIT, 0)
            .numeric(f::TOTAL_CREDIT, 123_456)
            .blank(f::RESERVED)
            .finish();
        assert_eq!(&record[..55], "9000001000001000000020012345678000000000000000000123456");
        assert_eq!(&record[55..], " ".repeat(39));
        assert_eq!(max_of(10), 9_999_999_999);
        assert_eq!(max_of(1), 9);
    }
}
