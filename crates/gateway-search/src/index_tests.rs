//! Behaviour of [`SearchIndex`]: matching, ranking, filters, sorts, pages, writes,
//! persistence. The relevance set (tests/relevance.rs) measures quality on a catalog.

use chrono::{TimeZone, Utc};
use gateway_core::ids::{MerchantId, ProductId};

use crate::{SearchDocument, SearchError, SearchIndex, SearchQuery, SearchResults, Sort};

fn doc(title_en: &str, state: &str, tax_class: &str, price: i64) -> SearchDocument {
    SearchDocument {
        product_id: ProductId::new(),
        merchant_id: MerchantId::new(),
        title_en: title_en.to_string(),
        title_zh: None,
        description_en: String::new(),
        description_zh: None,
        merchant_name_en: "Some Shop".to_string(),
        merchant_name_zh: None,
        tax_class: tax_class.to_string(),
        state: state.to_string(),
        price_usd_cents: price,
        in_stock: true,
        created_at: Utc.timestamp_opt(1_700_000_000, 0).single().unwrap_or_default(),
    }
}

fn index_of(docs: Vec<SearchDocument>) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    index.upsert(docs).unwrap();
    index.commit(1).unwrap();
    index
}

fn titles(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.title_en.as_str()).collect()
}

fn find(index: &SearchIndex, text: &str) -> Vec<String> {
    let results = index.search(&SearchQuery::new(text)).unwrap();
    titles(&results).into_iter().map(str::to_string).collect()
}

fn catalog() -> Vec<SearchDocument> {
    let mut honey = doc("Wildflower Honey, Raw and Unfiltered", "MI", "agri", 1299);
    honey.description_en = "Spring wildflower honey from the Leelanau peninsula.".into();
    honey.merchant_name_en = "Sleeping Bear Apiaries".into();
    let mut cherries = doc("Dried Tart Cherries", "MI", "agri", 1599);
    cherries.description_en = "Montmorency cherries, sun dried, no sugar added.".into();
    let mut syrup = doc("Pure Maple Syrup Grade A", "VT", "agri", 2499);
    syrup.description_en = "Boiled over a wood fire in small batches.".into();
    let mut texas_honey = doc("Texas Clover Honey", "TX", "agri", 999);
    texas_honey.title_zh = Some("德州三叶草蜂蜜".into());
    let mut serum = doc("Vitamin C Face Serum", "CA", "cosmetics", 3400);
    serum.description_en = "Brightening serum with 15% vitamin C.".into();
    serum.in_stock = false;
    let mut mug = doc("Stoneware Coffee Mug", "OR", "household", 2200);
    mug.description_en = "Holds 12 oz of coffee or tea. Goes well with our honey.".into();
    vec![honey, cherries, syrup, texas_honey, serum, mug]
}

#[test]
fn english_stems_plurals() {
    let index = index_of(catalog());
    assert_eq!(find(&index, "cherry"), ["Dried Tart Cherries"]);
    assert_eq!(find(&index, "dried cherries"), ["Dried Tart Cherries"]);
    assert_eq!(find(&index, "SYRUPS"), ["Pure Maple Syrup Grade A"]);
}

#[test]
fn english_tolerates_a_typo() {
    let index = index_of(catalog());
    let found = find(&index, "huney");
    assert!(found.contains(&"Wildflower Honey, Raw and Unfiltered".to_string()), "{found:?}");
    assert!(found.contains(&"Texas Clover Honey".to_string()), "{found:?}");
    assert_eq!(find(&index, "cheries"), ["Dried Tart Cherries"]);
    assert_eq!(find(&index, "mapel syrup"), ["Pure Maple Syrup Grade A"]);
}

#[test]
fn english_matches_a_prefix_of_the_last_word() {
    let index = index_of(catalog());
    assert_eq!(find(&index, "map"), ["Pure Maple Syrup Grade A"]);
    assert_eq!(find(&index, "dried cher"), ["Dried Tart Cherries"]);
    // Only the last word is a prefix.
    assert!(find(&index, "cher dried").is_empty());
}

#[test]
fn chinese_finds_english_only_listings_through_the_glossary() {
    let index = index_of(catalog());
    let found = find(&index, "蜂蜜");
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0], "Texas Clover Honey", "the merchant's own Chinese title ranks first");
    assert!(found[..2].contains(&"Wildflower Honey, Raw and Unfiltered".to_string()), "{found:?}");
    assert_eq!(found[2], "Stoneware Coffee Mug", "a description mention ranks last");
    assert_eq!(find(&index, "樱桃干"), ["Dried Tart Cherries"]);
    assert_eq!(find(&index, "樱桃"), ["Dried Tart Cherries"]);
    assert_eq!(find(&index, "野花蜂蜜"), ["Wildflower Honey, Raw and Unfiltered"]);
    assert_eq!(find(&index, "枫糖浆"), ["Pure Maple Syrup Grade A"]);
}

#[test]
fn states_match_in_english_chinese_and_usps_code() {
    let index = index_of(catalog());
    let michigan_honey = vec!["Wildflower Honey, Raw and Unfiltered".to_string()];
    assert_eq!(find(&index, "密歇根 蜂蜜"), michigan_honey);
    assert_eq!(find(&index, "密歇根蜂蜜"), michigan_honey);
    assert_eq!(find(&index, "Michigan honey"), michigan_honey);
    assert_eq!(find(&index, "MI honey"), michigan_honey);
    assert_eq!(find(&index, "德州 蜂蜜"), ["Texas Clover Honey"]);
    assert_eq!(find(&index, "佛蒙特"), ["Pure Maple Syrup Grade A"]);
}

#[test]
fn mixed_queries_work() {
    let index = index_of(catalog());
    assert_eq!(find(&index, "密歇根 honey"), ["Wildflower Honey, Raw and Unfiltered"]);
    assert_eq!(find(&index, "Michigan 樱桃干"), ["Dried Tart Cherries"]);
    assert_eq!(find(&index, "vitamin c 精华"), ["Vitamin C Face Serum"]);
}

#[test]
fn every_word_must_match_but_stop_words_need_not() {
    let index = index_of(catalog());
    assert!(find(&index, "honey serum").is_empty());
    assert_eq!(find(&index, "syrup for the pancakes")[..], [] as [&str; 0], "pancakes matches nothing");
    assert_eq!(find(&index, "the maple syrup"), ["Pure Maple Syrup Grade A"]);
    assert_eq!(find(&index, "美国的枫糖浆"), ["Pure Maple Syrup Grade A"]);
}

#[test]
fn a_query_of_three_words_or_more_may_miss_one_when_nothing_matches_all() {
    let index = index_of(catalog());
    assert_eq!(find(&index, "organic maple syrup"), ["Pure Maple Syrup Grade A"]);
    assert!(find(&index, "organic syrup").is_empty(), "two words must both match");
}

#[test]
fn chinese_compounds_match_however_they_were_segmented() {
    let mut own = doc("Raw Honey", "MI", "agri", 1000);
    own.title_zh = Some("纯天然野花蜂蜜".into());
    let mut tea = doc("Green Tea", "CA", "food", 800);
    tea.title_zh = Some("有机绿茶".into());
    let index = index_of(vec![own, tea]);
    for q in ["野花蜂蜜", "野花 蜂蜜", "蜂蜜", "花蜂蜜", "天然蜂蜜"] {
        assert_eq!(find(&index, q), ["Raw Honey"], "query {q}");
    }
    assert_eq!(find(&index, "茶"), ["Green Tea"], "one character inside a word");
    assert_eq!(find(&index, "有机茶"), ["Green Tea"]);
}

#[test]
fn title_outweighs_description() {
    let mut described = doc("Pancake Mix", "VT", "food", 900);
    described.description_en = "Best with maple syrup.".into();
    let titled = doc("Maple Syrup", "VT", "agri", 1500);
    let index = index_of(vec![described, titled]);
    assert_eq!(find(&index, "maple syrup"), ["Maple Syrup", "Pancake Mix"]);
    assert_eq!(find(&index, "枫糖浆"), ["Maple Syrup", "Pancake Mix"]);
}

#[test]
fn filters_and_disjunctive_facets() {
    let index = index_of(catalog());
    let all = index.search(&SearchQuery::default()).unwrap();
    assert_eq!(all.total, 6);
    let facet = |r: &SearchResults, which: &str, value: &str| {
        let list = if which == "tax" { &r.tax_classes } else { &r.states };
        list.iter().find(|f| f.value == value).map_or(0, |f| f.count)
    };
    assert_eq!(facet(&all, "tax", "agri"), 4);
    assert_eq!(facet(&all, "state", "MI"), 2);
    assert_eq!(all.tax_classes[0].value, "agri", "most frequent first");

    let q = SearchQuery { tax_class: Some("agri".into()), state: Some("mi".into()), ..SearchQuery::default() };
    let r = index.search(&q).unwrap();
    assert_eq!(r.total, 2);
    assert!(r.hits.iter().all(|h| h.state == "MI" && h.tax_class == "agri"));
    // The tax-class facet ignores the tax-class filter but obeys the state one …
    assert_eq!(facet(&r, "tax", "agri"), 2);
    assert_eq!(r.tax_classes.len(), 1);
    // … and the state facet ignores the state filter but obeys the tax-class one.
    assert_eq!(facet(&r, "state", "MI"), 2);
    assert_eq!(facet(&r, "state", "VT"), 1);
    assert_eq!(facet(&r, "state", "CA"), 0);

    let q = SearchQuery { min_price_usd_cents: Some(999), max_price_usd_cents: Some(1599), ..SearchQuery::default() };
    let r = index.search(&q).unwrap();
    assert_eq!(r.total, 3, "inclusive bounds: {:?}", titles(&r));

    let q = SearchQuery { text: "serum".into(), in_stock_only: true, ..SearchQuery::default() };
    assert_eq!(index.search(&q).unwrap().total, 0);
    let q = SearchQuery { text: "serum".into(), ..SearchQuery::default() };
    assert_eq!(index.search(&q).unwrap().total, 1);

    let q = SearchQuery { tax_class: Some("no-such-class".into()), ..SearchQuery::default() };
    let r = index.search(&q).unwrap();
    assert_eq!(r.total, 0);
    assert_eq!(facet(&r, "tax", "agri"), 4, "other classes are still offered");
}

#[test]
fn sorts_and_pages() {
    let mut docs = catalog();
    for (i, d) in docs.iter_mut().enumerate() {
        d.created_at = Utc.timestamp_opt(1_700_000_000 + i as i64 * 60, 0).single().unwrap_or_default();
    }
    let index = index_of(docs);
    let run = |sort: Sort, offset: usize, limit: usize| {
        let q = SearchQuery { sort, offset, limit, ..SearchQuery::default() };
        index.search(&q).unwrap().hits.into_iter().map(|h| h.price_usd_cents).collect::<Vec<_>>()
    };
    assert_eq!(run(Sort::PriceAsc, 0, 10), [999, 1299, 1599, 2200, 2499, 3400]);
    assert_eq!(run(Sort::PriceDesc, 0, 10), [3400, 2499, 2200, 1599, 1299, 999]);
    assert_eq!(run(Sort::Newest, 0, 10), [2200, 3400, 999, 2499, 1599, 1299]);
    assert_eq!(run(Sort::Relevance, 0, 10), run(Sort::Newest, 0, 10), "empty text: newest first");
    assert_eq!(run(Sort::PriceAsc, 2, 2), [1599, 2200]);
    assert_eq!(run(Sort::PriceAsc, 5, 10), [3400]);
    assert!(run(Sort::PriceAsc, 6, 10).is_empty());
    let q = SearchQuery { text: "honey".into(), sort: Sort::PriceAsc, limit: 1, ..SearchQuery::default() };
    let r = index.search(&q).unwrap();
    assert_eq!(r.total, 3);
    assert_eq!(titles(&r), ["Texas Clover Honey"]);
    assert!(r.hits[0].score > 0.0);
    let q = SearchQuery { limit: 0, ..SearchQuery::default() };
    let r = index.search(&q).unwrap();
    assert_eq!((r.total, r.hits.len()), (6, 0));
}

#[test]
fn hits_carry_the_listing() {
    let mut d = doc("Texas Clover Honey", "tx", "agri", 999);
    d.title_zh = Some("德州蜂蜜".into());
    let (id, merchant) = (d.product_id, d.merchant_id);
    let index = index_of(vec![d]);
    let hit = &index.search(&SearchQuery::new("honey")).unwrap().hits[0];
    assert_eq!((hit.product_id, hit.merchant_id), (id, merchant));
    assert_eq!(hit.title_zh.as_deref(), Some("德州蜂蜜"));
    assert_eq!(
        (hit.state.as_str(), hit.tax_class.as_str(), hit.price_usd_cents, hit.in_stock),
        ("TX", "agri", 999, true)
    );
}

#[test]
fn upsert_replaces_remove_removes_clear_clears() {
    let index = SearchIndex::in_memory().unwrap();
    assert_eq!(index.cursor(), None);
    let mut d = doc("Cherry Jam", "MI", "food", 700);
    index.upsert(vec![d.clone()]).unwrap();
    assert_eq!(index.len(), 0, "invisible before commit");
    index.commit(5).unwrap();
    assert_eq!((index.len(), index.cursor()), (1, Some(5)));

    d.title_en = "Blueberry Jam".into();
    let twice = SearchDocument { title_en: "Peach Jam".into(), ..d.clone() };
    index.upsert(vec![d.clone(), twice]).unwrap();
    index.commit(6).unwrap();
    assert_eq!(index.len(), 1);
    assert!(find(&index, "cherry").is_empty());
    assert!(find(&index, "blueberry").is_empty(), "the last of a batch wins");
    assert_eq!(find(&index, "jam"), ["Peach Jam"]);

    let other = doc("Apple Butter", "PA", "food", 800);
    index.upsert(vec![other.clone()]).unwrap();
    index.remove(&[d.product_id, ProductId::new()]).unwrap();
    index.commit(7).unwrap();
    assert_eq!(find(&index, "jam"), Vec::<String>::new());
    assert_eq!(index.len(), 1);

    index.wait_for_merges().unwrap();
    assert_eq!((index.len(), index.cursor()), (1, Some(7)));
    assert!(index.segment_count() >= 1);
    index.clear().unwrap();
    index.commit(8).unwrap();
    assert_eq!((index.len(), index.cursor()), (0, Some(8)));
    index.upsert(vec![other]).unwrap();
    index.commit(9).unwrap();
    assert_eq!(find(&index, "apple butter"), ["Apple Butter"]);
}

#[test]
fn stock_states_read_the_committed_documents() {
    let index = SearchIndex::in_memory().unwrap();
    let stocked = doc("Cherry Jam", "MI", "food", 700);
    let sold_out = SearchDocument { in_stock: false, ..doc("Apple Butter", "PA", "food", 800) };
    let absent = ProductId::new();
    index.upsert(vec![stocked.clone(), sold_out.clone()]).unwrap();
    assert!(index.stock_states(&[stocked.product_id]).unwrap().is_empty(), "nothing before the commit");
    index.commit(1).unwrap();
    let states = index.stock_states(&[stocked.product_id, sold_out.product_id, absent]).unwrap();
    assert_eq!(states.len(), 2, "an id not in the index is left out: {states:?}");
    assert_eq!((states[&stocked.product_id], states[&sold_out.product_id]), (true, false));
    index.upsert(vec![SearchDocument { in_stock: false, ..stocked.clone() }]).unwrap();
    index.commit(2).unwrap();
    assert!(!index.stock_states(&[stocked.product_id]).unwrap()[&stocked.product_id], "the replacement's");
}

#[test]
fn cursor_and_documents_persist_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let index = SearchIndex::open(&path).unwrap();
        assert!(!index.was_reset());
        assert_eq!(index.cursor(), None);
        index.upsert(catalog()).unwrap();
        index.commit(42).unwrap();
        index.upsert(vec![doc("Uncommitted Thing", "MI", "food", 1)]).unwrap();
    }
    let index = SearchIndex::open(&path).unwrap();
    assert!(!index.was_reset());
    assert_eq!(index.cursor(), Some(42));
    assert_eq!(index.len(), 6);
    assert_eq!(find(&index, "樱桃干"), ["Dried Tart Cherries"]);
    assert!(find(&index, "uncommitted").is_empty());
}

#[test]
fn an_index_of_another_format_is_reset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let index = SearchIndex::open(&path).unwrap();
        index.upsert(catalog()).unwrap();
        index.commit(42).unwrap();
    }
    {
        // What an older build would have left: same files, another format in the payload.
        let old = tantivy::Index::open_in_dir(&path).unwrap();
        crate::analysis::register(&old);
        let mut writer: tantivy::IndexWriter = old.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut commit = writer.prepare_commit().unwrap();
        commit.set_payload("gateway-search;format=0.0000000000000000;cursor=42");
        commit.commit().unwrap();
    }
    let index = SearchIndex::open(&path).unwrap();
    assert!(index.was_reset());
    assert_eq!((index.cursor(), index.len()), (None, 0));
    drop(index);
    // Now it is of this format, and stays.
    let index = SearchIndex::open(&path).unwrap();
    assert!(!index.was_reset());
}

#[test]
fn refuses_foreign_directories_and_a_second_writer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    assert!(matches!(SearchIndex::open(dir.path()), Err(SearchError::NotAnIndex(_))));
    assert!(dir.path().join("notes.txt").exists());

    let path = dir.path().join("search");
    let first = SearchIndex::open(&path).unwrap();
    assert!(matches!(SearchIndex::open(&path), Err(SearchError::Locked)));
    drop(first);
    assert!(SearchIndex::open(&path).is_ok());
}

#[test]
fn concurrent_searches_share_the_index() {
    let index = std::sync::Arc::new(index_of(catalog()));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let index = index.clone();
            std::thread::spawn(move || {
                (0..20).map(|_| index.search(&SearchQuery::new("蜂蜜")).unwrap().total).sum::<usize>()
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 60);
    }
}

#[test]
fn a_rebuild_checkpoint_is_durable_but_hidden_and_has_no_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let index = SearchIndex::open(&path).unwrap();
        index.upsert(vec![doc("Wildflower Honey", "MI", "agri", 1299)]).unwrap();
        index.commit(7).unwrap();
        // A rebuild: cleared, half the catalog inserted, a checkpoint.
        index.clear().unwrap();
        index.insert(vec![doc("Dried Tart Cherries", "MI", "agri", 899)]).unwrap();
        index.checkpoint().unwrap();
        assert_eq!(find(&index, "honey"), ["Wildflower Honey"], "searches still see the index as it was");
        assert_eq!(find(&index, "cherries"), Vec::<String>::new());
        assert_eq!(index.cursor(), None, "a checkpoint stores no cursor");
    }
    // Interrupted there: the index on disk holds the checkpoint and no cursor, so the
    // rebuild starts again.
    let index = SearchIndex::open(&path).unwrap();
    assert_eq!(index.cursor(), None);
    assert_eq!(find(&index, "cherries"), ["Dried Tart Cherries"]);
    assert_eq!(find(&index, "honey"), Vec::<String>::new());
    index.insert(vec![doc("Maple Syrup", "VT", "agri", 1500)]).unwrap();
    index.commit(9).unwrap();
    assert_eq!(index.cursor(), Some(9));
    assert_eq!(find(&index, "maple syrup"), ["Maple Syrup"]);
}
