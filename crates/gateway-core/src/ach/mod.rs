//! US bank payouts as a NACHA ACH file (issue 21): credits to merchants' checking and
//! savings accounts, written as one file for the bank that originates them (the ODFI).
//!
//! The format, as NACHA publishes it (Nacha Operating Rules, Appendix Three; its ACH
//! Guide for Developers, <https://achdevguide.nacha.org/>) and banks restate it in
//! their origination guides:
//! - The file is lines of exactly 94 characters, called records. The first character
//!   is the record type: File Header "1", then per batch a Company/Batch Header "5",
//!   its Entry Detail records "6" (each optionally followed by Addenda "7"), and a
//!   Company/Batch Control "8"; last the File Control "9".
//! - Records are counted in blocks of 10 (the blocking factor); the last block is
//!   filled with records of 94 '9's.
//! - Numeric fields are right-justified and zero-padded; alphanumeric fields are
//!   left-justified and space-padded, upper case. Amounts are cents, no decimal point.
//! - A batch's entry hash is the sum of its entries' 8-digit receiving DFI
//!   identifications (the routing number without its check digit), keeping only the
//!   last 10 digits; the file's is the sum of its batches', kept the same way.
//!
//! What this module writes, and only that: CCD entries (Corporate Credit or Debit:
//! payments to businesses) in credits-only batches (service class 220), transaction
//! code 22 (checking credit) or 32 (savings credit), no addenda. The positions of
//! every field are in `layout.rs`; [`parse`] reads a file back and checks its
//! controls, so a test (or an operator) can see a file was written as intended.
//!
//! Text is never transliterated: a name with "é" is refused, not rewritten, because a
//! bank that receives "E" for "É" pays the wrong-looking name without saying so.

mod layout;
mod parse;
mod routing;

pub use parse::{ParsedBatch, ParsedFile, parse};
pub use routing::{RoutingError, RoutingNumber, check_digit};

use crate::code_enum;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use layout::{BLOCKING_FACTOR, RECORD_LEN, Writer, max_of};
use std::fmt;

code_enum!(
    /// The kind of account an entry credits; it decides the transaction code.
    AccountKind { Checking = "checking", Savings = "savings" }
);

impl AccountKind {
    /// The Entry Detail transaction code (positions 02-03) of a live credit to an
    /// account of this kind: 22 for checking, 32 for savings.
    pub const fn credit_transaction_code(self) -> u8 {
        match self {
            AccountKind::Checking => 22,
            AccountKind::Savings => 32,
        }
    }

    /// The kind whose credit transaction code is `code`.
    pub fn from_credit_transaction_code(code: u8) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.credit_transaction_code() == code)
    }
}

/// Service class code 220: the batch holds credits only (200 mixes, 225 is debits).
const SERVICE_CLASS_CREDITS_ONLY: u64 = 220;
/// Standard Entry Class code: Corporate Credit or Debit.
const SEC_CCD: &str = "CCD";
/// Priority code of the File Header: "01" is the only value in use.
const PRIORITY_CODE: &str = "01";
/// Record size of the File Header: "094".
const RECORD_SIZE: &str = "094";
/// Blocking factor of the File Header: "10".
const BLOCKING: &str = "10";
/// Format code of the File Header: "1".
const FORMAT_CODE: &str = "1";
/// Originator status code of the Batch Header: "1", the ODFI is a depository
/// financial institution subject to the Rules (0 is for ACH Operators, 2 for federal
/// agencies).
const ORIGINATOR_STATUS: &str = "1";
/// Addenda record indicator of an Entry Detail: "0", no addenda follow.
const NO_ADDENDA: &str = "0";
/// The entry hash keeps the last 10 digits of its sum.
const ENTRY_HASH_MODULUS: u64 = 10_000_000_000;
/// An amount field holds 10 digits of cents: $99,999,999.99.
pub const MAX_AMOUNT_CENTS: i64 = 9_999_999_999;
/// A trace number's sequence holds 7 digits; they are numbered through the file.
const MAX_TRACE_SEQUENCE: u32 = 9_999_999;

/// The File Header Record's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHeader {
    /// The bank the file is sent to: written " " + its 9 digits (positions 04-13).
    pub immediate_destination: RoutingNumber,
    /// Who sends the file, exactly 10 characters as the bank assigns it: often "1" +
    /// the originator's EIN, or a space + a routing number (positions 14-23).
    pub immediate_origin: String,
    /// The destination bank's name, at most 23 characters; may be empty.
    pub destination_name: String,
    /// The sender's name, at most 23 characters; may be empty.
    pub origin_name: String,
    /// Written as YYMMDD and HHMM: seconds are not written, years must be 2000–2099.
    pub created_at: NaiveDateTime,
    /// Tells apart files sent the same day: A–Z or 0–9 (a lower-case letter is written
    /// upper-case).
    pub file_id_modifier: char,
}

/// A Company/Batch: one originator's credits settling on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The originator as the receivers know it, at most 16 characters.
    pub company_name: String,
    /// The originator's identification, at most 10 characters, as the bank assigns
    /// it (usually "1" + EIN). Written in the header and the control.
    pub company_id: String,
    /// What the credits are, at most 10 characters, e.g. "PAYOUT"; receivers see it.
    pub entry_description: String,
    /// The day the originator means the credits to settle (YYMMDD, 2000–2099).
    pub effective_date: NaiveDate,
    /// The originating bank: its 8-digit DFI identification is written in the
    /// header, the control and every trace number.
    pub odfi: RoutingNumber,
    /// 1 to 9,999,999, ascending through the file.
    pub batch_number: u32,
    /// At least one.
    pub entries: Vec<Entry>,
}

/// One credit to one account (a CCD Entry Detail Record).
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// The receiver's bank.
    pub routing: RoutingNumber,
    /// The receiver's account at that bank, at most 17 characters.
    pub account_number: String,
    pub kind: AccountKind,
    /// More than 0 and at most [`MAX_AMOUNT_CENTS`].
    pub amount_cents: i64,
    /// The originator's reference for the receiver, at most 15 characters (e.g. the
    /// payout id shortened); may be empty.
    pub individual_id: String,
    /// The receiving company's name, at most 22 characters.
    pub name: String,
}

/// The account number masked but for its last 4 characters, so that logs of an
/// entry do not carry a usable account number.
impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.account_number.chars().count();
        let masked: String =
            self.account_number.chars().enumerate().map(|(i, c)| if i + 4 < count { '*' } else { c }).collect();
        f.debug_struct("Entry")
            .field("routing", &self.routing)
            .field("account_number", &masked)
            .field("kind", &self.kind)
            .field("amount_cents", &self.amount_cents)
            .field("individual_id", &self.individual_id)
            .field("name", &self.name)
            .finish()
    }
}

/// The counts and totals a control record carries, for a batch or the whole file.
/// All are the unsigned digits written, so they are `u64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Controls {
    /// Entry Detail plus Addenda records (no addenda are written, so: entries).
    pub entry_addenda_count: u64,
    /// The sum of the receiving DFI identifications, last 10 digits.
    pub entry_hash: u64,
    /// Always 0: only credits are written.
    pub total_debit_cents: u64,
    pub total_credit_cents: u64,
}

impl Controls {
    /// The controls of `entries`, or `None` when a sum overflows.
    fn of(entries: &[Entry]) -> Option<Self> {
        entries.iter().try_fold(Self::default(), |sum, entry| {
            sum.plus(&Self {
                entry_addenda_count: 1,
                entry_hash: entry.routing.dfi_value(),
                total_debit_cents: 0,
                total_credit_cents: u64::try_from(entry.amount_cents).ok()?,
            })
        })
    }

    fn plus(&self, other: &Self) -> Option<Self> {
        Some(Self {
            entry_addenda_count: self.entry_addenda_count.checked_add(other.entry_addenda_count)?,
            entry_hash: (self.entry_hash + other.entry_hash) % ENTRY_HASH_MODULUS,
            total_debit_cents: self.total_debit_cents.checked_add(other.total_debit_cents)?,
            total_credit_cents: self.total_credit_cents.checked_add(other.total_credit_cents)?,
        })
    }
}

/// An entry's trace number (Entry Detail positions 80-94): the ODFI's 8-digit DFI
/// identification and a 7-digit sequence. Returns and notifications of change name
/// the entry they concern by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TraceNumber {
    pub odfi: RoutingNumber,
    pub sequence: u32,
}

impl fmt::Display for TraceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:07}", self.odfi.dfi_identification(), self.sequence)
    }
}

/// The File Control Record's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileControl {
    pub batch_count: u64,
    /// Records, filler included, divided by 10.
    pub block_count: u64,
    pub controls: Controls,
}

/// Where a refused value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    FileHeader,
    Batch {
        batch_number: u32,
    },
    /// `index` counts from 0 in the batch's `entries`.
    Entry {
        batch_number: u32,
        index: usize,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::FileHeader => f.write_str("file header"),
            Location::Batch { batch_number } => write!(f, "batch {batch_number}"),
            Location::Entry { batch_number, index } => write!(f, "batch {batch_number} entries[{index}]"),
        }
    }
}

/// What is wrong with a value given to the writer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldProblem {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must be exactly {width} characters")]
    Width { width: usize },
    #[error("must be printable ASCII: nothing is transliterated")]
    NotAscii,
    #[error("must be a letter A-Z or a digit 0-9")]
    NotAlphanumeric,
    #[error("must be more than zero cents")]
    NotPositive,
    #[error("must be at most {MAX_AMOUNT_CENTS} cents")]
    TooLarge,
    #[error("must be in the years 2000 to 2099: the file writes two digits")]
    Year,
    #[error("must be from 1 to 9999999")]
    OutOfRange,
}

/// Why a file was not written, or not read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AchError {
    #[error("{at}: {field} {problem}")]
    Field { at: Location, field: &'static str, problem: FieldProblem },
    #[error("the file has no batch")]
    NoBatches,
    #[error("batch {batch_number} has no entry")]
    EmptyBatch { batch_number: u32 },
    #[error("batch numbers must ascend: {batch_number} comes after {previous}")]
    BatchOrder { previous: u32, batch_number: u32 },
    #[error("the {what} does not fit its field: split the payouts across more batches or files")]
    Overflow { what: &'static str },
    #[error("line {line} {problem}")]
    Parse { line: usize, problem: ParseProblem },
    #[error("the file ends before its {expected}")]
    Truncated { expected: &'static str },
    #[error("the file has {records} records, not a multiple of {BLOCKING_FACTOR}")]
    Blocking { records: usize },
}

/// What is wrong with a line of a file being read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseProblem {
    #[error("is {length} characters long, not {RECORD_LEN}")]
    Length { length: usize },
    #[error("is not ASCII")]
    NotAscii,
    #[error("is a {found:?} record where a {expected} was expected")]
    Unexpected { expected: &'static str, found: char },
    #[error("has an invalid {field}")]
    Invalid { field: &'static str },
    #[error("gives {field} {written} but its records add up to {computed}")]
    Control { field: &'static str, written: u64, computed: u64 },
    #[error("is not a filler record of {RECORD_LEN} '9's")]
    Filler,
    #[error("is not what this module writes for the values it holds")]
    NotAsWritten,
}

/// An ACH file being built: a header, then batches in ascending batch number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AchFile {
    header: FileHeader,
    batches: Vec<Batch>,
}

impl AchFile {
    pub fn new(header: FileHeader) -> Self {
        Self { header, batches: Vec::new() }
    }

    /// Adds a batch; everything is checked when the file is rendered.
    pub fn batch(mut self, batch: Batch) -> Self {
        self.batches.push(batch);
        self
    }

    pub fn header(&self) -> &FileHeader {
        &self.header
    }

    pub fn batches(&self) -> &[Batch] {
        &self.batches
    }

    /// The file: its records joined by "\n", a "\n" after the last, padded with
    /// filler to a multiple of 10 records. There is no `Display`: writing can be
    /// refused, and `fmt::Error` could not say why.
    ///
    /// Trace numbers are the ODFI's 8 digits and a sequence counted from 1 through
    /// the whole file, so they are unique in it; [`parse`] gives them back.
    pub fn render(&self) -> Result<String, AchError> {
        let mut text = self.records()?.join("\n");
        text.push('\n');
        Ok(text)
    }

    fn records(&self) -> Result<Vec<String>, AchError> {
        if self.batches.is_empty() {
            return Err(AchError::NoBatches);
        }
        let mut records = vec![file_header_record(&self.header)?];
        let mut totals = Controls::default();
        let mut sequence = 0;
        let mut previous = None;
        for batch in &self.batches {
            check_batch_number(batch.batch_number, previous)?;
            previous = Some(batch.batch_number);
            let controls = batch_records(batch, &mut sequence, &mut records)?;
            totals = totals.plus(&controls).ok_or(AchError::Overflow { what: "file's total" })?;
        }
        let batch_count = u64::try_from(self.batches.len()).unwrap_or(u64::MAX);
        let block_count = u64::try_from((records.len() + 1).div_ceil(BLOCKING_FACTOR)).unwrap_or(u64::MAX);
        let control = FileControl { batch_count, block_count, controls: totals };
        check_file_control(&control)?;
        records.push(file_control_record(&control));
        let padded = records.len().div_ceil(BLOCKING_FACTOR) * BLOCKING_FACTOR;
        records.resize(padded, filler());
        Ok(records)
    }
}

fn filler() -> String {
    "9".repeat(RECORD_LEN)
}

fn check_batch_number(batch_number: u32, previous: Option<u32>) -> Result<(), AchError> {
    if !(1..=9_999_999).contains(&batch_number) {
        let at = Location::Batch { batch_number };
        return Err(AchError::Field { at, field: "batch_number", problem: FieldProblem::OutOfRange });
    }
    match previous {
        Some(previous) if previous >= batch_number => Err(AchError::BatchOrder { previous, batch_number }),
        _ => Ok(()),
    }
}

/// Whether a field is mandatory: an empty mandatory field is refused.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Presence {
    Required,
    Optional,
}

/// An alphanumeric value as written: printable ASCII, upper-cased, at most `max`.
fn text(at: Location, field: &'static str, value: &str, max: usize, presence: Presence) -> Result<String, AchError> {
    let refuse = |problem| AchError::Field { at, field, problem };
    if !value.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return Err(refuse(FieldProblem::NotAscii));
    }
    if value.len() > max {
        return Err(refuse(FieldProblem::TooLong { max }));
    }
    if presence == Presence::Required && value.trim().is_empty() {
        return Err(refuse(FieldProblem::Empty));
    }
    Ok(value.to_ascii_uppercase())
}

/// A value that must fill its field exactly.
fn exact(at: Location, field: &'static str, value: &str, width: usize) -> Result<String, AchError> {
    let value = text(at, field, value, width, Presence::Required)?;
    if value.len() == width {
        Ok(value)
    } else {
        Err(AchError::Field { at, field, problem: FieldProblem::Width { width } })
    }
}

fn yymmdd(at: Location, field: &'static str, date: NaiveDate) -> Result<String, AchError> {
    if !(2000..=2099).contains(&date.year()) {
        return Err(AchError::Field { at, field, problem: FieldProblem::Year });
    }
    Ok(format!("{:02}{:02}{:02}", date.year() % 100, date.month(), date.day()))
}

fn hhmm(time: NaiveTime) -> String {
    format!("{:02}{:02}", time.hour(), time.minute())
}

fn file_id_modifier(modifier: char) -> Result<String, AchError> {
    let modifier = modifier.to_ascii_uppercase();
    if modifier.is_ascii_uppercase() || modifier.is_ascii_digit() {
        Ok(modifier.to_string())
    } else {
        let problem = FieldProblem::NotAlphanumeric;
        Err(AchError::Field { at: Location::FileHeader, field: "file_id_modifier", problem })
    }
}

fn file_header_record(header: &FileHeader) -> Result<String, AchError> {
    use layout::file_header as f;
    let at = Location::FileHeader;
    let origin = exact(at, "immediate_origin", &header.immediate_origin, f::IMMEDIATE_ORIGIN.width)?;
    let destination_name = text(at, "destination_name", &header.destination_name, 23, Presence::Optional)?;
    let origin_name = text(at, "origin_name", &header.origin_name, 23, Presence::Optional)?;
    let date = yymmdd(at, "created_at", header.created_at.date())?;
    let modifier = file_id_modifier(header.file_id_modifier)?;
    Ok(Writer::new()
        .alpha(f::RECORD_TYPE, "1")
        .alpha(f::PRIORITY_CODE, PRIORITY_CODE)
        .alpha(f::IMMEDIATE_DESTINATION, &format!(" {}", header.immediate_destination))
        .alpha(f::IMMEDIATE_ORIGIN, &origin)
        .alpha(f::FILE_CREATION_DATE, &date)
        .alpha(f::FILE_CREATION_TIME, &hhmm(header.created_at.time()))
        .alpha(f::FILE_ID_MODIFIER, &modifier)
        .alpha(f::RECORD_SIZE, RECORD_SIZE)
        .alpha(f::BLOCKING_FACTOR, BLOCKING)
        .alpha(f::FORMAT_CODE, FORMAT_CODE)
        .alpha(f::IMMEDIATE_DESTINATION_NAME, &destination_name)
        .alpha(f::IMMEDIATE_ORIGIN_NAME, &origin_name)
        .blank(f::REFERENCE_CODE)
        .finish())
}

/// The batch's header, entries and control, appended to `records`; its controls.
/// `sequence` is the last trace sequence used in the file.
fn batch_records(batch: &Batch, sequence: &mut u32, records: &mut Vec<String>) -> Result<Controls, AchError> {
    let at = Location::Batch { batch_number: batch.batch_number };
    let company_id = text(at, "company_id", &batch.company_id, 10, Presence::Required)?;
    records.push(batch_header_record(batch, &company_id)?);
    if batch.entries.is_empty() {
        return Err(AchError::EmptyBatch { batch_number: batch.batch_number });
    }
    for (index, entry) in batch.entries.iter().enumerate() {
        *sequence += 1;
        if *sequence > MAX_TRACE_SEQUENCE {
            return Err(AchError::Overflow { what: "trace number sequence" });
        }
        let trace = TraceNumber { odfi: batch.odfi.clone(), sequence: *sequence };
        records.push(entry_record(entry, &trace, Location::Entry { batch_number: batch.batch_number, index })?);
    }
    let controls = Controls::of(&batch.entries).ok_or(AchError::Overflow { what: "batch's total" })?;
    check_batch_controls(&controls)?;
    records.push(batch_control_record(batch, &company_id, &controls));
    Ok(controls)
}

fn batch_header_record(batch: &Batch, company_id: &str) -> Result<String, AchError> {
    use layout::batch_header as f;
    let at = Location::Batch { batch_number: batch.batch_number };
    let company_name = text(at, "company_name", &batch.company_name, 16, Presence::Required)?;
    let description = text(at, "entry_description", &batch.entry_description, 10, Presence::Required)?;
    let effective = yymmdd(at, "effective_date", batch.effective_date)?;
    Ok(Writer::new()
        .alpha(f::RECORD_TYPE, "5")
        .numeric(f::SERVICE_CLASS_CODE, SERVICE_CLASS_CREDITS_ONLY)
        .alpha(f::COMPANY_NAME, &company_name)
        .blank(f::COMPANY_DISCRETIONARY_DATA)
        .alpha(f::COMPANY_IDENTIFICATION, company_id)
        .alpha(f::STANDARD_ENTRY_CLASS_CODE, SEC_CCD)
        .alpha(f::COMPANY_ENTRY_DESCRIPTION, &description)
        .blank(f::COMPANY_DESCRIPTIVE_DATE)
        .alpha(f::EFFECTIVE_ENTRY_DATE, &effective)
        .blank(f::SETTLEMENT_DATE)
        .alpha(f::ORIGINATOR_STATUS_CODE, ORIGINATOR_STATUS)
        .alpha(f::ORIGINATING_DFI_IDENTIFICATION, batch.odfi.dfi_identification())
        .numeric(f::BATCH_NUMBER, u64::from(batch.batch_number))
        .finish())
}

fn entry_record(entry: &Entry, trace: &TraceNumber, at: Location) -> Result<String, AchError> {
    use layout::entry_detail as f;
    let account = text(at, "account_number", &entry.account_number, 17, Presence::Required)?;
    let individual_id = text(at, "individual_id", &entry.individual_id, 15, Presence::Optional)?;
    let name = text(at, "name", &entry.name, 22, Presence::Required)?;
    let amount =
        amount(entry.amount_cents).map_err(|problem| AchError::Field { at, field: "amount_cents", problem })?;
    Ok(Writer::new()
        .alpha(f::RECORD_TYPE, "6")
        .numeric(f::TRANSACTION_CODE, u64::from(entry.kind.credit_transaction_code()))
        .alpha(f::RECEIVING_DFI_IDENTIFICATION, entry.routing.dfi_identification())
        .numeric(f::CHECK_DIGIT, u64::from(entry.routing.check_digit()))
        .alpha(f::DFI_ACCOUNT_NUMBER, &account)
        .numeric(f::AMOUNT, amount)
        .alpha(f::IDENTIFICATION_NUMBER, &individual_id)
        .alpha(f::RECEIVING_COMPANY_NAME, &name)
        .blank(f::DISCRETIONARY_DATA)
        .alpha(f::ADDENDA_RECORD_INDICATOR, NO_ADDENDA)
        .alpha(f::TRACE_NUMBER, &trace.to_string())
        .finish())
}

fn amount(cents: i64) -> Result<u64, FieldProblem> {
    match u64::try_from(cents) {
        Ok(0) | Err(_) => Err(FieldProblem::NotPositive),
        Ok(_) if cents > MAX_AMOUNT_CENTS => Err(FieldProblem::TooLarge),
        Ok(cents) => Ok(cents),
    }
}

fn check_batch_controls(controls: &Controls) -> Result<(), AchError> {
    use layout::batch_control as f;
    if controls.entry_addenda_count > max_of(f::ENTRY_ADDENDA_COUNT.width) {
        return Err(AchError::Overflow { what: "batch's entry count" });
    }
    if controls.total_credit_cents > max_of(f::TOTAL_CREDIT.width) {
        return Err(AchError::Overflow { what: "batch's total" });
    }
    Ok(())
}

fn batch_control_record(batch: &Batch, company_id: &str, controls: &Controls) -> String {
    use layout::batch_control as f;
    Writer::new()
        .alpha(f::RECORD_TYPE, "8")
        .numeric(f::SERVICE_CLASS_CODE, SERVICE_CLASS_CREDITS_ONLY)
        .numeric(f::ENTRY_ADDENDA_COUNT, controls.entry_addenda_count)
        .numeric(f::ENTRY_HASH, controls.entry_hash)
        .numeric(f::TOTAL_DEBIT, controls.total_debit_cents)
        .numeric(f::TOTAL_CREDIT, controls.total_credit_cents)
        .alpha(f::COMPANY_IDENTIFICATION, company_id)
        .blank(f::MESSAGE_AUTHENTICATION_CODE)
        .blank(f::RESERVED)
        .alpha(f::ORIGINATING_DFI_IDENTIFICATION, batch.odfi.dfi_identification())
        .numeric(f::BATCH_NUMBER, u64::from(batch.batch_number))
        .finish()
}

fn check_file_control(control: &FileControl) -> Result<(), AchError> {
    use layout::file_control as f;
    let limits = [
        (control.batch_count, f::BATCH_COUNT, "batch count"),
        (control.block_count, f::BLOCK_COUNT, "block count"),
        (control.controls.entry_addenda_count, f::ENTRY_ADDENDA_COUNT, "file's entry count"),
        (control.controls.total_credit_cents, f::TOTAL_CREDIT, "file's total"),
    ];
    match limits.into_iter().find(|(value, field, _)| *value > max_of(field.width)) {
        Some((_, _, what)) => Err(AchError::Overflow { what }),
        None => Ok(()),
    }
}

fn file_control_record(control: &FileControl) -> String {
    use layout::file_control as f;
    Writer::new()
        .alpha(f::RECORD_TYPE, "9")
        .numeric(f::BATCH_COUNT, control.batch_count)
        .numeric(f::BLOCK_COUNT, control.block_count)
        .numeric(f::ENTRY_ADDENDA_COUNT, control.controls.entry_addenda_count)
        .numeric(f::ENTRY_HASH, control.controls.entry_hash)
        .numeric(f::TOTAL_DEBIT, control.controls.total_debit_cents)
        .numeric(f::TOTAL_CREDIT, control.controls.total_credit_cents)
        .blank(f::RESERVED)
        .finish()
}

#[cfg(test)]
mod tests;
