#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use chrono::{NaiveDate, NaiveDateTime};

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
fn exactly_ten_records_need_no_filler() {
    // 1 + 1 + 6 + 1 + 1 = 10.
    let text = render(&AchFile::new(header()).batch(batch(1, vec![acme(); 6])));
    let lines = record_lines(&text);
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[9].as_bytes()[0], b'9');
    assert_ne!(lines[9], "9".repeat(94));
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
