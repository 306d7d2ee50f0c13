//! Search benchmark: builds an index of N synthetic bilingual listings on disk, then
//! measures query latency (one thread) and throughput (several threads) over a fixed,
//! mixed query set, and the process's memory with the index open.
//!
//! ```text
//! cargo run --release -p gateway-search --example search_bench -- --products 1000000
//!     [--queries 10000] [--threads 2] [--dir PATH (kept; default a temporary directory)]
//!     [--reuse (with --dir: search the index already there instead of building one)]
//! ```
//!
//! Listings combine brands × attributes × product nouns × sizes from word lists, in
//! every state, about 30% with a Chinese title; everything comes from a seeded PRNG, so
//! two runs index and query the same data. Queries: Chinese, English (with typos and
//! prefixes), mixed, some with filters, sorts or deeper pages, and a few empty-text
//! browses. Results go to stdout as a Markdown table for BENCHMARKS.md.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use gateway_core::ids::{MerchantId, ProductId};
use gateway_search::states::STATES;
use gateway_search::{SearchDocument, SearchIndex, SearchQuery, Sort};

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// (English, Chinese, tax class)
const NOUNS: &[(&str, &str, &str)] = &[
    ("Honey", "蜂蜜", "agri"),
    ("Maple Syrup", "枫糖浆", "agri"),
    ("Dried Cherries", "樱桃干", "agri"),
    ("Almonds", "杏仁", "agri"),
    ("Pistachios", "开心果", "agri"),
    ("Walnuts", "核桃", "agri"),
    ("Pecans", "碧根果", "agri"),
    ("Macadamia Nuts", "夏威夷果", "agri"),
    ("American Ginseng", "花旗参", "agri"),
    ("Coffee Beans", "咖啡豆", "food"),
    ("Green Tea", "绿茶", "food"),
    ("Dark Chocolate", "黑巧克力", "food"),
    ("Hot Sauce", "辣椒酱", "food"),
    ("BBQ Sauce", "烧烤酱", "food"),
    ("Olive Oil", "橄榄油", "food"),
    ("Peanut Butter", "花生酱", "food"),
    ("Popcorn", "爆米花", "food"),
    ("Cookies", "饼干", "food"),
    ("Jam", "果酱", "food"),
    ("Sea Salt", "海盐", "food"),
    ("Fish Oil", "鱼油", "food"),
    ("Vitamin C", "维生素C", "food"),
    ("Probiotics", "益生菌", "food"),
    ("Protein Powder", "蛋白粉", "food"),
    ("Collagen Peptides", "胶原蛋白", "food"),
    ("Melatonin", "褪黑素", "food"),
    ("Multivitamin", "复合维生素", "food"),
    ("Dog Food", "狗粮", "food"),
    ("Cat Food", "猫粮", "food"),
    ("Baby Formula", "婴儿奶粉", "food"),
    ("Red Wine", "红葡萄酒", "wine"),
    ("White Wine", "白葡萄酒", "wine"),
    ("Pinot Noir", "黑皮诺", "wine"),
    ("Hard Cider", "苹果酒", "wine"),
    ("Face Cream", "面霜", "cosmetics"),
    ("Serum", "精华液", "cosmetics"),
    ("Sunscreen", "防晒霜", "cosmetics"),
    ("Lipstick", "口红", "cosmetics"),
    ("Lip Balm", "润唇膏", "cosmetics"),
    ("Body Lotion", "身体乳", "cosmetics"),
    ("Soap", "香皂", "cosmetics"),
    ("Perfume", "香水", "cosmetics"),
    ("Socks", "袜子", "apparel"),
    ("T-Shirt", "T恤", "apparel"),
    ("Jeans", "牛仔裤", "apparel"),
    ("Jacket", "夹克", "apparel"),
    ("Sweater", "毛衣", "apparel"),
    ("Boots", "靴子", "apparel"),
    ("Wallet", "钱包", "apparel"),
    ("Sunglasses", "太阳镜", "apparel"),
    ("Necklace", "项链", "apparel"),
    ("Scented Candle", "香薰蜡烛", "household"),
    ("Cast Iron Skillet", "铸铁锅", "household"),
    ("Chef Knife", "厨师刀", "household"),
    ("Coffee Mug", "马克杯", "household"),
    ("Cutting Board", "砧板", "household"),
    ("Blanket", "毯子", "household"),
    ("Backpack", "背包", "household"),
    ("Water Bottle", "水壶", "household"),
    ("Yoga Mat", "瑜伽垫", "household"),
    ("Jigsaw Puzzle", "拼图", "household"),
    ("Wooden Toy", "木制玩具", "household"),
    ("Diapers", "纸尿裤", "household"),
    ("Headphones", "耳机", "electronics"),
    ("Bluetooth Speaker", "蓝牙音箱", "electronics"),
    ("Power Bank", "充电宝", "electronics"),
    ("Phone Case", "手机壳", "electronics"),
    ("Smart Watch", "智能手表", "electronics"),
    ("Phone Charger", "充电器", "electronics"),
];

const ATTRIBUTES: &[(&str, &str)] = &[
    ("Organic", "有机"),
    ("Raw", "生"),
    ("Wild", "野生"),
    ("Pure", "纯"),
    ("Natural", "天然"),
    ("Handmade", "手工"),
    ("Premium", "优质"),
    ("Small Batch", "小批量"),
    ("Roasted", "烘焙"),
    ("Unsalted", "无盐"),
    ("Sugar Free", "无糖"),
    ("Gluten Free", "无麸质"),
    ("Vegan", "纯素"),
    ("Smoked", "烟熏"),
    ("Classic", "经典"),
    ("Vintage", "复古"),
    ("Lavender", "薰衣草"),
    ("Vanilla", "香草"),
    ("Cinnamon", "肉桂"),
    ("Wildflower", "野花"),
    ("Wool", "羊毛"),
    ("Leather", "真皮"),
    ("Stainless Steel", "不锈钢"),
    ("Cotton", "棉"),
    ("Bamboo", "竹"),
    ("Waterproof", "防水"),
    ("Wireless", "无线"),
    ("Portable", "便携"),
    ("Lightweight", "轻便"),
    ("Kids", "儿童"),
    ("Men's", "男士"),
    ("Women's", "女士"),
    ("Extra Virgin", "特级初榨"),
    ("Cold Pressed", "冷榨"),
    ("Grass Fed", "草饲"),
];

const BRAND_FIRST: &[&str] = &[
    "Sleeping Bear",
    "Blue Ridge",
    "Green Mountain",
    "Lone Star",
    "Cascade",
    "Prairie",
    "Bayou",
    "Sierra",
    "Golden Gate",
    "Big Sky",
    "Red Rock",
    "Silver Creek",
    "Pine Valley",
    "Cedar Hill",
    "Maple Leaf",
    "Harbor",
    "Summit",
    "River Bend",
    "Oak Grove",
    "Sunrise",
];
const BRAND_SECOND: &[&str] =
    &["Farms", "Co.", "Naturals", "Goods", "Supply", "Works", "Kitchen", "Apiaries", "Orchards", "Studio"];
const SIZES: &[(&str, &str)] = &[
    ("8 oz", "8盎司"),
    ("12 oz", "12盎司"),
    ("16 oz", "16盎司"),
    ("1 lb", "1磅"),
    ("2 lb", "2磅"),
    ("3-Pack", "3件装"),
    ("Set of 2", "2件套"),
    ("500 ml", "500毫升"),
    ("750 ml", "750毫升"),
    ("60 Count", "60粒"),
    ("Large", "大号"),
    ("Small", "小号"),
];
const FILLERS: &[&str] = &[
    "Great as a gift.",
    "Ships in recyclable packaging.",
    "Family owned since 1987.",
    "Pairs well with cheese and crackers.",
    "Keep in a cool, dry place.",
    "Made in small batches by hand.",
    "Our best seller for ten years.",
    "Satisfaction guaranteed or your money back.",
    "Sourced from local farms and growers.",
    "No artificial colors or flavors.",
];

struct Merchant {
    id: MerchantId,
    name_en: String,
    name_zh: Option<String>,
    state: usize,
}

fn merchants(rng: &mut Rng, n: usize) -> Vec<Merchant> {
    (0..n)
        .map(|_| {
            let state = rng.below(STATES.len());
            let name_en = format!("{} {}", rng.pick(BRAND_FIRST), rng.pick(BRAND_SECOND));
            let name_zh = rng
                .chance(30)
                .then(|| format!("{}{}", STATES[state].names_zh[1], rng.pick(&["农场", "公司", "工坊", "商行"])));
            Merchant { id: MerchantId::new(), name_en, name_zh, state }
        })
        .collect()
}

fn product(rng: &mut Rng, merchants: &[Merchant]) -> SearchDocument {
    let m = rng.pick(merchants);
    let state = &STATES[m.state];
    let (noun_en, noun_zh, tax) = *rng.pick(NOUNS);
    let (a1_en, a1_zh) = *rng.pick(ATTRIBUTES);
    let second = rng.chance(40).then(|| *rng.pick(ATTRIBUTES));
    let (size_en, size_zh) = *rng.pick(SIZES);
    let brand = m.name_en.split(' ').take(2).collect::<Vec<_>>().join(" ");
    let title_en = match second {
        Some((a2, _)) => format!("{brand} {a1_en} {a2} {noun_en}, {size_en}"),
        None => format!("{brand} {a1_en} {noun_en}, {size_en}"),
    };
    let title_zh = rng.chance(30).then(|| match second {
        Some((_, a2)) => format!("{}{a1_zh}{a2}{noun_zh} {size_zh}", state.names_zh[1]),
        None => format!("{}{a1_zh}{noun_zh} {size_zh}", state.names_zh[1]),
    });
    let description_en = format!(
        "{a1_en} {} from {}, made by {}. {} {}",
        noun_en.to_lowercase(),
        state.name_en,
        m.name_en,
        rng.pick(FILLERS),
        rng.pick(FILLERS)
    );
    let description_zh =
        title_zh.as_ref().filter(|_| rng.chance(50)).map(|_| format!("来自{}的{a1_zh}{noun_zh}。", state.names_zh[0]));
    let price = 300 + rng.below(30_000) as i64;
    SearchDocument {
        product_id: ProductId::new(),
        merchant_id: m.id,
        title_en,
        title_zh,
        description_en,
        description_zh,
        merchant_name_en: m.name_en.clone(),
        merchant_name_zh: m.name_zh.clone(),
        tax_class: tax.to_string(),
        state: state.code.to_string(),
        price_usd_cents: price,
        in_stock: rng.chance(90),
        created_at: Utc.timestamp_opt(1_735_689_600 + rng.below(50_000_000) as i64, 0).single().unwrap_or_default(),
    }
}

/// A typo: two adjacent letters swapped, or one dropped.
fn typo(rng: &mut Rng, word: &str) -> String {
    let mut chars: Vec<char> = word.to_lowercase().chars().collect();
    if chars.len() < 5 {
        return chars.into_iter().collect();
    }
    let i = 1 + rng.below(chars.len() - 3);
    if rng.chance(50) {
        chars.swap(i, i + 1);
    } else {
        chars.remove(i);
    }
    chars.into_iter().collect()
}

fn queries(rng: &mut Rng, n: usize) -> Vec<SearchQuery> {
    (0..n)
        .map(|_| {
            let (noun_en, noun_zh, tax) = *rng.pick(NOUNS);
            let (attr_en, attr_zh) = *rng.pick(ATTRIBUTES);
            let state = rng.pick(STATES);
            let text = match rng.below(20) {
                // Chinese (45%)
                0..=3 => noun_zh.to_string(),
                4 => format!("{} {noun_zh}", state.names_zh[1]),
                5 => format!("{}{noun_zh}", state.names_zh[1]),
                6 => format!("{attr_zh}{noun_zh}"),
                7 => format!("美国进口{noun_zh}"),
                8 => format!("{attr_zh} {noun_zh}"),
                // English (35%)
                9 | 10 => noun_en.to_lowercase(),
                11 => format!("{} {}", attr_en.to_lowercase(), noun_en.to_lowercase()),
                12 => typo(rng, noun_en),
                13 => noun_en.to_lowercase().chars().take(4).collect(),
                14 => format!("{} {}", state.name_en, noun_en.to_lowercase()),
                15 => format!("{} {}", state.code, noun_en.to_lowercase()),
                // Mixed (20%)
                16 => format!("{} {}", state.names_zh[1], noun_en.to_lowercase()),
                17 => format!("{} {noun_zh}", attr_en.to_lowercase()),
                18 => format!("{} {noun_zh}", state.name_en),
                _ => format!("{attr_zh} {}", noun_en.to_lowercase()),
            };
            let mut q = SearchQuery::new(text);
            match rng.below(20) {
                0..=2 => q.tax_class = Some(tax.to_string()),
                3 => q.state = Some(state.code.to_string()),
                4 | 5 => {
                    q.min_price_usd_cents = Some(1000);
                    q.max_price_usd_cents = Some(5000);
                }
                6 => q.in_stock_only = true,
                7 => q.sort = Sort::PriceAsc,
                8 => q.sort = Sort::Newest,
                9 => q.offset = 40,
                // Browsing a category without text.
                10 => {
                    q.text.clear();
                    q.tax_class = Some(tax.to_string());
                    q.state = Some(state.code.to_string());
                }
                _ => {}
            }
            q
        })
        .collect()
}

fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(|l| l[field.len()..].trim().to_string()))
        .unwrap_or_else(|| "n/a".into())
}

/// CPU time of the whole process (user + system, 10 ms resolution).
fn process_cpu() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat").ok().and_then(|s| {
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = s.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    });
    Duration::from_millis(ticks.unwrap_or(0) * 10)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut products = 100_000usize;
    let mut n_queries = 10_000usize;
    let mut threads = 2usize;
    let mut keep_dir: Option<String> = None;
    let mut reuse = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--products" => products = value()?.parse()?,
            "--queries" => n_queries = value()?.parse()?,
            "--threads" => threads = value()?.parse()?,
            "--dir" => keep_dir = Some(value()?),
            "--reuse" => reuse = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let temp = tempfile::tempdir()?;
    let dir = keep_dir.map(Into::into).unwrap_or_else(|| temp.path().join("search"));
    let mut rng = Rng(0x5EED);

    let started = Instant::now();
    gateway_search::Glossary::embedded();
    let _ = SearchIndex::in_memory()?.search(&SearchQuery::new("蜂蜜"))?;
    let init = started.elapsed();

    // Build.
    let merchants = merchants(&mut rng, (products / 200).max(10));
    let started = Instant::now();
    if !reuse {
        let index = SearchIndex::open(&dir)?;
        let mut batch = Vec::with_capacity(10_000);
        for i in 0..products {
            batch.push(product(&mut rng, &merchants));
            if batch.len() == 10_000 || i + 1 == products {
                index.upsert(std::mem::take(&mut batch))?;
            }
            if (i + 1) % 200_000 == 0 {
                index.commit(i as i64)?;
            }
        }
        index.commit(products as i64)?;
        let built = started.elapsed();
        index.wait_for_merges()?;
        let merged = started.elapsed();
        eprintln!("built in {built:?}, merged in {merged:?}, {} segments", index.segment_count());
        println!(
            "| build (upsert + commits) | {:.1} s ({:.0} docs/s) |",
            built.as_secs_f64(),
            products as f64 / built.as_secs_f64()
        );
        println!("| build incl. waiting for merges | {:.1} s |", merged.as_secs_f64());
        println!("| peak RSS while building | {} |", status("VmHWM:"));
    }
    if !reuse {
        println!("| index size on disk | {:.0} MiB |", dir_size(&dir) as f64 / 1024.0 / 1024.0);
        // Search in a fresh process, as a restarted server would, so its memory is that
        // of a server with the index open (not what the build left in the allocator).
        let status = std::process::Command::new(std::env::current_exe()?)
            .args(std::env::args().skip(1))
            .args(["--reuse", "--dir"])
            .arg(&dir)
            .status()?;
        return if status.success() { Ok(()) } else { Err("search phase failed".into()) };
    }

    // Search.
    let index = Arc::new(SearchIndex::open(&dir)?);
    // Its own generator: the same queries whether the index was built or reused.
    let queries = Arc::new(queries(&mut Rng(0x0051_EA4C), n_queries));
    for q in queries.iter().take(1000) {
        index.search(q)?;
    }
    let mut latencies = Vec::with_capacity(queries.len());
    let mut slowest: Vec<(Duration, usize, String)> = Vec::new();
    let mut matched = 0usize;
    let mut empty = 0usize;
    for q in queries.iter() {
        let t = Instant::now();
        let r = index.search(q)?;
        latencies.push(t.elapsed());
        if std::env::var_os("SEARCH_BENCH_SHOW_SLOW").is_some() {
            slowest.push((t.elapsed(), r.total, format!("{q:?}")));
        }
        matched += r.total;
        empty += usize::from(r.total == 0);
        if r.total == 0 && std::env::var_os("SEARCH_BENCH_SHOW_EMPTY").is_some() {
            eprintln!("no match: {q:?}");
        }
    }
    // Each query's best of three runs: the machine is shared, and another process taking
    // the core mid-query only ever adds time.
    let mut best = latencies.clone();
    for _ in 0..2 {
        for (q, b) in queries.iter().zip(best.iter_mut()) {
            let t = Instant::now();
            index.search(q)?;
            *b = (*b).min(t.elapsed());
        }
    }
    latencies.sort();
    best.sort();
    let best_mean = best.iter().sum::<Duration>() / best.len().max(1) as u32;
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (took, total, q) in slowest.iter().take(25) {
        eprintln!("{} total {total}: {q}", ms(*took));
    }
    let mean = latencies.iter().sum::<Duration>() / latencies.len().max(1) as u32;

    let (started, cpu_before) = (Instant::now(), process_cpu());
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (index, queries) = (index.clone(), queries.clone());
            std::thread::spawn(move || -> Result<usize, gateway_search::SearchError> {
                let n = queries.len();
                for i in 0..n {
                    index.search(&queries[(i + t * n / threads.max(1)) % n])?;
                }
                Ok(n)
            })
        })
        .collect();
    let mut done = 0;
    for h in handles {
        done += h.join().map_err(|_| "search thread panicked")??;
    }
    let qps = done as f64 / started.elapsed().as_secs_f64();
    let cpu_per_query = process_cpu().saturating_sub(cpu_before) / done.max(1) as u32;

    println!("| products | {products} |");
    println!("| segments after merges | {} |", index.segment_count());
    println!("| first use (jieba dictionary + glossary) | {} |", ms(init));
    println!(
        "| queries | {} ({} with no match, {:.0} matches on average) |",
        latencies.len(),
        empty,
        matched as f64 / latencies.len().max(1) as f64
    );
    println!(
        "| latency, 1 thread, one run: p50 / p90 / p99 / max / mean | {} / {} / {} / {} / {} |",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0)),
        ms(mean)
    );
    println!(
        "| latency, 1 thread, best of 3 runs per query: p50 / p90 / p99 / max / mean | {} / {} / {} / {} / {} |",
        ms(percentile(&best, 0.50)),
        ms(percentile(&best, 0.90)),
        ms(percentile(&best, 0.99)),
        ms(percentile(&best, 1.0)),
        ms(best_mean)
    );
    println!("| throughput, {threads} threads (wall clock) | {qps:.0} queries/s |");
    println!(
        "| CPU time per query, {threads} threads → capacity of {threads} idle cores | {} → {:.0} queries/s |",
        ms(cpu_per_query),
        threads as f64 / cpu_per_query.as_secs_f64().max(1e-9)
    );
    println!("| load average during the run (other processes share the machine) | {} |", load_average());
    println!("| RSS with the index open, after the queries (VmRSS) | {} |", status("VmRSS:"));
    println!("| peak RSS of the searching process (VmHWM) | {} |", status("VmHWM:"));
    Ok(())
}
