//! The Shopify reader over Shopify's own template and over broken files.

use super::shopify::{FileError, RowError, ShopifyCsv, Variant, derive_sku};

/// Shopify's product CSV template, unchanged (see testdata/shopify/README.md).
const TEMPLATE: &[u8] = include_bytes!("../../testdata/shopify/product_template.csv");

struct Read {
    variants: Vec<Variant>,
    errors: Vec<RowError>,
    image_rows: u64,
    rows: u64,
}

fn read(bytes: &[u8]) -> Result<Read, FileError> {
    let mut csv = ShopifyCsv::open(bytes)?;
    let mut out = Read { variants: Vec::new(), errors: Vec::new(), image_rows: 0, rows: 0 };
    while let Some(handle) = csv.next_handle()? {
        out.variants.extend(handle.variants);
        out.errors.extend(handle.errors);
        out.image_rows += handle.image_rows;
        out.rows += handle.rows;
    }
    Ok(out)
}

fn title(v: &Variant) -> &str {
    v.input.title.as_ref().and_then(|t| t.en.as_deref()).unwrap_or_default()
}

fn description(v: &Variant) -> &str {
    v.input.description.as_ref().and_then(|t| t.en.as_deref()).unwrap_or_default()
}

const HEADER: &str = "Handle,Title,Body (HTML),Type,Tags,Option1 Value,Variant SKU,Variant Grams,Variant Inventory Qty,\
                      Variant Price,Image Src";

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = HEADER.to_string();
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    text.into_bytes()
}

#[test]
fn shopifys_template_gives_one_product_per_variant() {
    let r = read(TEMPLATE).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // 12 shirts (4 colours × 3 sizes), 3 jeans, 1 beanie; one jeans row adds only an image.
    assert_eq!(r.variants.len(), 16);
    assert_eq!((r.image_rows, r.rows), (1, 17));

    let shirt = &r.variants[0];
    assert_eq!((shirt.row, shirt.handle.as_str(), shirt.sku.as_str()), (2, "example-shirt", "SRT_COT_111"));
    assert_eq!(title(shirt), "Example T-Shirt - Green / S");
    assert!(description(shirt).starts_with("This t-shirt is as simple as it gets."), "{}", description(shirt));
    assert!(!description(shirt).contains('<'));
    assert_eq!(shirt.input.price_usd.as_ref().unwrap().0, "25");
    assert_eq!((shirt.input.weight_g, shirt.input.stock), (Some(145), Some(0)));
    assert_eq!((shirt.suggestion.tax_class, shirt.suggestion.hs_code), ("apparel", "61091000"));
    assert_eq!(shirt.input.tax_class.as_deref(), Some("apparel"));
    let net = shirt.input.net_content.as_ref().unwrap();
    assert_eq!((net.value.as_ref().unwrap().0.as_str(), net.unit.as_deref()), ("1", Some("piece")));
    assert!(!shirt.withdrawn);
    // The following rows of a handle take the product's text and their own options.
    let last_shirt = &r.variants[11];
    assert_eq!((last_shirt.row, last_shirt.sku.as_str()), (13, "SRT_COT_433"));
    assert_eq!(title(last_shirt), "Example T-Shirt - Purple / L");
    assert_eq!(description(last_shirt), description(shirt));

    // Decimal grams are rounded half-up: 226.796185 → 227, 283.4952313 → 283, 396.89… → 397.
    let jeans: Vec<_> = r.variants.iter().filter(|v| v.handle == "example-pants").collect();
    let grams: Vec<_> = jeans.iter().map(|v| v.input.weight_g.unwrap()).collect();
    assert_eq!(grams, [227, 283, 397]);
    assert_eq!(jeans.iter().map(|v| v.input.stock.unwrap()).collect::<Vec<_>>(), [20, 15, 10]);
    assert_eq!(title(jeans[0]), "Example Jeans - 28");
    assert!(jeans.iter().all(|v| v.withdrawn), "a draft in Shopify is imported withdrawn");

    let beanie = &r.variants[15];
    assert_eq!((beanie.row, title(beanie)), (18, "Example Beanie"), "\"Default Title\" is no option");
    assert_eq!(beanie.input.price_usd.as_ref().unwrap().0, "17.99");
    assert!(beanie.withdrawn, "archived in Shopify");
    assert_eq!(beanie.suggestion.tax_class, "apparel");
    // The glossary knows beanies.
    assert!(beanie.input.title.as_ref().unwrap().zh.as_deref().is_some_and(|zh| zh.contains("帽")));
}

#[test]
fn bom_crlf_and_newlines_inside_a_quoted_body() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(
        b"Handle,Title,Body (HTML),Variant SKU,Variant Grams,Variant Price\r\n\
          syrup,Maple Syrup,\"<p>Line one</p>\r\n<p>Line \"\"two\"\"</p>\",MS-1,500,12.50\r\n\
          pecans,Pecan Halves,,PC-1,454,9\r\n",
    );
    let r = read(&bytes).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.variants.len(), 2);
    assert_eq!(description(&r.variants[0]), "Line one\nLine \"two\"");
    assert_eq!(r.variants[0].suggestion.tax_class, "agri");
    // Rows are numbered as a spreadsheet shows them, whatever the lines inside a field.
    assert_eq!((r.variants[1].row, r.variants[1].sku.as_str()), (3, "PC-1"));
    assert_eq!(description(&r.variants[1]), "Pecan Halves", "an empty body falls back to the title");
    assert!(r.variants[1].notes.iter().any(|n| n.contains("Body (HTML) is empty")));
    assert!(
        r.variants[1]
            .notes
            .iter()
            .any(|n| n == "net content 454 g, taken from the shipping weight (Shopify does not say)")
    );
}

#[test]
fn the_2024_header_dialect_is_read_too() {
    let bytes = b"Title,URL handle,Description,Type,SKU,Option1 name,Option1 value,Price,Inventory quantity,\
                  Weight value (grams),Product image URL\n\
                  Wild Rice,wild-rice,<p>Hand harvested</p>,Grains,WR-1,Size,1 lb,14.00,30,454,https://x/r.jpg\n";
    let r = read(bytes).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let v = &r.variants[0];
    assert_eq!((v.sku.as_str(), title(v), description(v)), ("WR-1", "Wild Rice - 1 lb", "Hand harvested"));
    assert_eq!((v.input.weight_g, v.input.stock, v.suggestion.tax_class), (Some(454), Some(30), "agri"));
}

#[test]
fn skus_are_derived_when_empty_and_weights_converted_from_their_unit() {
    let bytes =
        b"Handle,Title,Option1 Value,Option2 Value,Variant SKU,Variant Weight,Variant Weight Unit,Variant Price\n\
                  Honey Jar!,Raw Honey,Small,Glass Jar,,1,lb,8\n\
                  Honey Jar!,,Large,,,0.5,kg,12\n";
    let r = read(bytes).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.variants[0].sku, "honey-jar-small-glass-jar");
    assert_eq!(r.variants[0].input.weight_g, Some(454), "1 lb = 453.59237 g");
    assert_eq!(r.variants[1].sku, "honey-jar-large");
    assert_eq!(r.variants[1].input.weight_g, Some(500));
    assert!(r.variants[0].notes[0].starts_with("SKU honey-jar-small-glass-jar made from the handle"));
    assert_eq!(derive_sku("a", &[&"x".repeat(100)]).len(), 64);
    assert_eq!(derive_sku("--", &[]), "item");
}

#[test]
fn bad_rows_are_listed_by_row_and_column_and_skipped() {
    let bytes = csv(&[
        "tea,Green Tea,<p>Tea</p>,Tea,,,GT-1,100,5,4.50,",
        "tea,,,,,,GT-2,0,5,4.50,",
        "tea,,,,,,GT-3,100,five,4.50,",
        "tea,,,,,,GT-4,100,5,,",
        "tea,,,,,,GT 5,100,5,4.50,",
        "mug,Camp Mug,,,,,GT-1,300,5,12,",
        "mug,,,,,,,,,,https://x/mug-2.jpg",
        ",Nameless,,,,,NN-1,100,1,1,",
        "cap,,,,,,CP-1,100,1,1,",
    ]);
    let r = read(&bytes).unwrap();
    assert_eq!(r.variants.iter().map(|v| v.sku.as_str()).collect::<Vec<_>>(), ["GT-1"]);
    assert_eq!(r.image_rows, 1);
    let errors: Vec<(u64, &str)> = r.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(
        errors,
        [
            (3, "Variant Grams"),
            (4, "Variant Inventory Qty"),
            (5, "Variant Price"),
            (6, "Variant SKU"),
            (7, "Variant SKU"),
            (9, "Handle"),
            (10, "Title"),
        ]
    );
    assert_eq!(r.errors[0].message, "must be a whole number of grams greater than zero");
    assert_eq!(r.errors[2].message, "is required");
    assert_eq!(r.errors[4].message, "GT-1 is already used on row 2 of this file");
    assert_eq!(r.errors[4].handle, "mug");
}

#[test]
fn files_that_cannot_be_read_are_refused_whole() {
    assert_eq!(read(b"").err(), Some(FileError::Empty));
    assert_eq!(read(HEADER.as_bytes()).err(), Some(FileError::Empty), "a header and no product");
    assert_eq!(
        read(b"Handle,Title,Body (HTML)\nsyrup,Maple Syrup,Sweet\n").err(),
        Some(FileError::MissingColumns(vec!["Variant Price".into(), "Variant Grams".into()]))
    );
    // Latin-1 "é" (0xE9) where UTF-8 was expected: the byte, its line and offset.
    let mut latin1 = csv(&["cafe,Caf"]);
    let at = latin1.len() - 1;
    latin1.splice(at..at, [0xE9, b',']);
    let err = read(&latin1).err().unwrap();
    assert_eq!(err, FileError::NotUtf8 { line: 2, offset: at as u64, byte: 0xE9 });
    assert!(err.to_string().contains("byte 0xE9 on line 2"), "{err}");
    // A quote opened on line 3 and never closed.
    let broken =
        csv(&["tea,Green Tea,ok,,,,GT-1,100,5,4.50,", "mug,Mug,\"<p>A mug,,,,MG-1,300,5,12,", "x,X,,,,,X-1,1,1,1,"]);
    assert_eq!(read(&broken).err(), Some(FileError::UnclosedQuote { line: 3 }));
    // A row with a comma too many.
    let wide = csv(&["tea,Green Tea,ok,,,,GT-1,100,5,4.50,,extra"]);
    assert_eq!(read(&wide).err(), Some(FileError::FieldCount { row: 2, line: 2, found: 12, expected: 11 }));
}

#[test]
fn a_utf8_character_split_across_reads_is_not_an_error() {
    // One byte at a time: every multi-byte character arrives in pieces.
    struct Trickle<'a>(&'a [u8]);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some((&first, rest)) = self.0.split_first() else { return Ok(0) };
            buf[0] = first;
            self.0 = rest;
            Ok(1)
        }
    }
    let bytes = "\u{feff}Handle,Title,Variant Grams,Variant Price\ncafe,Café crème ☕,100,3\n".as_bytes();
    let mut csv = ShopifyCsv::open(Trickle(bytes)).unwrap();
    let handle = csv.next_handle().unwrap().unwrap();
    assert_eq!(title(&handle.variants[0]), "Café crème ☕");
    assert!(csv.next_handle().unwrap().is_none());
}
