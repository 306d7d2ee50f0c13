//! Reading a Shopify product CSV export, one handle at a time.
//!
//! Shopify writes one row per variant, plus rows that only add an image. The first row
//! of a handle carries the product's Title, Body (HTML), Vendor, Type, Tags…; the rows
//! after it, for the same handle and adjacent, carry only variant columns (Option1
//! Value…, Variant SKU, Variant Grams, Variant Price, Variant Inventory Qty) and/or
//! Image Src. Each variant becomes one Gateway product.
//!
//! The reader streams: it holds the rows of the current handle and, to find SKUs used
//! twice in the file, the set of SKUs seen (at most 64 bytes each). Everything else is
//! handed on as soon as a handle ends.
//!
//! Both header dialects are read: the classic one (`Handle`, `Body (HTML)`, `Variant
//! SKU`, `Variant Price`, `Variant Grams`, `Variant Inventory Qty`, `Image Src`) and the
//! one Shopify writes since 2024 (`URL handle`, `Description`, `SKU`, `Price`, `Weight
//! value (grams)`, `Inventory quantity`, `Product image URL`). Headers match without
//! regard to case or surrounding spaces.

use std::collections::HashMap;
use std::io::Read;

use gateway_core::FieldError;
use gateway_core::decimal::{div_round_half_up, parse_scaled};
use gateway_core::product::MAX_WEIGHT_G;

use super::classify::{self, Suggestion};
use super::html;
use super::source::{CheckedSource, SourceError};
use crate::input::{BilingualInput, DecimalText};
// A longer Shopify title or body is cut to these, and the preview says so.
use crate::products::{DESCRIPTION_MAX, NetContentInput, ProductInput, TITLE_MAX, merge_fields};

/// One field Gateway reads, with its names in both header dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Handle,
    Title,
    Body,
    ProductCategory,
    Type,
    Tags,
    Status,
    Option1Value,
    Option2Value,
    Option3Value,
    Sku,
    Grams,
    Weight,
    WeightUnit,
    InventoryQty,
    Price,
    ImageSrc,
}

const COLUMNS: &[(Col, &str, &str)] = &[
    (Col::Handle, "Handle", "URL handle"),
    (Col::Title, "Title", "Title"),
    (Col::Body, "Body (HTML)", "Description"),
    (Col::ProductCategory, "Product Category", "Product category"),
    (Col::Type, "Type", "Type"),
    (Col::Tags, "Tags", "Tags"),
    (Col::Status, "Status", "Status"),
    (Col::Option1Value, "Option1 Value", "Option1 value"),
    (Col::Option2Value, "Option2 Value", "Option2 value"),
    (Col::Option3Value, "Option3 Value", "Option3 value"),
    (Col::Sku, "Variant SKU", "SKU"),
    (Col::Grams, "Variant Grams", "Weight value (grams)"),
    (Col::Weight, "Variant Weight", "Variant Weight"),
    (Col::WeightUnit, "Variant Weight Unit", "Weight unit for display"),
    (Col::InventoryQty, "Variant Inventory Qty", "Inventory quantity"),
    (Col::Price, "Variant Price", "Price"),
    (Col::ImageSrc, "Image Src", "Product image URL"),
];

/// Why a file cannot be imported at all. Nothing is changed when one is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    Empty,
    NotUtf8 { line: u64, offset: u64, byte: u8 },
    MissingColumns(Vec<String>),
    UnclosedQuote { line: u64 },
    FieldCount { row: u64, line: u64, found: u64, expected: u64 },
    Unreadable(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Empty => write!(f, "the file is empty: it has no header row and no product rows"),
            FileError::NotUtf8 { line, offset, byte } => {
                SourceError::NotUtf8 { line: *line, offset: *offset, byte: *byte }.fmt(f)
            }
            FileError::MissingColumns(names) => write!(
                f,
                "the header lacks required columns: {}; is this a Shopify product export (Products → Export → CSV)?",
                names.join(", ")
            ),
            FileError::UnclosedQuote { line } => {
                write!(f, "broken quoting: a quoted field that starts on line {line} is never closed (a \" is missing)")
            }
            FileError::FieldCount { row, line, found, expected } => write!(
                f,
                "broken quoting or a stray comma: row {row} (line {line}) has {found} fields where the header has \
                 {expected}"
            ),
            FileError::Unreadable(why) => write!(f, "the file could not be read: {why}"),
        }
    }
}

impl std::error::Error for FileError {}

/// A row that cannot become a product, by the row number a spreadsheet shows (the
/// header is row 1) and the Shopify column at fault.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: u64,
    pub handle: String,
    pub column: String,
    pub message: String,
}

/// One variant, ready to create: the product input (already valid by the API's
/// rules), with what the import suggested and noted.
#[derive(Debug, Clone)]
pub struct Variant {
    pub row: u64,
    pub handle: String,
    pub sku: String,
    pub input: ProductInput,
    pub suggestion: Suggestion,
    /// Draft or archived in Shopify: imported withdrawn from sale.
    pub withdrawn: bool,
    /// What the import derived or changed, for the merchant to check.
    pub notes: Vec<String>,
}

/// What one handle gave: its variants and its rows that failed.
#[derive(Debug, Default)]
pub struct Handle {
    pub variants: Vec<Variant>,
    pub errors: Vec<RowError>,
    /// Rows that only added an image.
    pub image_rows: u64,
    /// Rows of the handle, of every kind.
    pub rows: u64,
}

/// A Shopify export being read, one handle at a time.
pub struct ShopifyCsv<R: Read> {
    reader: csv::Reader<CheckedSource<R>>,
    index: HashMap<Col, usize>,
    /// Spreadsheet row of the last record read.
    row: u64,
    /// The first row of the next handle, read while finding the end of this one.
    lookahead: Option<(u64, csv::StringRecord)>,
    /// SKU → the row that used it first.
    skus: HashMap<String, u64>,
    done: bool,
}

fn from_csv_error(e: csv::Error, reader: &mut csv::Reader<CheckedSource<impl Read>>) -> FileError {
    let unequal = match e.kind() {
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => Some((pos.clone(), *expected_len, *len)),
        _ => None,
    };
    if let Some((pos, expected, found)) = unequal {
        // A quote that never closes swallows the rest of the file into one field;
        // read to the end to find where it opened, which says more than the count.
        let drained = std::io::copy(reader.get_mut(), &mut std::io::sink());
        if drained.is_ok()
            && let Some(line) = reader.get_ref().unclosed_quote_line()
        {
            return FileError::UnclosedQuote { line };
        }
        let (row, line) = pos.map_or((0, 0), |p| (p.record() + 1, p.line()));
        return FileError::FieldCount { row, line, found, expected };
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => match io.get_ref().and_then(|inner| inner.downcast_ref::<SourceError>()) {
            Some(SourceError::NotUtf8 { line, offset, byte }) => {
                FileError::NotUtf8 { line: *line, offset: *offset, byte: *byte }
            }
            None => FileError::Unreadable(io.to_string()),
        },
        other => FileError::Unreadable(format!("{other:?}")),
    }
}

impl<R: Read> ShopifyCsv<R> {
    /// Reads the header; a file that cannot be an export fails here.
    pub fn open(input: R) -> Result<Self, FileError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(CheckedSource::new(input));
        let mut header = csv::StringRecord::new();
        match reader.read_record(&mut header) {
            Ok(true) => {}
            Ok(false) => return Err(FileError::Empty),
            Err(e) => return Err(from_csv_error(e, &mut reader)),
        }
        let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let mut index = HashMap::new();
        for (col, classic, modern) in COLUMNS {
            let found = names.iter().position(|n| n == &classic.to_lowercase() || n == &modern.to_lowercase());
            if let Some(i) = found {
                index.insert(*col, i);
            }
        }
        let mut missing: Vec<String> = [Col::Handle, Col::Title, Col::Price]
            .iter()
            .filter(|c| !index.contains_key(c))
            .map(|c| classic_name(*c).to_string())
            .collect();
        if !index.contains_key(&Col::Grams) && !index.contains_key(&Col::Weight) {
            missing.push(classic_name(Col::Grams).to_string());
        }
        if !missing.is_empty() {
            return Err(FileError::MissingColumns(missing));
        }
        Ok(Self { reader, index, row: 1, lookahead: None, skus: HashMap::new(), done: false })
    }

    /// Bytes read so far, for a progress bar.
    pub fn bytes_read(&self) -> u64 {
        self.reader.get_ref().bytes_read()
    }

    fn next_record(&mut self) -> Result<Option<(u64, csv::StringRecord)>, FileError> {
        if let Some(next) = self.lookahead.take() {
            return Ok(Some(next));
        }
        if self.done {
            return Ok(None);
        }
        let mut record = csv::StringRecord::new();
        match self.reader.read_record(&mut record) {
            // The reader is not `flexible`: a record of another length than the header
            // is an error, handled in `from_csv_error`.
            Ok(true) => {
                self.row += 1;
                Ok(Some((self.row, record)))
            }
            Ok(false) => {
                self.done = true;
                if let Some(line) = self.reader.get_ref().unclosed_quote_line() {
                    return Err(FileError::UnclosedQuote { line });
                }
                if self.row == 1 {
                    return Err(FileError::Empty);
                }
                Ok(None)
            }
            Err(e) => Err(from_csv_error(e, &mut self.reader)),
        }
    }

    /// The next handle's products and failed rows; None at the end of the file.
    pub fn next_handle(&mut self) -> Result<Option<Handle>, FileError> {
        let Some((first_row, first)) = self.next_record()? else {
            return Ok(None);
        };
        let handle = self.get(&first, Col::Handle).to_string();
        let mut rows = vec![(first_row, first)];
        while let Some((row, record)) = self.next_record()? {
            if self.get(&record, Col::Handle) == handle {
                rows.push((row, record));
            } else {
                self.lookahead = Some((row, record));
                break;
            }
        }
        Ok(Some(self.read_handle(&handle, &rows)))
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, col: Col) -> &'r str {
        self.index.get(&col).and_then(|&i| record.get(i)).map_or("", str::trim)
    }

    fn read_handle(&mut self, handle: &str, rows: &[(u64, csv::StringRecord)]) -> Handle {
        let mut out = Handle { rows: rows.len() as u64, ..Handle::default() };
        let Some((_, first)) = rows.first() else {
            return out;
        };
        let error = |row: u64, col: Col, message: String| RowError {
            row,
            handle: handle.to_string(),
            column: classic_name(col).to_string(),
            message,
        };
        if handle.is_empty() {
            for (row, _) in rows {
                out.errors.push(error(*row, Col::Handle, "is empty: every row needs the product's handle".into()));
            }
            return out;
        }
        let title = self.get(first, Col::Title);
        if title.is_empty() {
            let message = "is empty on the first row of this handle, which must carry the product's title (rows \
                           of one handle must be adjacent)";
            for (row, _) in rows {
                out.errors.push(error(*row, Col::Title, message.into()));
            }
            return out;
        }
        let product = ProductText::read(self, first, title);
        for (i, (row, record)) in rows.iter().enumerate() {
            let options: Vec<&str> = [Col::Option1Value, Col::Option2Value, Col::Option3Value]
                .iter()
                .map(|c| self.get(record, *c))
                .filter(|v| !v.is_empty())
                .collect();
            let is_variant = i == 0
                || !options.is_empty()
                || [Col::Sku, Col::Price, Col::Grams, Col::Weight].iter().any(|c| !self.get(record, *c).is_empty());
            if !is_variant {
                if self.get(record, Col::ImageSrc).is_empty() {
                    // Neither variant nor image: a row Shopify would ignore too.
                    continue;
                }
                out.image_rows += 1;
                continue;
            }
            match self.read_variant(handle, &product, *row, record, &options) {
                Ok(variant) => out.variants.push(variant),
                Err(errors) => out.errors.extend(errors),
            }
        }
        out
    }

    fn read_variant(
        &mut self,
        handle: &str,
        product: &ProductText,
        row: u64,
        record: &csv::StringRecord,
        options: &[&str],
    ) -> Result<Variant, Vec<RowError>> {
        let mut notes = Vec::new();
        let mut errors = Vec::new();
        let error = |col: Col, message: String| RowError {
            row,
            handle: handle.to_string(),
            column: classic_name(col).to_string(),
            message,
        };
        let named_options: Vec<&str> = options.iter().copied().filter(|o| *o != "Default Title").collect();

        let sku = match self.get(record, Col::Sku) {
            "" => {
                let derived = derive_sku(handle, &named_options);
                notes.push(format!("SKU {derived} made from the handle and options (Variant SKU is empty)"));
                derived
            }
            given => given.to_string(),
        };

        let mut title_en = product.title.clone();
        if !named_options.is_empty() {
            title_en = format!("{title_en} - {}", named_options.join(" / "));
        }
        if title_en.chars().count() > TITLE_MAX {
            title_en = cut(&title_en, TITLE_MAX);
            notes.push(format!("title cut to {TITLE_MAX} characters"));
        }
        let title_zh = gateway_search::Glossary::embedded().suggest_title_zh(&title_en);

        let weight_g = match self.weight_g(record) {
            Ok(Some(g)) => Some(g),
            Ok(None) => {
                errors.push(error(Col::Grams, "is empty: Gateway needs each product's shipping weight".into()));
                None
            }
            Err((col, message)) => {
                errors.push(error(col, message));
                None
            }
        };

        let stock = match self.get(record, Col::InventoryQty) {
            "" => {
                notes.push("stock 0: Variant Inventory Qty is empty".into());
                Some(0)
            }
            qty => match qty.parse::<i64>() {
                Ok(n) if n < 0 => {
                    notes.push(format!("stock 0: Shopify had {n} (oversold)"));
                    Some(0)
                }
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(error(Col::InventoryQty, format!("must be a whole number, not {qty:?}")));
                    None
                }
            },
        };

        let class = product.suggestion.tax_class;
        let net_content = weight_g.map(|g| {
            if matches!(class, "apparel" | "household" | "electronics") {
                notes.push("net content 1 piece (assumed; Shopify does not say)".into());
                NetContentInput { value: Some(DecimalText("1".into())), unit: Some("piece".into()) }
            } else {
                notes.push(format!("net content {g} g, taken from the shipping weight (Shopify does not say)"));
                NetContentInput { value: Some(DecimalText(g.to_string())), unit: Some("g".into()) }
            }
        });
        notes.extend(product.notes.iter().cloned());

        let input = ProductInput {
            sku: Some(sku.clone()),
            title: Some(BilingualInput { en: Some(title_en), zh: title_zh }),
            description: Some(BilingualInput { en: Some(product.description.clone()), zh: None }),
            tax_class: Some(class.to_string()),
            hs_code: Some(product.suggestion.hs_code.to_string()),
            origin_country: None,
            price_usd: Some(self.get(record, Col::Price)).filter(|p| !p.is_empty()).map(|p| DecimalText(p.to_string())),
            weight_g,
            net_content,
            stock,
            status: None,
        };
        // The API's own rules, so a row that passes here is one the API would accept.
        if let Err(field_errors) = merge_fields(None, &input) {
            for FieldError { field, message } in field_errors {
                // Fields already reported above come back as "is required".
                let Some(col) = column_of(&field) else { continue };
                if !errors.iter().any(|e| e.column == classic_name(col)) {
                    errors.push(error(col, message));
                }
            }
        }
        if errors.is_empty() {
            if let Some(first) = self.skus.get(&sku) {
                errors.push(error(Col::Sku, format!("{sku} is already used on row {first} of this file")));
            } else {
                self.skus.insert(sku.clone(), row);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Variant {
            row,
            handle: handle.to_string(),
            sku,
            input,
            suggestion: product.suggestion.clone(),
            withdrawn: product.withdrawn,
            notes,
        })
    }

    /// Whole grams, from Variant Grams (decimal grams, as Shopify writes them) or else
    /// from Variant Weight and its unit; None when neither is given.
    fn weight_g(&self, record: &csv::StringRecord) -> Result<Option<i64>, (Col, String)> {
        let grams = self.get(record, Col::Grams);
        let (col, text, nano_per_unit): (Col, &str, i128) = if !grams.is_empty() {
            (Col::Grams, grams, 1_000_000_000)
        } else {
            let weight = self.get(record, Col::Weight);
            if weight.is_empty() {
                return Ok(None);
            }
            let unit = self.get(record, Col::WeightUnit).to_lowercase();
            let per_unit = match unit.as_str() {
                "g" | "" => 1_000_000_000,
                "kg" => 1_000_000_000_000,
                "lb" => 453_592_370_000,
                "oz" => 28_349_523_125,
                other => {
                    return Err((Col::WeightUnit, format!("must be g, kg, lb or oz, not {other:?}")));
                }
            };
            (Col::Weight, weight, per_unit)
        };
        // Shopify writes grams with up to 7 decimals (283.4952313); 9 keeps them exact.
        let value = parse_scaled(text, 9).map_err(|e| (col, format!("{e}: {text:?}")))?;
        let grams = div_round_half_up(i128::from(value) * nano_per_unit, 1_000_000_000_000_000_000);
        if grams > i128::from(MAX_WEIGHT_G) {
            return Err((col, format!("must be at most {MAX_WEIGHT_G} g")));
        }
        Ok(Some(i64::try_from(grams).unwrap_or(i64::MAX)))
    }
}

/// What the first row of a handle says for all its variants.
struct ProductText {
    title: String,
    description: String,
    suggestion: Suggestion,
    withdrawn: bool,
    notes: Vec<String>,
}

impl ProductText {
    fn read<R: Read>(csv: &ShopifyCsv<R>, first: &csv::StringRecord, title: &str) -> Self {
        let mut notes = Vec::new();
        let mut description = html::to_text(csv.get(first, Col::Body));
        if description.is_empty() {
            description = title.to_string();
            notes.push("description is the title (Body (HTML) is empty)".into());
        } else if description.chars().count() > DESCRIPTION_MAX {
            description = cut(&description, DESCRIPTION_MAX);
            notes.push(format!("description cut to {DESCRIPTION_MAX} characters"));
        }
        let suggestion = classify::suggest(&[
            ("Product Category", csv.get(first, Col::ProductCategory)),
            ("Type", csv.get(first, Col::Type)),
            ("Title", title),
            ("Tags", csv.get(first, Col::Tags)),
        ]);
        let status = csv.get(first, Col::Status).to_lowercase();
        let withdrawn = matches!(status.as_str(), "draft" | "archived");
        if withdrawn {
            notes.push(format!("imported withdrawn from sale: {status} in Shopify"));
        }
        Self { title: cut(title, TITLE_MAX), description, suggestion, withdrawn, notes }
    }
}

fn classic_name(col: Col) -> &'static str {
    COLUMNS.iter().find(|(c, _, _)| *c == col).map_or("", |(_, name, _)| name)
}

/// The Shopify column a Gateway field came from, for row errors.
fn column_of(field: &str) -> Option<Col> {
    Some(match field {
        "sku" => Col::Sku,
        "title.en" | "title.zh" => Col::Title,
        "description.en" => Col::Body,
        "price_usd" => Col::Price,
        "weight_g" | "net_content.value" | "net_content.unit" => Col::Grams,
        "stock" => Col::InventoryQty,
        "tax_class" | "hs_code" => Col::Type,
        _ => return None,
    })
}

/// A SKU for a variant without one: the handle and option values, lower-cased, with
/// anything outside Gateway's SKU alphabet turned into '-', at most 64 characters.
pub fn derive_sku(handle: &str, options: &[&str]) -> String {
    let mut raw = handle.to_string();
    for option in options {
        raw.push('-');
        raw.push_str(option);
    }
    let mut sku = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        let c = if c.is_ascii_alphanumeric() || matches!(c, '_' | '.') { c } else { '-' };
        if !(c == '-' && (sku.is_empty() || sku.ends_with('-'))) {
            sku.push(c);
        }
    }
    let sku = sku.trim_end_matches('-');
    let sku: String = sku.chars().take(64).collect();
    if sku.is_empty() { "item".to_string() } else { sku }
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect::<String>().trim_end().to_string()
}
