//! `gateway seed --merchants N --products M --consumers K`: a synthetic marketplace
//! for load tests and trials, modelled on the demo catalogue (demo/demo.json): each
//! demo merchant is an archetype whose products are the templates of the seeded
//! ones. The generation and the rules live in `gateway_app::seed`; this module
//! brings the archetypes, the exchange rate and the progress bar.

use crate::config::Settings;
use crate::progress::Progress;
use anyhow::{Context, anyhow};
use gateway_app::fx::FxInput;
use gateway_app::products::ProductInput;
use gateway_app::seed::{Archetype, SEED_DOMAIN, SEED_PASSWORD, SeedCounts, SeedPlan};
use gateway_app::{App, Principal};
use gateway_core::merchant::{Fulfilment, MerchantKind};
use gateway_core::user::{Email, Role};
use serde::Deserialize;

/// The operator a seed creates when the database has none, so that it can set the
/// exchange rate checkout needs.
pub fn seed_operator() -> String {
    format!("operator@{SEED_DOMAIN}")
}

/// What each demo merchant's kind of business is called after a place word, in the
/// order of demo.json.
const NOUNS: &[(&str, &str)] = &[
    ("Apiaries", "蜂场"),
    ("Sugarbush Farm", "枫糖农场"),
    ("Ginseng Gardens", "花旗参园"),
    ("Orchards", "果园"),
    ("Pecan Farm", "碧根果农场"),
    ("Popcorn Farm", "爆米花农场"),
    ("Vineyards", "酒庄"),
    ("Smokehouse", "烟熏坊"),
    ("Ironworks", "铁艺工坊"),
    ("Woolen Mill", "毛纺厂"),
    ("Botanics", "植萃"),
    ("Mercantile", "百货商行"),
];

#[derive(Deserialize)]
struct Demo {
    fx_rate: String,
    merchants: Vec<DemoMerchant>,
}

#[derive(Deserialize)]
struct DemoMerchant {
    kind: String,
    fulfilment: String,
    products: Vec<ProductInput>,
}

fn demo() -> anyhow::Result<Demo> {
    serde_json::from_str(crate::demo::DEMO_JSON).context("parsing demo.json")
}

/// The demo merchants as archetypes.
pub fn archetypes() -> anyhow::Result<Vec<Archetype>> {
    let demo = demo()?;
    anyhow::ensure!(demo.merchants.len() == NOUNS.len(), "demo.json and seed::NOUNS must list the same merchants");
    demo.merchants
        .into_iter()
        .zip(NOUNS)
        .map(|(m, (en, zh))| {
            Ok(Archetype {
                kind: MerchantKind::parse(&m.kind).map_err(|e| anyhow!("demo kind: {e}"))?,
                fulfilment: Fulfilment::parse(&m.fulfilment).map_err(|e| anyhow!("demo fulfilment: {e}"))?,
                noun_en: (*en).to_string(),
                noun_zh: (*zh).to_string(),
                products: m.products,
            })
        })
        .collect()
}

/// What `gateway seed` did.
pub struct SeedReport {
    pub counts: SeedCounts,
    pub seconds: f64,
    /// When the merchants and their products were loaded (the consumers follow).
    pub catalog_seconds: f64,
    /// The operator and password to sign in with, when the seed created the operator.
    pub operator: Option<String>,
    /// The exchange rate set, when none was.
    pub fx_rate: Option<String>,
}

/// Seeds the database the settings name, with a progress bar on standard error.
pub async fn run(settings: &Settings, plan: SeedPlan) -> anyhow::Result<SeedReport> {
    // A throw-away index: the servers' own indexes rebuild from the catalog when they
    // read the load's `catalog.reloaded` event.
    let app = crate::open_app_without_index(settings).await?;
    let total = plan.merchants + plan.products + plan.consumers;
    let mut bar = Progress::new(total, "seeding");
    let mut catalog_seconds = None;
    let detail = |c: &SeedCounts, seconds: f64| {
        format!(
            "{} merchants, {} products ({} for sale), {} consumers, {:.0} rows/s",
            c.merchants,
            c.products,
            c.for_sale,
            c.consumers,
            c.rows() as f64 / seconds.max(0.001)
        )
    };
    let counts = app
        .seed(plan, archetypes()?, |c| {
            if catalog_seconds.is_none() && c.merchants == plan.merchants && c.products == plan.products {
                catalog_seconds = Some(bar.elapsed());
            }
            let seconds = bar.elapsed();
            bar.update(c.merchants + c.products + c.consumers, || detail(c, seconds));
        })
        .await
        .map_err(|e| anyhow!("seeding: {}", crate::startup::describe(&e)))?;
    let seconds = bar.elapsed();
    bar.finish(&detail(&counts, seconds));
    let (operator, fx_rate) = exchange_rate(&app, settings).await?;
    Ok(SeedReport { counts, seconds, catalog_seconds: catalog_seconds.unwrap_or(seconds), operator, fx_rate })
}

/// Checkout needs an exchange rate: sets the demo's when none is set, as the
/// configured operator (GATEWAY_ADMIN_EMAIL) or a seeded one when the database has
/// no operator. Returns the seeded operator's e-mail if it made one, and the rate set.
async fn exchange_rate(app: &App, settings: &Settings) -> anyhow::Result<(Option<String>, Option<String>)> {
    if app.current_fx().await.map_err(|e| anyhow!("{e}"))?.is_some() {
        return Ok((None, None));
    }
    let (email, created) = match (&settings.admin_email, &settings.admin_password) {
        (Some(email), Some(password)) => {
            app.ensure_first_operator(email, password).await.map_err(|e| anyhow!("{e}"))?;
            (email.clone(), None)
        }
        _ => {
            let email = seed_operator();
            let created = app.ensure_first_operator(&email, SEED_PASSWORD).await.map_err(|e| anyhow!("{e}"))?;
            (email.clone(), created.then_some(email))
        }
    };
    let parsed = Email::parse(&email).map_err(|e| anyhow!("{email}: {e}"))?;
    let Some(user) = app.store().user_by_email(&parsed).await?.filter(|u| u.role == Role::Operator) else {
        tracing::warn!("no exchange rate is set and no operator to set one: set it before checkout");
        return Ok((created, None));
    };
    let rate = demo()?.fx_rate;
    let input: FxInput = serde_json::from_value(serde_json::json!({ "rate": rate }))?;
    app.set_fx_rate(&Principal { user_id: user.id, role: Role::Operator }, input)
        .await
        .map_err(|e| anyhow!("setting the exchange rate: {e}"))?;
    Ok((created, Some(rate)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_merchant_is_an_archetype_with_products() {
        let archetypes = archetypes().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(archetypes.len(), NOUNS.len());
        assert!(archetypes.iter().all(|a| !a.products.is_empty()));
        for kind in MerchantKind::ALL {
            assert!(archetypes.iter().any(|a| a.kind == *kind), "no archetype of kind {kind}");
        }
    }
}
