#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;

fn routing(text: &str) -> RoutingNumber {
    RoutingNumber::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(h, min, 0).unwrap()
}

fn header() -> FileHeader {
    FileHeader {
        immediate_destination: routing("021000021"),
        immediate_origin: "1123456789".to_string(),
        destination_name: "JPMorgan Chase".to_string(),
        origin_name: "Gateway Marketplace".to_string(),
        created_at: at(2025, 6, 15, 9, 30),
        file_id_modifier: 'A',
    }
}

fn acme() -> Entry {
    Entry {
        routing: routing("122105155"),
        account_number: "123456789".to_string(),
        kind: AccountKind::Checking,
        amount_cents: 12_345,
        individual_id: "PO0001".to_string(),
        name: "ACME FARMS LLC".to_string(),
    }
}

fn honey() -> Entry {
    Entry {
        routing: routing("011000015"),
        account_number: "9876543210".to_string(),
        kind: AccountKind::Savings,
        amount_cents: 500_000,
        individual_id: "PO0002".to_string(),
        name: "Blue Ridge Honey Co".to_string(),
    }
}

fn batch(batch_number: u32, entries: Vec<Entry>) -> Batch {
    Batch {
        company_name: "Gateway".to_string(),
        company_id: "1123456789".to_string(),
        entry_description: "Payout".to_string(),
        effective_date: date(2025, 6, 17),
        odfi: routing("021000021"),
        batch_number,
        entries,
    }
}

fn sample() -> AchFile {
    AchFile::new(header()).batch(batch(1, vec![acme(), honey()]))
}

fn render(file: &AchFile) -> String {
    file.render().unwrap_or_else(|e| panic!("{e}"))
}

/// A record from pieces, each given with the positions (1-based, inclusive) NACHA's
/// tables give it: the pieces must follow one another and fill 94 characters.
fn line(pieces: &[(usize, usize, &str)]) -> String {
    let mut record = String::new();
    for (start, end, text) in pieces {
        assert_eq!(record.len() + 1, *start, "{text:?} should start at {start}");
        assert_eq!(text.len(), end - start + 1, "{text:?} should span {start}-{end}");
        record.push_str(text);
    }
    assert_eq!(record.len(), 94);
    record
}

fn record_lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn file_header_layout() {
    let expected = line(&[
        (1, 1, "1"),                         // record type code
        (2, 3, "01"),                        // priority code
        (4, 13, " 021000021"),               // immediate destination: a space and the routing number
        (14, 23, "1123456789"),              // immediate origin
        (24, 29, "250615"),                  // file creation date, YYMMDD
        (30, 33, "0930"),                    // file creation time, HHMM
        (34, 34, "A"),                       // file id modifier
        (35, 37, "094"),                     // record size
        (38, 39, "10"),                      // blocking factor
        (40, 40, "1"),                       // format code
        (41, 63, "JPMORGAN CHASE         "), // immediate destination name, upper-cased
        (64, 86, "GATEWAY MARKETPLACE    "), // immediate origin name
        (87, 94, "        "),                // reference code
    ]);
    assert_eq!(record_lines(&render(&sample()))[0], expected);
}

#[test]
fn batch_header_layout() {
    let expected = line(&[
        (1, 1, "5"),                 // record type code
        (2, 4, "220"),               // service class code: credits only
        (5, 20, "GATEWAY         "), // company name
        (21, 40, &" ".repeat(20)),   // company discretionary data
        (41, 50, "1123456789"),      // company identification
        (51, 53, "CCD"),             // standard entry class code
        (54, 63, "PAYOUT    "),      // company entry description
        (64, 69, "      "),          // company descriptive date
        (70, 75, "250617"),          // effective entry date, YYMMDD
        (76, 78, "   "),             // settlement date: the ACH Operator's
        (79, 79, "1"),               // originator status code
        (80, 87, "02100002"),        // originating DFI identification
        (88, 94, "0000001"),         // batch number
    ]);
    assert_eq!(record_lines(&render(&sample()))[1], expected);
}

#[test]
fn entry_detail_layout() {
    let checking = line(&[
        (1, 1, "6"),                        // record type code
        (2, 3, "22"),                       // transaction code: checking credit
        (4, 11, "12210515"),                // receiving DFI identification
        (12, 12, "5"),                      // check digit
        (13, 29, "123456789        "),      // DFI account number
        (30, 39, "0000012345"),             // amount: $123.45
        (40, 54, "PO0001         "),        // identification number
        (55, 76, "ACME FARMS LLC        "), // receiving company name
        (77, 78, "  "),                     // discretionary data
        (79, 79, "0"),                      // addenda record indicator
        (80, 94, "021000020000001"),        // trace number: ODFI + sequence
    ]);
    let savings = line(&[
        (1, 1, "6"),
        (2, 3, "32"), // transaction code: savings credit
        (4, 11, "01100001"),
        (12, 12, "5"),
        (13, 29, "9876543210       "),
        (30, 39, "0000500000"), // $5,000.00
        (40, 54, "PO0002         "),
        (55, 76, "BLUE RIDGE HONEY CO   "), // upper-cased
        (77, 78, "  "),
        (79, 79, "0"),
        (80, 94, "021000020000002"),
    ]);
    let text = render(&sample());
    let lines = record_lines(&text);
    assert_eq!(lines[2], checking);
    assert_eq!(lines[3], savings);
}

#[test]
fn batch_control_layout() {
    let expected = line(&[
        (1, 1, "8"),               // record type code
        (2, 4, "220"),             // service class code
        (5, 10, "000002"),         // entry/addenda count
        (11, 20, "0013310516"),    // entry hash: 12210515 + 01100001
        (21, 32, "000000000000"),  // total debit
        (33, 44, "000000512345"),  // total credit: 12345 + 500000 cents
        (45, 54, "1123456789"),    // company identification
        (55, 73, &" ".repeat(19)), // message authentication code
        (74, 79, "      "),        // reserved
        (80, 87, "02100002"),      // originating DFI identification
        (88, 94, "0000001"),       // batch number
    ]);
    assert_eq!(record_lines(&render(&sample()))[4], expected);
}

#[test]
fn file_control_layout_and_filler() {
    let expected = line(&[
        (1, 1, "9"),               // record type code
        (2, 7, "000001"),          // batch count
        (8, 13, "000001"),         // block count: 6 records fill 1 block
        (14, 21, "00000002"),      // entry/addenda count
        (22, 31, "0013310516"),    // entry hash
        (32, 43, "000000000000"),  // total debit
        (44, 55, "000000512345"),  // total credit
        (56, 94, &" ".repeat(39)), // reserved
    ]);
    let text = render(&sample());
    let lines = record_lines(&text);
    assert_eq!(lines[5], expected);
    assert_eq!(lines.len(), 10);
    for filler in &lines[6..] {
        assert_eq!(*filler, "9".repeat(94));
    }
    assert!(text.ends_with(&format!("{}\n", "9".repeat(94))));
    assert!(!text.contains('\r'));
    assert_eq!(text.len(), 10 * 95);
}

#[test]
fn round_trips_field_by_field() {
    let file = sample();
    let parsed = parse(&render(&file)).unwrap_or_else(|e| panic!("{e}"));
    // Text comes back upper-cased; everything else as given.
    let mut expected = header();
    expected.destination_name = "JPMORGAN CHASE".to_string();
    expected.origin_name = "GATEWAY MARKETPLACE".to_string();
    assert_eq!(parsed.header, expected);
    assert_eq!(parsed.batches.len(), 1);
    let read = &parsed.batches[0];
    assert_eq!(read.batch.company_name, "GATEWAY");
    assert_eq!(read.batch.company_id, "1123456789");
    assert_eq!(read.batch.entry_description, "PAYOUT");
    assert_eq!(read.batch.effective_date, date(2025, 6, 17));
    assert_eq!(read.batch.odfi, routing("021000021"));
    assert_eq!(read.batch.batch_number, 1);
    assert_eq!(read.batch.entries[0], acme());
    assert_eq!(read.batch.entries[1], Entry { name: "BLUE RIDGE HONEY CO".to_string(), ..honey() });
    let traces: Vec<String> = read.trace_numbers.iter().map(ToString::to_string).collect();
    assert_eq!(traces, ["021000020000001", "021000020000002"]);
    let controls =
        Controls { entry_addenda_count: 2, entry_hash: 13_310_516, total_debit_cents: 0, total_credit_cents: 512_345 };
    assert_eq!(read.control, controls);
    assert_eq!(parsed.control, FileControl { batch_count: 1, block_count: 1, controls });
    // What was read writes the same file again.
    assert_eq!(render(&parsed.to_file()), render(&file));
}

#[test]
fn batches_number_traces_through_the_file_and_fill_more_blocks() {
    let file = AchFile::new(header())
        .batch(batch(1, vec![acme(); 5]))
        .batch(Batch { odfi: routing("011000015"), ..batch(7, vec![honey(); 4]) });
    let text = render(&file);
    let lines = record_lines(&text);
    // 1 + (1 + 5 + 1) + (1 + 4 + 1) + 1 = 15 records: 2 blocks, 5 fillers.
    assert_eq!(lines.len(), 20);
    assert!(lines[15..].iter().all(|l| *l == "9".repeat(94)));
    assert_eq!(&lines[14][1..13], "000002000002");
    let parsed = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let sequences: Vec<Vec<u32>> =
        parsed.batches.iter().map(|b| b.trace_numbers.iter().map(|t| t.sequence).collect()).collect();
    assert_eq!(sequences, [vec![1, 2, 3, 4, 5], vec![6, 7, 8, 9]]);
    assert_eq!(parsed.batches[1].trace_numbers[0].to_string(), "011000010000006");
    assert_eq!(parsed.batches[1].batch.batch_number, 7);
    assert_eq!(parsed.control.controls.entry_addenda_count, 9);
    assert_eq!(parsed.control.controls.entry_hash, 5 * 12_210_515 + 4 * 1_100_001);
    assert_eq!(parsed.control.controls.total_credit_cents, 5 * 12_345 + 4 * 500_000);
}

#[test]
fn exactly_ten_records_need_no_filler() {
    // 1 + 1 + 6 + 1 + 1 = 10.
    let text = render(&AchFile::new(header()).batch(batch(1, vec![acme(); 6])));
    let lines = record_lines(&text);
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[9].as_bytes()[0], b'9');
    assert_ne!(lines[9], "9".repeat(94));
    assert!(parse(&text).is_ok());
}

#[test]
fn entry_hash_keeps_its_last_ten_digits() {
    // 999999992 is valid: 3·27 + 7·27 + 18 = 288, and 288 + 2 = 290.
    let big = Entry { routing: routing("999999992"), amount_cents: 1, ..acme() };
    let text = render(&AchFile::new(header()).batch(batch(1, vec![big; 101])));
    let parsed = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    // 101 × 99,999,999 = 10,099,999,899: the leading 1 is dropped.
    assert_eq!(parsed.batches[0].control.entry_hash, 99_999_899);
    assert_eq!(parsed.control.controls.entry_hash, 99_999_899);
    assert!(text.lines().any(|l| l.starts_with("8220000101") && &l[10..20] == "0099999899"));
}

#[test]
fn refuses_what_it_cannot_write_faithfully() {
    let field = |at: Location, field: &'static str, problem: FieldProblem| Err(AchError::Field { at, field, problem });
    let entry_at = Location::Entry { batch_number: 1, index: 1 };
    let with_entry = |entry: Entry| AchFile::new(header()).batch(batch(1, vec![acme(), entry])).render();

    assert_eq!(
        with_entry(Entry { amount_cents: 0, ..acme() }),
        field(entry_at, "amount_cents", FieldProblem::NotPositive)
    );
    assert_eq!(
        with_entry(Entry { amount_cents: -5, ..acme() }),
        field(entry_at, "amount_cents", FieldProblem::NotPositive)
    );
    assert_eq!(
        with_entry(Entry { amount_cents: MAX_AMOUNT_CENTS + 1, ..acme() }),
        field(entry_at, "amount_cents", FieldProblem::TooLarge)
    );
    assert!(with_entry(Entry { amount_cents: MAX_AMOUNT_CENTS, ..acme() }).is_ok());
    assert_eq!(
        with_entry(Entry { name: "Société Générale".to_string(), ..acme() }),
        field(entry_at, "name", FieldProblem::NotAscii)
    );
    assert_eq!(
        with_entry(Entry { name: "ACME\nFARMS".to_string(), ..acme() }),
        field(entry_at, "name", FieldProblem::NotAscii)
    );
    assert_eq!(
        with_entry(Entry { name: "A".repeat(23), ..acme() }),
        field(entry_at, "name", FieldProblem::TooLong { max: 22 })
    );
    assert!(with_entry(Entry { name: "A".repeat(22), ..acme() }).is_ok());
    assert_eq!(with_entry(Entry { name: "   ".to_string(), ..acme() }), field(entry_at, "name", FieldProblem::Empty));
    assert_eq!(
        with_entry(Entry { account_number: "1".repeat(18), ..acme() }),
        field(entry_at, "account_number", FieldProblem::TooLong { max: 17 })
    );
    assert_eq!(
        with_entry(Entry { account_number: String::new(), ..acme() }),
        field(entry_at, "account_number", FieldProblem::Empty)
    );
    assert_eq!(
        with_entry(Entry { individual_id: "P".repeat(16), ..acme() }),
        field(entry_at, "individual_id", FieldProblem::TooLong { max: 15 })
    );
    assert!(with_entry(Entry { individual_id: String::new(), ..acme() }).is_ok());

    let batch_at = Location::Batch { batch_number: 1 };
    let with_batch = |b: Batch| AchFile::new(header()).batch(b).render();
    assert_eq!(with_batch(batch(1, vec![])), Err(AchError::EmptyBatch { batch_number: 1 }));
    assert_eq!(
        with_batch(Batch { company_name: "G".repeat(17), ..batch(1, vec![acme()]) }),
        field(batch_at, "company_name", FieldProblem::TooLong { max: 16 })
    );
    assert_eq!(
        with_batch(Batch { company_id: "11234567890".to_string(), ..batch(1, vec![acme()]) }),
        field(batch_at, "company_id", FieldProblem::TooLong { max: 10 })
    );
    assert_eq!(
        with_batch(Batch { entry_description: "MARKETPLACE".to_string(), ..batch(1, vec![acme()]) }),
        field(batch_at, "entry_description", FieldProblem::TooLong { max: 10 })
    );
    assert_eq!(
        with_batch(Batch { effective_date: date(1999, 12, 31), ..batch(1, vec![acme()]) }),
        field(batch_at, "effective_date", FieldProblem::Year)
    );
    assert_eq!(
        with_batch(batch(0, vec![acme()])),
        field(Location::Batch { batch_number: 0 }, "batch_number", FieldProblem::OutOfRange)
    );
    assert_eq!(
        AchFile::new(header()).batch(batch(2, vec![acme()])).batch(batch(2, vec![acme()])).render(),
        Err(AchError::BatchOrder { previous: 2, batch_number: 2 })
    );
    assert_eq!(AchFile::new(header()).render(), Err(AchError::NoBatches));

    let with_header = |h: FileHeader| AchFile::new(h).batch(batch(1, vec![acme()])).render();
    let head = Location::FileHeader;
    assert_eq!(
        with_header(FileHeader { immediate_origin: "123456789".to_string(), ..header() }),
        field(head, "immediate_origin", FieldProblem::Width { width: 10 })
    );
    assert!(with_header(FileHeader { immediate_origin: " 021000021".to_string(), ..header() }).is_ok());
    assert_eq!(
        with_header(FileHeader { file_id_modifier: '-', ..header() }),
        field(head, "file_id_modifier", FieldProblem::NotAlphanumeric)
    );
    assert_eq!(
        with_header(FileHeader { file_id_modifier: 'É', ..header() }),
        field(head, "file_id_modifier", FieldProblem::NotAlphanumeric)
    );
    assert_eq!(
        with_header(FileHeader { destination_name: "D".repeat(24), ..header() }),
        field(head, "destination_name", FieldProblem::TooLong { max: 23 })
    );
    assert_eq!(
        with_header(FileHeader { created_at: at(2100, 1, 1, 0, 0), ..header() }),
        field(head, "created_at", FieldProblem::Year)
    );
    // A lower-case modifier is written upper-case.
    let lower = with_header(FileHeader { file_id_modifier: 'b', ..header() }).unwrap();
    assert_eq!(&lower[33..34], "B");
}

#[test]
fn refuses_totals_that_do_not_fit() {
    // The totals hold 12 digits of cents: 100 × 9,999,999,999 = 999,999,999,900 fits,
    // one more maximal entry does not, in a batch or in the file.
    let max = Entry { amount_cents: MAX_AMOUNT_CENTS, ..acme() };
    assert!(AchFile::new(header()).batch(batch(1, vec![max.clone(); 100])).render().is_ok());
    assert_eq!(
        AchFile::new(header()).batch(batch(1, vec![max.clone(); 101])).render(),
        Err(AchError::Overflow { what: "batch's total" })
    );
    assert_eq!(
        AchFile::new(header()).batch(batch(1, vec![max.clone(); 100])).batch(batch(2, vec![max; 1])).render(),
        Err(AchError::Overflow { what: "file's total" })
    );
}

#[test]
fn error_messages_say_where() {
    let error = AchFile::new(header())
        .batch(batch(3, vec![acme(), Entry { name: "Zoë".to_string(), ..acme() }]))
        .render()
        .unwrap_err();
    assert_eq!(error.to_string(), "batch 3 entries[1]: name must be printable ASCII: nothing is transliterated");
}

#[test]
fn debug_masks_account_numbers() {
    let debug = format!("{:?}", acme());
    assert!(debug.contains("*****6789"), "{debug}");
    assert!(!debug.contains("123456789\""), "{debug}");
}

#[test]
fn account_kinds() {
    assert_eq!(AccountKind::parse("checking"), Ok(AccountKind::Checking));
    assert_eq!(AccountKind::Savings.as_str(), "savings");
    assert_eq!(AccountKind::Checking.credit_transaction_code(), 22);
    assert_eq!(AccountKind::Savings.credit_transaction_code(), 32);
    assert_eq!(AccountKind::from_credit_transaction_code(32), Some(AccountKind::Savings));
    assert_eq!(AccountKind::from_credit_transaction_code(27), None); // a checking debit
    assert_eq!(AccountKind::from_credit_transaction_code(23), None); // a prenote
}

/// The sample file with line `index` (0-based) rewritten by `change`.
fn tampered(index: usize, change: impl FnOnce(&mut String)) -> String {
    let text = render(&sample());
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    change(&mut lines[index]);
    lines.join("\n") + "\n"
}

fn replace_at(line: &mut String, start: usize, text: &str) {
    line.replace_range(start - 1..start - 1 + text.len(), text);
}

#[test]
fn parse_checks_the_controls() {
    let control = |line, field, written, computed| {
        Err(AchError::Parse { line, problem: ParseProblem::Control { field, written, computed } })
    };
    // An amount changed without its control: the batch total disagrees.
    let text = tampered(2, |l| replace_at(l, 30, "0000012346"));
    assert_eq!(parse(&text).map(|_| ()), control(5, "total credit entry dollar amount", 512_345, 512_346));
    // The batch's entry hash.
    let text = tampered(4, |l| replace_at(l, 11, "0013310517"));
    assert_eq!(parse(&text).map(|_| ()), control(5, "entry hash", 13_310_517, 13_310_516));
    // The batch's count.
    let text = tampered(4, |l| replace_at(l, 5, "000003"));
    assert_eq!(parse(&text).map(|_| ()), control(5, "entry/addenda count", 3, 2));
    // The file's batch count, block count, hash and total.
    let text = tampered(5, |l| replace_at(l, 2, "000002"));
    assert_eq!(parse(&text).map(|_| ()), control(6, "batch count", 2, 1));
    let text = tampered(5, |l| replace_at(l, 8, "000002"));
    assert_eq!(parse(&text).map(|_| ()), control(6, "block count", 2, 1));
    let text = tampered(5, |l| replace_at(l, 22, "0013310510"));
    assert_eq!(parse(&text).map(|_| ()), control(6, "entry hash", 13_310_510, 13_310_516));
    let text = tampered(5, |l| replace_at(l, 44, "000000512300"));
    assert_eq!(parse(&text).map(|_| ()), control(6, "total credit entry dollar amount in file", 512_300, 512_345));
    // A debit total where there are no debits.
    let text = tampered(4, |l| replace_at(l, 21, "000000000001"));
    assert_eq!(parse(&text).map(|_| ()), control(5, "total debit entry dollar amount", 1, 0));
}

#[test]
fn parse_checks_every_field() {
    let invalid = |line, field| Err(AchError::Parse { line, problem: ParseProblem::Invalid { field } });
    let cases: [(usize, usize, &str, &str); 16] = [
        (0, 2, "02", "priority code"),
        (0, 4, "021000021", "immediate destination"), // no leading space
        (0, 24, "251315", "file creation date"),      // no 13th month
        (0, 30, "2460", "file creation time"),
        (0, 34, "-", "file id modifier"),
        (0, 35, "095", "record size"),
        (0, 87, "REF", "reference code"),
        (1, 2, "200", "service class code"),
        (1, 51, "PPD", "standard entry class code"),
        (1, 76, "166", "settlement date"),
        (1, 79, "2", "originator status code"),
        (2, 2, "27", "transaction code"), // a debit
        (2, 12, "6", "check digit"),
        (2, 79, "1", "addenda record indicator"),
        (2, 80, "02100003", "trace number"), // not the ODFI
        (4, 45, "9123456789", "company identification"),
    ];
    for (index, start, text, field) in cases {
        let file = tampered(index, |l| replace_at(l, start, text));
        assert_eq!(parse(&file).map(|_| ()), invalid(index + 1, field), "{field}");
    }
    // Lower case is not what this module writes.
    let file = tampered(3, |l| replace_at(l, 55, "blue"));
    assert_eq!(parse(&file).map(|_| ()), invalid(4, "receiving company name"));
    // A batch control for another batch.
    let file = tampered(4, |l| replace_at(l, 88, "0000002"));
    assert_eq!(parse(&file).map(|_| ()), invalid(5, "batch number"));
}

#[test]
fn parse_checks_the_structure() {
    let parse_error = |line, problem| Err(AchError::Parse { line, problem });
    // A line one character short.
    let file = tampered(3, |l| {
        l.pop();
    });
    assert_eq!(parse(&file).map(|_| ()), parse_error(4, ParseProblem::Length { length: 93 }));
    // 94 characters, not ASCII.
    let file = tampered(3, |l| l.replace_range(54..55, "É"));
    assert_eq!(parse(&file).map(|_| ()), parse_error(4, ParseProblem::NotAscii));
    // An addenda record where an entry or the batch control should be.
    let file = tampered(4, |l| *l = format!("705{:<80}00010000002", "INVOICE 17"));
    assert_eq!(
        parse(&file).map(|_| ()),
        parse_error(5, ParseProblem::Unexpected { expected: "entry detail or batch control record", found: '7' })
    );
    // Filler that is not all 9s.
    let file = tampered(7, |l| replace_at(l, 94, "0"));
    assert_eq!(parse(&file).map(|_| ()), parse_error(8, ParseProblem::Filler));
    // A filler record missing.
    let text = render(&sample());
    let short = &text[..text.len() - 95];
    assert_eq!(parse(short).map(|_| ()), Err(AchError::Blocking { records: 9 }));
    // Cut after the batch control.
    let cut: String = text.lines().take(5).map(|l| format!("{l}\n")).collect();
    assert_eq!(parse(&cut).map(|_| ()), Err(AchError::Truncated { expected: "batch header or file control record" }));
    assert_eq!(parse("").map(|_| ()), Err(AchError::Truncated { expected: "file header record" }));
    // An empty batch parses field by field but is not a file this module writes.
    let lines: Vec<&str> = text.lines().collect();
    let mut empty = vec![lines[0], lines[1], lines[4], lines[5]];
    let no_entries = lines[4].replacen("000002", "000000", 1).replacen("0013310516", "0000000000", 1);
    let no_credit = no_entries.replacen("000000512345", "000000000000", 1);
    let file_control = lines[5].replacen("00000002", "00000000", 1).replacen("0013310516", "0000000000", 1);
    let file_control = file_control.replacen("000000512345", "000000000000", 1);
    empty[2] = &no_credit;
    empty[3] = &file_control;
    let filler = "9".repeat(94);
    let empty: Vec<&str> = empty.into_iter().chain(std::iter::repeat_n(filler.as_str(), 6)).collect();
    assert_eq!(parse(&empty.join("\n")).map(|_| ()), Err(AchError::EmptyBatch { batch_number: 1 }));
    // Trace numbers not in the order this module writes them.
    let file = tampered(3, |l| replace_at(l, 80, "021000020000009"));
    assert_eq!(parse(&file).map(|_| ()), parse_error(4, ParseProblem::NotAsWritten));
}

#[test]
fn parse_accepts_crlf_and_no_final_line_break() {
    let text = render(&sample());
    let expected = parse(&text).unwrap();
    assert_eq!(parse(&text.replace('\n', "\r\n")).unwrap(), expected);
    assert_eq!(parse(text.trim_end_matches('\n')).unwrap(), expected);
}

/// A valid routing number from 8 digits, its check digit computed here rather than
/// by the code under test.
fn routing_from(dfi: &str) -> RoutingNumber {
    let weights = [3, 7, 1, 3, 7, 1, 3, 7];
    let sum: u32 = dfi.chars().zip(weights).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    routing(&format!("{dfi}{}", (10 - sum % 10) % 10))
}

fn entries() -> impl Strategy<Value = Entry> {
    (
        "[0-9]{8}",
        "[0-9A-Z-]{1,17}",
        prop_oneof![Just(AccountKind::Checking), Just(AccountKind::Savings)],
        1..=MAX_AMOUNT_CENTS,
        "[0-9A-Z]{0,15}",
        "[A-Z0-9&.,' -]{0,21}[A-Z0-9]",
    )
        .prop_map(|(dfi, account_number, kind, amount_cents, individual_id, name)| Entry {
            routing: routing_from(&dfi),
            account_number,
            kind,
            amount_cents,
            individual_id,
            name,
        })
}

proptest! {
    #[test]
    fn valid_entries_render_and_parse_back(batches in proptest::collection::vec(proptest::collection::vec(entries(), 1..25), 1..4)) {
        let file = batches.iter().enumerate().fold(AchFile::new(header()), |file, (i, entries)| {
            file.batch(batch(u32::try_from(i).unwrap() + 1, entries.clone()))
        });
        let text = file.render().unwrap();
        let lines: Vec<&str> = text.split_terminator('\n').collect();
        prop_assert!(lines.iter().all(|l| l.len() == 94 && l.is_ascii()));
        prop_assert_eq!(lines.len() % 10, 0);
        let records = 2 + batches.iter().map(|b| b.len() + 2).sum::<usize>();
        prop_assert_eq!(lines.len(), records.div_ceil(10) * 10);

        let parsed = parse(&text).unwrap();
        let all: Vec<&Entry> = batches.iter().flatten().collect();
        let hash = all.iter().map(|e| e.routing.as_str()[..8].parse::<u64>().unwrap()).sum::<u64>() % 10_000_000_000;
        let credit: u64 = all.iter().map(|e| u64::try_from(e.amount_cents).unwrap()).sum();
        for (read, entries) in parsed.batches.iter().zip(&batches) {
            prop_assert_eq!(&read.batch.entries, entries);
            let batch_hash = entries.iter().map(|e| e.routing.as_str()[..8].parse::<u64>().unwrap()).sum::<u64>();
            prop_assert_eq!(read.control.entry_hash, batch_hash % 10_000_000_000);
            prop_assert_eq!(read.control.total_credit_cents, entries.iter().map(|e| e.amount_cents as u64).sum::<u64>());
            prop_assert_eq!(read.control.entry_addenda_count, entries.len() as u64);
        }
        prop_assert_eq!(parsed.batches.len(), batches.len());
        prop_assert_eq!(parsed.control.batch_count, batches.len() as u64);
        prop_assert_eq!(parsed.control.block_count, (lines.len() / 10) as u64);
        prop_assert_eq!(parsed.control.controls.entry_addenda_count, all.len() as u64);
        prop_assert_eq!(parsed.control.controls.entry_hash, hash);
        prop_assert_eq!(parsed.control.controls.total_debit_cents, 0);
        prop_assert_eq!(parsed.control.controls.total_credit_cents, credit);
    }
}
