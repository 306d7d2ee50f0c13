//! `gateway seed` (issue 7): a realistic synthetic marketplace of any size, loaded
//! through the bulk-load port rather than one use case per row.
//!
//! Every row is what the use cases would have written: merchants spread over the
//! states like America's small businesses, products copied from the demo catalogue's
//! templates with the listing verdict of the core deciding their status, users with
//! an argon2 hash of [`SEED_PASSWORD`] (one hash, computed once per run and shared:
//! hashing a million passwords would take hours), consumers with identities sealed by
//! this app's vault. The same `seed` gives the same merchants, products and people
//! (ids included); only password salts, identity nonces and nothing else differ.
//!
//! Generation runs on a blocking thread and hands batches to the loader through a
//! channel of two, so memory stays bounded and the two cores overlap generating
//! and loading.

pub mod people;
pub mod places;

use crate::products::ProductInput;
use crate::products::merge_fields;
use crate::vault::IdentityVault;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, TimeZone, Utc};
use gateway_core::identity::IdNumber;
use gateway_core::merchant::{Fulfilment, MerchantKind, MerchantStatus, UsState};
use gateway_core::positive_list::ListingFacts;
use gateway_core::product::{ListingVerdict, ProductStatus, listing_verdict};
use gateway_core::user::{Email, Password, Role};
use gateway_core::{MerchantId, ProductId, Usd, UserId};
use gateway_store::{
    BulkBatch, BulkMerchant, IdentityRecord, MerchantProfile, NewMerchant, NewProduct, NewUser, ProductFields,
};
use places::StatePicker;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

/// The password of every seeded account. Seeded data is for load tests and trials,
/// never for production.
pub const SEED_PASSWORD: &str = "gateway-seed";
/// The e-mail domain of seeded accounts (a reserved test domain).
pub const SEED_DOMAIN: &str = "seed.gateway.test";
/// Products per batch; a batch is one transaction and what the channel holds.
const BATCH_PRODUCTS: usize = 20_000;
const BATCH_MERCHANTS: usize = 5_000;
const BATCH_CONSUMERS: usize = 5_000;

/// The e-mail of seeded merchant `i` (0-based) of run `seed`.
pub fn merchant_email(seed: u64, i: u64) -> String {
    format!("merchant-{seed}-{i}@{SEED_DOMAIN}")
}

/// The e-mail of seeded consumer `i` (0-based) of run `seed`.
pub fn consumer_email(seed: u64, i: u64) -> String {
    format!("consumer-{seed}-{i}@{SEED_DOMAIN}")
}

/// A kind of business the seed copies: one of the demo merchants, its products as
/// templates.
#[derive(Debug, Clone)]
pub struct Archetype {
    pub kind: MerchantKind,
    pub fulfilment: Fulfilment,
    /// What the business is called after its place word ("Apiaries", "蜂场").
    pub noun_en: String,
    pub noun_zh: String,
    pub products: Vec<ProductInput>,
}

/// What to seed.
#[derive(Debug, Clone, Copy)]
pub struct SeedPlan {
    pub merchants: u64,
    pub products: u64,
    pub consumers: u64,
    pub seed: u64,
    /// Seed into a database that already holds merchants or accounts.
    pub append: bool,
}

/// Rows loaded so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedCounts {
    pub merchants: u64,
    pub products: u64,
    /// Products for sale: listed by the check, of an active merchant.
    pub for_sale: u64,
    pub consumers: u64,
}

impl SeedCounts {
    pub fn rows(&self) -> u64 {
        // Merchants and consumers each come with their user account.
        2 * self.merchants + self.products + 2 * self.consumers
    }
}

/// A template: its fields, validated once, and the listing verdict for each kind of
/// merchant that can sell it (food registration or not, fulfilment, withdrawn or not).
struct Template {
    fields: ProductFields,
    /// `[has food registration][bonded][withdrawn]`.
    verdicts: [[[ListingVerdict; 2]; 2]; 2],
}

struct Prepared {
    archetype: Archetype,
    templates: Vec<Template>,
    /// Some template is food: most such businesses hold a Decree 248 registration.
    sells_food: bool,
}

impl App {
    /// Seeds the plan; `progress` is called after each loaded batch. Refuses a
    /// database that is not pristine unless the plan says append.
    #[tracing::instrument(skip_all)]
    pub async fn seed(
        &self,
        plan: SeedPlan,
        archetypes: Vec<Archetype>,
        mut progress: impl FnMut(&SeedCounts) + Send,
    ) -> AppResult<SeedCounts> {
        if plan.products > 0 && plan.merchants == 0 {
            return Err(AppError::field("products", "products need merchants: give --merchants too"));
        }
        if !plan.append && !self.store.is_pristine().await? {
            return Err(AppError::conflict(
                "append",
                "the database already holds merchants, products or accounts; seed only a new database, or pass \
                 --append (with a --seed not used before) to add seeded data to it",
            ));
        }
        let prepared = self.prepare_archetypes(archetypes).await?;
        let password = Password::parse(SEED_PASSWORD).map_err(|e| AppError::field("password", e))?;
        let generator = Arc::new(Generator {
            plan,
            by_kind: MerchantKind::ALL
                .iter()
                .map(|kind| (0..prepared.len()).filter(|&i| prepared[i].archetype.kind == *kind).collect())
                .collect(),
            prepared,
            picker: StatePicker::default(),
            password_hash: crate::auth::hash_password(password).await?,
            vault: self.vault.clone(),
            today: crate::identity::china_today(),
        });
        let (sender, receiver) = tokio::sync::mpsc::channel::<(BulkBatch, u64)>(2);
        let producer = tokio::task::spawn_blocking(move || generator.run(&sender));
        // PostgreSQL loads two batches at once, one per core (each batch holds its
        // merchants' products and its consumers' identities, so batches are
        // independent); SQLite has one writer, so one loader.
        let loaders = if self.store.backend() == "postgres" { 2 } else { 1 };
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let (done, mut loaded) = tokio::sync::mpsc::unbounded_channel::<AppResult<SeedCounts>>();
        for _ in 0..loaders {
            let (app, receiver, done) = (self.clone(), receiver.clone(), done.clone());
            tokio::spawn(async move {
                loop {
                    let next = receiver.lock().await.recv().await;
                    let Some((batch, for_sale)) = next else { break };
                    let rows = SeedCounts {
                        merchants: batch.merchants.len() as u64,
                        products: batch.products.len() as u64,
                        for_sale,
                        consumers: batch.identities.len() as u64,
                    };
                    let result = app.store.bulk_load(&batch).await.map(|()| rows).map_err(AppError::from);
                    let failed = result.is_err();
                    if done.send(result).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(done);
        let mut counts = SeedCounts::default();
        while let Some(result) = loaded.recv().await {
            let rows = match result {
                Ok(rows) => rows,
                Err(error) => {
                    // Stop the generator and the other loader.
                    receiver.lock().await.close();
                    return Err(error);
                }
            };
            counts.merchants += rows.merchants;
            counts.products += rows.products;
            counts.for_sale += rows.for_sale;
            counts.consumers += rows.consumers;
            progress(&counts);
        }
        producer.await.map_err(|e| AppError::Internal(gateway_store::StoreError::backend(e)))??;
        let payload = serde_json::json!({
            "seed": plan.seed,
            "merchants": counts.merchants,
            "products": counts.products,
            "consumers": counts.consumers,
        });
        self.store.bulk_load_finished(payload.to_string(), gateway_core::clock::now()).await?;
        self.catalog_changed();
        tracing::info!(?counts, seed = plan.seed, "seeded");
        Ok(counts)
    }

    /// Validates each template as the API would and computes its verdicts with the
    /// tax classes and positive list in the database.
    async fn prepare_archetypes(&self, archetypes: Vec<Archetype>) -> AppResult<Vec<Prepared>> {
        if archetypes.is_empty() || archetypes.iter().any(|a| a.products.is_empty()) {
            return Err(AppError::field("archetypes", "every archetype needs products"));
        }
        let mut prepared = Vec::with_capacity(archetypes.len());
        for archetype in archetypes {
            let mut templates = Vec::with_capacity(archetype.products.len());
            let mut sells_food = false;
            for input in &archetype.products {
                let mut fields = merge_fields(None, input)?;
                // An English-only template gets the glossary's Chinese title, as a
                // merchant who accepts the suggestion the portal offers.
                if fields.title_zh.is_none() {
                    fields.title_zh = self.suggest_title_zh(&fields.title_en);
                }
                let class =
                    self.store.tax_class(&fields.tax_class).await?.ok_or_else(|| {
                        AppError::field("tax_class", format!("{} is not a tax class", fields.tax_class))
                    })?;
                sells_food |= class.food;
                let entry = self.store.positive_list_entry_for(&fields.hs_code).await?;
                let verdict = |food: bool, fulfilment: Fulfilment, withdrawn: bool| {
                    let facts = ListingFacts {
                        class: &class,
                        entry: entry.as_ref(),
                        hs_code: &fields.hs_code,
                        merchant_has_food_registration: food,
                        fulfilment,
                    };
                    listing_verdict(&facts, withdrawn)
                };
                let by_fulfilment = |food: bool| {
                    [false, true].map(|bonded| [false, true].map(|w| verdict(food, fulfilment(bonded), w)))
                };
                let verdicts = [by_fulfilment(false), by_fulfilment(true)];
                templates.push(Template { fields, verdicts });
            }
            prepared.push(Prepared { archetype, templates, sells_food });
        }
        Ok(prepared)
    }
}

fn fulfilment(bonded: bool) -> Fulfilment {
    if bonded { Fulfilment::Bonded } else { Fulfilment::DirectMail }
}

/// Place words of seeded business names, in English and Chinese.
const PLACE_WORDS: &[(&str, &str)] = &[
    ("Prairie", "草原"),
    ("Cedar", "雪松"),
    ("Maple Leaf", "枫叶"),
    ("Riverbend", "河湾"),
    ("Blue Ridge", "蓝岭"),
    ("Golden Valley", "金谷"),
    ("Lakeside", "湖畔"),
    ("Pine Hill", "松山"),
    ("Oak Creek", "橡树溪"),
    ("Silver Lake", "银湖"),
    ("Red Barn", "红谷仓"),
    ("Sunrise", "日出"),
    ("Willow", "柳岸"),
    ("Stone Bridge", "石桥"),
    ("Harvest Moon", "丰收月"),
    ("North Star", "北极星"),
    ("Twin Rivers", "双河"),
    ("Evergreen", "常青"),
    ("Copper Hill", "铜山"),
    ("Bluebird", "蓝鸟"),
];

const FAMILY_NAMES: &[&str] = &[
    "Anderson",
    "Larson",
    "Miller",
    "Johnson",
    "Nguyen",
    "Garcia",
    "Olson",
    "Schmidt",
    "Hansen",
    "Kowalski",
    "Brooks",
    "Patel",
    "Jensen",
    "Murphy",
    "Lindqvist",
    "Weber",
    "Hoffman",
    "Ramirez",
    "Bauer",
    "Sullivan",
];

const LEGAL_SUFFIXES: &[&str] = &["LLC", "Inc.", "Co.", "LLC", "LLC"];

/// Base of the seeded timeline: merchants and consumers join over the two years
/// after it, in order, so that their time-ordered ids grow as they are loaded.
fn timeline_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().unwrap_or_default()
}
const TIMELINE_SECONDS: i64 = 2 * 365 * 24 * 3600;

/// A UUIDv7 for `at` whose other bits come from `rng`: deterministic for the seed and
/// in time order, so the primary-key indexes are appended to rather than split.
fn time_ordered_id(at: DateTime<Utc>, rng: &mut StdRng) -> uuid::Uuid {
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes);
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
}

fn moment(i: u64, n: u64) -> DateTime<Utc> {
    let offset = i128::from(i) * i128::from(TIMELINE_SECONDS) / i128::from(n.max(1));
    timeline_start() + chrono::Duration::seconds(i64::try_from(offset).unwrap_or(0))
}

struct Generator {
    plan: SeedPlan,
    prepared: Vec<Prepared>,
    /// Archetype indexes per kind, in `MerchantKind::ALL` order.
    by_kind: Vec<Vec<usize>>,
    picker: StatePicker,
    password_hash: String,
    vault: Arc<IdentityVault>,
    today: chrono::NaiveDate,
}

type Sender = tokio::sync::mpsc::Sender<(BulkBatch, u64)>;

/// The loader stopped (it failed, and says why): stop generating.
fn closed<T>(_: T) -> AppError {
    AppError::Internal(gateway_store::StoreError::Backend("the loader stopped".into()))
}

impl Generator {
    fn run(&self, sender: &Sender) -> AppResult<()> {
        self.merchants(sender)?;
        self.consumers(sender)
    }

    fn user(&self, email: String, role: Role, at: DateTime<Utc>, rng: &mut StdRng) -> AppResult<NewUser> {
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e))?;
        Ok(NewUser {
            id: UserId::from_uuid(time_ordered_id(at, rng)),
            email,
            role,
            password_hash: self.password_hash.clone(),
            created_at: at,
        })
    }

    fn merchants(&self, sender: &Sender) -> AppResult<()> {
        let SeedPlan { merchants: n, products: m, seed, .. } = self.plan;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut batch = BulkBatch::default();
        let mut for_sale = 0u64;
        let mut made = 0u64;
        // Products per merchant vary around the mean; the running total stays
        // within one mean of the even split, and the last merchant takes the rest.
        let spread = i64::try_from(m / n.max(1)).unwrap_or(i64::MAX).max(1);
        for i in 0..n {
            let at = moment(i, n);
            let owner = self.user(merchant_email(seed, i), Role::Merchant, at, &mut rng)?;
            let merchant = self.merchant(owner.id, at, &mut rng);
            let ideal = i64::try_from(u128::from(i + 1) * u128::from(m) / u128::from(n)).unwrap_or(i64::MAX);
            let made_i = i64::try_from(made).unwrap_or(i64::MAX);
            let left = i64::try_from(m - made).unwrap_or(i64::MAX);
            let count =
                if i + 1 == n { left } else { (ideal - made_i + rng.random_range(-spread..=spread)).clamp(0, left) };
            let archetype = &self.prepared[merchant.archetype];
            let food = usize::from(merchant.row.merchant.profile.food_registration_no.is_some());
            let bonded = usize::from(merchant.row.merchant.profile.fulfilment == Fulfilment::Bonded);
            let active = merchant.row.status == MerchantStatus::Active;
            for k in 0..count {
                let template = &archetype.templates[rng.random_range(0..archetype.templates.len())];
                let withdrawn = usize::from(rng.random_range(0..100) < 3);
                let verdict = &template.verdicts[food][bonded][withdrawn];
                let created_at = at + chrono::Duration::seconds(k + 1);
                let fields = product_fields(template, verdict, k, &mut rng);
                for_sale += u64::from(active && fields.status == ProductStatus::Listed);
                batch.products.push(NewProduct {
                    id: ProductId::from_uuid(time_ordered_id(created_at, &mut rng)),
                    merchant_id: merchant.row.merchant.id,
                    fields,
                    created_at,
                });
            }
            made += u64::try_from(count).unwrap_or(0);
            batch.users.push(owner);
            batch.merchants.push(merchant.row);
            if batch.products.len() >= BATCH_PRODUCTS || batch.merchants.len() >= BATCH_MERCHANTS {
                sender.blocking_send((std::mem::take(&mut batch), for_sale)).map_err(closed)?;
                for_sale = 0;
            }
        }
        if !batch.is_empty() {
            sender.blocking_send((batch, for_sale)).map_err(closed)?;
        }
        Ok(())
    }

    fn merchant(&self, owner: UserId, at: DateTime<Utc>, rng: &mut StdRng) -> SeededMerchant {
        let state = self.picker.pick(rng);
        let wanted = places::kind_in(state, rng);
        let kind_index = MerchantKind::ALL.iter().position(|k| *k == wanted).unwrap_or(0);
        let candidates = &self.by_kind[kind_index];
        let archetype_index = if candidates.is_empty() {
            rng.random_range(0..self.prepared.len())
        } else {
            candidates[rng.random_range(0..candidates.len())]
        };
        let prepared = &self.prepared[archetype_index];
        let archetype = &prepared.archetype;
        let (display_en, display_zh) = if rng.random_range(0..3) == 0 {
            let family = FAMILY_NAMES[rng.random_range(0..FAMILY_NAMES.len())];
            (format!("{family} Family {}", archetype.noun_en), None)
        } else {
            let (en, zh) = PLACE_WORDS[rng.random_range(0..PLACE_WORDS.len())];
            (format!("{en} {}", archetype.noun_en), Some(format!("{zh}{}", archetype.noun_zh)))
        };
        let legal_name = format!("{display_en} {}", LEGAL_SUFFIXES[rng.random_range(0..LEGAL_SUFFIXES.len())]);
        let (city, zip) = places::address_in(state, rng);
        let employees = match rng.random_range(0..20) {
            0 => 0,
            _ => (rng.random_range(0.0f64..6.2).exp() as i64).clamp(1, 500),
        };
        let fulfilment = if rng.random_range(0..5) == 0 {
            fulfilment(archetype.fulfilment == Fulfilment::DirectMail)
        } else {
            archetype.fulfilment
        };
        let food_registration_no = (prepared.sells_food && rng.random_range(0..100) < 85)
            .then(|| format!("CUSA{:011}", rng.random_range(0..100_000_000_000u64)));
        let status = match rng.random_range(0..100) {
            0..85 => MerchantStatus::Active,
            85..94 => MerchantStatus::Pending,
            94..98 => MerchantStatus::Suspended,
            _ => MerchantStatus::Rejected,
        };
        let (story_en, story_zh) = if rng.random_range(0..2) == 0 {
            let (people_en, people_zh) = match employees {
                0 => ("its owner".to_string(), "店主一人".to_string()),
                n => (format!("{n} people"), format!("{n}名员工")),
            };
            let state_zh = gateway_search::states::STATES
                .iter()
                .find(|s| s.code == state.code)
                .and_then(|s| s.names_zh.first())
                .copied()
                .unwrap_or(state.code);
            (
                Some(format!(
                    "{display_en} is a {} business in {city}, {}, run by {people_en}. It ships to China {}.",
                    archetype.kind.as_str(),
                    state.code,
                    if fulfilment == Fulfilment::Bonded { "through a bonded warehouse" } else { "by direct mail" },
                )),
                display_zh.as_ref().map(|zh| format!("{zh}位于美国{state_zh}，由{people_zh}经营。")),
            )
        } else {
            (None, None)
        };
        let state = UsState::parse(state.code).unwrap_or_else(|_| unreachable!("the seeded states are valid"));
        SeededMerchant {
            archetype: archetype_index,
            row: BulkMerchant {
                merchant: NewMerchant {
                    id: MerchantId::from_uuid(time_ordered_id(at, rng)),
                    owner_id: owner,
                    profile: MerchantProfile {
                        legal_name,
                        display_name_en: display_en,
                        display_name_zh: display_zh,
                        kind: archetype.kind,
                        state,
                        city,
                        zip,
                        employees,
                        exported_before: rng.random_range(0..100) < 35,
                        fulfilment,
                        food_registration_no,
                        story_en,
                        story_zh,
                    },
                    created_at: at,
                },
                status,
            },
        }
    }

    fn consumers(&self, sender: &Sender) -> AppResult<()> {
        let SeedPlan { consumers: n, seed, .. } = self.plan;
        // Its own stream, so the consumers do not change with the merchant count.
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5EED_C0DE_0000_0001);
        let mut batch = BulkBatch::default();
        for i in 0..n {
            let at = moment(i, n);
            let user = self.user(consumer_email(seed, i), Role::Consumer, at, &mut rng)?;
            // Through the parser and the vault, as PUT /api/v1/me/identity stores it.
            let id_number = IdNumber::parse(&people::id_number(&mut rng), self.today)
                .map_err(|e| AppError::field("id_number", e.to_string()))?;
            batch.identities.push(IdentityRecord {
                user_id: user.id,
                real_name: people::real_name(&mut rng),
                id_number_cipher: self.vault.encrypt(id_number.as_str()),
                id_number_hash: self.vault.lookup_hash(id_number.as_str()),
                id_number_masked: id_number.masked(),
                phone: people::phone(&mut rng),
                created_at: at,
                updated_at: at,
            });
            batch.users.push(user);
            if batch.users.len() >= BATCH_CONSUMERS {
                sender.blocking_send((std::mem::take(&mut batch), 0)).map_err(closed)?;
            }
        }
        if !batch.is_empty() {
            sender.blocking_send((batch, 0)).map_err(closed)?;
        }
        Ok(())
    }
}

struct SeededMerchant {
    archetype: usize,
    row: BulkMerchant,
}

/// A product from `template`: a pack of one to three, its price moved a little, its
/// stock drawn, and the verdict the core gave its kind of merchant.
fn product_fields(template: &Template, verdict: &ListingVerdict, ordinal: i64, rng: &mut StdRng) -> ProductFields {
    let mut f = template.fields.clone();
    f.sku = format!("{}-{}", f.sku, ordinal + 1);
    let pack: i64 = match rng.random_range(0..10) {
        0 => 3,
        1 | 2 => 2,
        _ => 1,
    };
    if pack > 1 {
        f.title_en = format!("{} ({pack}-pack)", f.title_en);
        f.title_zh = f.title_zh.map(|t| format!("{t}（{pack}件装）"));
        f.weight_g *= pack;
        f.net_content_milli *= pack;
    }
    // ±15 %, a pack 5 % off, ending in .49 or .99.
    let discount = if pack > 1 { 95 } else { 100 };
    let cents = f.price.minor() * pack * rng.random_range(85..=115) / 100 * discount / 100;
    f.price = Usd::from_minor(((cents + 25) / 50 * 50 - 1).max(99));
    f.stock = if rng.random_range(0..100) < 8 { 0 } else { rng.random_range(1..=500) };
    f.status = verdict.status;
    f.problems = verdict.problems.clone();
    f.annual_cap = verdict.annual_cap.clone();
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_are_time_ordered_and_deterministic() {
        let mut a = StdRng::seed_from_u64(1);
        let mut b = StdRng::seed_from_u64(1);
        let first = time_ordered_id(moment(0, 10), &mut a);
        assert_eq!(first, time_ordered_id(moment(0, 10), &mut b));
        let later = time_ordered_id(moment(1, 10), &mut a);
        assert!(later > first);
        assert_eq!(first.get_version_num(), 7);
    }

    #[test]
    fn the_timeline_spans_two_years_in_order() {
        assert_eq!(moment(0, 5), timeline_start());
        assert!(moment(4, 5) < timeline_start() + chrono::Duration::seconds(TIMELINE_SECONDS));
        assert!(moment(1, 5) > moment(0, 5));
    }
}
