//! Reading an ACH file back, record by record and field by field, checking its
//! controls. It reads what [`AchFile::render`] writes and nothing else: a file with an
//! addenda record, a debit or a non-blank reserved field is refused, because its
//! purpose is to prove a file we are about to send says what we meant.

use super::layout::{self, BLOCKING_FACTOR, RECORD_LEN, Reader};
use super::{
    AccountKind, AchError, AchFile, Batch, Controls, Entry, FileControl, FileHeader, ORIGINATOR_STATUS, ParseProblem,
    SEC_CCD, SERVICE_CLASS_CREDITS_ONLY, TraceNumber, filler,
};
use super::{BLOCKING, FORMAT_CODE, NO_ADDENDA, PRIORITY_CODE, RECORD_SIZE, RoutingError, RoutingNumber};
use chrono::NaiveDateTime;

/// A batch read back: its values, each entry's trace number, and its control record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedBatch {
    pub batch: Batch,
    /// One per entry, in order.
    pub trace_numbers: Vec<TraceNumber>,
    pub control: Controls,
}

/// A file read back. Its controls were checked against its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    pub header: FileHeader,
    pub batches: Vec<ParsedBatch>,
    pub control: FileControl,
}

impl ParsedFile {
    /// The file to write these values again.
    pub fn to_file(&self) -> AchFile {
        self.batches.iter().fold(AchFile::new(self.header.clone()), |file, parsed| file.batch(parsed.batch.clone()))
    }
}

/// Reads `text`: records separated by "\n" (or "\r\n"), a final line break optional.
///
/// Beyond the fields and controls, the values read are written again and must give
/// the same records, so a file that parses is one this module would write.
pub fn parse(text: &str) -> Result<ParsedFile, AchError> {
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        check_length(line, index + 1)?;
    }
    let mut records = Records { lines: &lines, next: 0 };
    let header = file_header(&records.expect('1', "file header record")?)?;
    let mut batches = Vec::new();
    while records.peek() == Some('5') {
        batches.push(batch(&mut records)?);
    }
    let reader = records.expect('9', "batch header or file control record")?;
    let control = file_control(&reader)?;
    for (index, line) in lines.iter().enumerate().skip(records.next) {
        if *line != filler() {
            return Err(AchError::Parse { line: index + 1, problem: ParseProblem::Filler });
        }
    }
    if !lines.len().is_multiple_of(BLOCKING_FACTOR) {
        return Err(AchError::Blocking { records: lines.len() });
    }
    check_file_control(&reader, &control, &batches, lines.len())?;
    let parsed = ParsedFile { header, batches, control };
    check_as_written(&parsed, &lines)?;
    Ok(parsed)
}

fn check_length(line: &str, number: usize) -> Result<(), AchError> {
    if line.len() == RECORD_LEN && line.is_ascii() {
        return Ok(());
    }
    let length = line.chars().count();
    let problem = if length == RECORD_LEN { ParseProblem::NotAscii } else { ParseProblem::Length { length } };
    Err(AchError::Parse { line: number, problem })
}

/// The records not yet read.
struct Records<'a> {
    lines: &'a [&'a str],
    next: usize,
}

impl<'a> Records<'a> {
    fn peek(&self) -> Option<char> {
        self.lines.get(self.next).and_then(|line| line.chars().next())
    }

    /// The next record, which must be of type `kind`.
    fn expect(&mut self, kind: char, expected: &'static str) -> Result<Reader<'a>, AchError> {
        let line = self.lines.get(self.next).ok_or(AchError::Truncated { expected })?;
        self.next += 1;
        match line.chars().next() {
            Some(found) if found == kind => Ok(Reader::new(line, self.next)),
            found => Err(AchError::Parse {
                line: self.next,
                problem: ParseProblem::Unexpected { expected, found: found.unwrap_or(' ') },
            }),
        }
    }
}

fn file_header(r: &Reader<'_>) -> Result<FileHeader, AchError> {
    use layout::file_header as f;
    r.constant(f::RECORD_TYPE, "1")?;
    r.constant(f::PRIORITY_CODE, PRIORITY_CODE)?;
    let destination = r.raw(f::IMMEDIATE_DESTINATION);
    let immediate_destination = destination
        .strip_prefix(' ')
        .and_then(|digits| RoutingNumber::parse(digits).ok())
        .ok_or_else(|| r.invalid(f::IMMEDIATE_DESTINATION))?;
    r.alpha(f::IMMEDIATE_ORIGIN)?;
    let immediate_origin = r.raw(f::IMMEDIATE_ORIGIN).to_string();
    let date = r.date(f::FILE_CREATION_DATE)?;
    let time = r.time(f::FILE_CREATION_TIME)?;
    let file_id_modifier = r
        .raw(f::FILE_ID_MODIFIER)
        .chars()
        .next()
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        .ok_or_else(|| r.invalid(f::FILE_ID_MODIFIER))?;
    r.constant(f::RECORD_SIZE, RECORD_SIZE)?;
    r.constant(f::BLOCKING_FACTOR, BLOCKING)?;
    r.constant(f::FORMAT_CODE, FORMAT_CODE)?;
    let destination_name = r.alpha(f::IMMEDIATE_DESTINATION_NAME)?;
    let origin_name = r.alpha(f::IMMEDIATE_ORIGIN_NAME)?;
    r.blank(f::REFERENCE_CODE)?;
    Ok(FileHeader {
        immediate_destination,
        immediate_origin,
        destination_name,
        origin_name,
        created_at: NaiveDateTime::new(date, time),
        file_id_modifier,
    })
}

/// A batch header, its entries, and its control, checked against them.
fn batch(records: &mut Records<'_>) -> Result<ParsedBatch, AchError> {
    let header = batch_header(&records.expect('5', "batch header record")?)?;
    let mut entries = Vec::new();
    let mut trace_numbers = Vec::new();
    while records.peek() == Some('6') {
        let (entry, trace) = entry(&records.expect('6', "entry detail record")?, &header.odfi)?;
        entries.push(entry);
        trace_numbers.push(trace);
    }
    let reader = records.expect('8', "entry detail or batch control record")?;
    let control = batch_control(&reader, &header)?;
    let computed = Controls::of(&entries).ok_or(AchError::Overflow { what: "batch's total" })?;
    use layout::batch_control as f;
    let fields = [f::ENTRY_ADDENDA_COUNT, f::ENTRY_HASH, f::TOTAL_DEBIT, f::TOTAL_CREDIT];
    check_controls(&reader, &control, &computed, fields)?;
    Ok(ParsedBatch { batch: Batch { entries, ..header }, trace_numbers, control })
}

fn batch_header(r: &Reader<'_>) -> Result<Batch, AchError> {
    use layout::batch_header as f;
    r.constant(f::RECORD_TYPE, "5")?;
    service_class(r, f::SERVICE_CLASS_CODE)?;
    let company_name = r.alpha(f::COMPANY_NAME)?;
    r.blank(f::COMPANY_DISCRETIONARY_DATA)?;
    let company_id = r.alpha(f::COMPANY_IDENTIFICATION)?;
    r.constant(f::STANDARD_ENTRY_CLASS_CODE, SEC_CCD)?;
    let entry_description = r.alpha(f::COMPANY_ENTRY_DESCRIPTION)?;
    r.blank(f::COMPANY_DESCRIPTIVE_DATE)?;
    let effective_date = r.date(f::EFFECTIVE_ENTRY_DATE)?;
    r.blank(f::SETTLEMENT_DATE)?;
    r.constant(f::ORIGINATOR_STATUS_CODE, ORIGINATOR_STATUS)?;
    let odfi = odfi(r, f::ORIGINATING_DFI_IDENTIFICATION)?;
    let batch_number = batch_number(r, f::BATCH_NUMBER)?;
    Ok(Batch { company_name, company_id, entry_description, effective_date, odfi, batch_number, entries: Vec::new() })
}

fn service_class(r: &Reader<'_>, field: layout::Field) -> Result<(), AchError> {
    r.constant(field, &SERVICE_CLASS_CREDITS_ONLY.to_string())
}

fn odfi(r: &Reader<'_>, field: layout::Field) -> Result<RoutingNumber, AchError> {
    RoutingNumber::from_dfi_identification(r.raw(field)).map_err(|_| r.invalid(field))
}

fn batch_number(r: &Reader<'_>, field: layout::Field) -> Result<u32, AchError> {
    u32::try_from(r.numeric(field)?).map_err(|_| r.invalid(field))
}

fn entry(r: &Reader<'_>, odfi: &RoutingNumber) -> Result<(Entry, TraceNumber), AchError> {
    use layout::entry_detail as f;
    r.constant(f::RECORD_TYPE, "6")?;
    let kind = u8::try_from(r.numeric(f::TRANSACTION_CODE)?)
        .ok()
        .and_then(AccountKind::from_credit_transaction_code)
        .ok_or_else(|| r.invalid(f::TRANSACTION_CODE))?;
    let routing = format!("{}{}", r.raw(f::RECEIVING_DFI_IDENTIFICATION), r.raw(f::CHECK_DIGIT));
    let routing = RoutingNumber::parse(&routing).map_err(|e| match e {
        RoutingError::CheckDigit => r.invalid(f::CHECK_DIGIT),
        _ => r.invalid(f::RECEIVING_DFI_IDENTIFICATION),
    })?;
    let account_number = r.alpha(f::DFI_ACCOUNT_NUMBER)?;
    let amount_cents = i64::try_from(r.numeric(f::AMOUNT)?).map_err(|_| r.invalid(f::AMOUNT))?;
    let individual_id = r.alpha(f::IDENTIFICATION_NUMBER)?;
    let name = r.alpha(f::RECEIVING_COMPANY_NAME)?;
    r.blank(f::DISCRETIONARY_DATA)?;
    r.constant(f::ADDENDA_RECORD_INDICATOR, NO_ADDENDA)?;
    let trace = r.raw(f::TRACE_NUMBER);
    if trace.get(..8) != Some(odfi.dfi_identification()) {
        return Err(r.invalid(f::TRACE_NUMBER));
    }
    let sequence = trace.get(8..).and_then(|digits| digits.parse().ok()).ok_or_else(|| r.invalid(f::TRACE_NUMBER))?;
    let entry = Entry { routing, account_number, kind, amount_cents, individual_id, name };
    Ok((entry, TraceNumber { odfi: odfi.clone(), sequence }))
}

/// A batch control, whose identification of the batch must match its header's.
fn batch_control(r: &Reader<'_>, header: &Batch) -> Result<Controls, AchError> {
    use layout::batch_control as f;
    r.constant(f::RECORD_TYPE, "8")?;
    service_class(r, f::SERVICE_CLASS_CODE)?;
    let controls = Controls {
        entry_addenda_count: r.numeric(f::ENTRY_ADDENDA_COUNT)?,
        entry_hash: r.numeric(f::ENTRY_HASH)?,
        total_debit_cents: r.numeric(f::TOTAL_DEBIT)?,
        total_credit_cents: r.numeric(f::TOTAL_CREDIT)?,
    };
    if r.alpha(f::COMPANY_IDENTIFICATION)? != header.company_id {
        return Err(r.invalid(f::COMPANY_IDENTIFICATION));
    }
    r.blank(f::MESSAGE_AUTHENTICATION_CODE)?;
    r.blank(f::RESERVED)?;
    if odfi(r, f::ORIGINATING_DFI_IDENTIFICATION)? != header.odfi {
        return Err(r.invalid(f::ORIGINATING_DFI_IDENTIFICATION));
    }
    if batch_number(r, f::BATCH_NUMBER)? != header.batch_number {
        return Err(r.invalid(f::BATCH_NUMBER));
    }
    Ok(controls)
}

fn file_control(r: &Reader<'_>) -> Result<FileControl, AchError> {
    use layout::file_control as f;
    r.constant(f::RECORD_TYPE, "9")?;
    let control = FileControl {
        batch_count: r.numeric(f::BATCH_COUNT)?,
        block_count: r.numeric(f::BLOCK_COUNT)?,
        controls: Controls {
            entry_addenda_count: r.numeric(f::ENTRY_ADDENDA_COUNT)?,
            entry_hash: r.numeric(f::ENTRY_HASH)?,
            total_debit_cents: r.numeric(f::TOTAL_DEBIT)?,
            total_credit_cents: r.numeric(f::TOTAL_CREDIT)?,
        },
    };
    r.blank(f::RESERVED)?;
    Ok(control)
}

/// The written controls against those computed, field by field; `fields` are where
/// the record writes the entry/addenda count, the entry hash, and the two totals.
fn check_controls(
    r: &Reader<'_>,
    written: &Controls,
    computed: &Controls,
    fields: [layout::Field; 4],
) -> Result<(), AchError> {
    let pairs = [
        (written.entry_addenda_count, computed.entry_addenda_count),
        (written.entry_hash, computed.entry_hash),
        (written.total_debit_cents, computed.total_debit_cents),
        (written.total_credit_cents, computed.total_credit_cents),
    ];
    for (field, (written, computed)) in fields.into_iter().zip(pairs) {
        if written != computed {
            let problem = ParseProblem::Control { field: field.name, written, computed };
            return Err(AchError::Parse { line: r.line, problem });
        }
    }
    Ok(())
}

fn check_file_control(
    r: &Reader<'_>,
    control: &FileControl,
    batches: &[ParsedBatch],
    records: usize,
) -> Result<(), AchError> {
    use layout::file_control as f;
    let counts = [
        (f::BATCH_COUNT, control.batch_count, batches.len()),
        (f::BLOCK_COUNT, control.block_count, records / BLOCKING_FACTOR),
    ];
    for (field, written, computed) in counts {
        let computed = u64::try_from(computed).unwrap_or(u64::MAX);
        if written != computed {
            let problem = ParseProblem::Control { field: field.name, written, computed };
            return Err(AchError::Parse { line: r.line, problem });
        }
    }
    let computed = batches
        .iter()
        .try_fold(Controls::default(), |sum, batch| sum.plus(&batch.control))
        .ok_or(AchError::Overflow { what: "file's total" })?;
    check_controls(
        r,
        &control.controls,
        &computed,
        [f::ENTRY_ADDENDA_COUNT, f::ENTRY_HASH, f::TOTAL_DEBIT, f::TOTAL_CREDIT],
    )
}

/// The values read, written again, must give the lines read.
fn check_as_written(parsed: &ParsedFile, lines: &[&str]) -> Result<(), AchError> {
    let written = parsed.to_file().records()?;
    let differs = written.iter().zip(lines).position(|(written, line)| written != line);
    match differs {
        Some(index) => Err(AchError::Parse { line: index + 1, problem: ParseProblem::NotAsWritten }),
        None if written.len() != lines.len() => {
            Err(AchError::Parse { line: written.len().min(lines.len()) + 1, problem: ParseProblem::NotAsWritten })
        }
        None => Ok(()),
    }
}
