//! Demo data: a dozen Midwest merchants and their products (demo/demo.json), and a
//! two-day conference in Detroit like the 2017 one, loaded through the same use
//! cases as the API, only into a pristine database.

use crate::startup::describe;
use anyhow::{Context, anyhow};
use gateway_app::merchants::MerchantInput;
use gateway_app::products::ProductInput;
use gateway_app::{App, Principal};
use gateway_core::MerchantId;
use gateway_core::merchant::MerchantAction;
use gateway_core::user::{Email, Password, Role};
use serde::Deserialize;

pub(crate) const DEMO_JSON: &str = include_str!("demo/demo.json");
/// The password of every demo account; demo data is for trying Gateway, never production.
pub const DEMO_PASSWORD: &str = "gateway-demo";
pub const DEMO_OPERATOR: &str = "operator@demo.gateway.test";
pub const DEMO_CONSUMER: &str = "shopper@demo.gateway.test";

#[derive(Deserialize)]
struct DemoData {
    fx_rate: String,
    merchants: Vec<DemoMerchant>,
}

#[derive(Deserialize)]
struct DemoMerchant {
    email: String,
    status: String,
    #[serde(flatten)]
    profile: serde_json::Value,
    products: Vec<serde_json::Value>,
}

/// Who can sign in to the demo.
pub struct DemoLogins {
    pub operator: String,
    pub merchant: String,
    pub consumer: String,
    pub password: &'static str,
    pub merchants: usize,
    pub products: usize,
}

fn app_err(context: &str) -> impl Fn(gateway_app::AppError) -> anyhow::Error + '_ {
    move |e| anyhow!("demo data, {context}: {}", describe(&e))
}

async fn user(app: &App, email: &str, role: Role) -> anyhow::Result<Principal> {
    let email = Email::parse(email).map_err(|e| anyhow!("demo e-mail: {e}"))?;
    let password = Password::parse(DEMO_PASSWORD).map_err(|e| anyhow!(e))?;
    let user = app.create_user(email, password, role).await.map_err(app_err("account"))?;
    Ok(Principal { user_id: user.id, role })
}

/// Loads the demo. `admin_email` is the configured operator, if any; otherwise a demo
/// operator is created.
pub async fn load(app: &App, admin_email: Option<&str>) -> anyhow::Result<DemoLogins> {
    let data: DemoData = serde_json::from_str(DEMO_JSON).context("parsing demo.json")?;
    let operator_email = match admin_email {
        Some(email) => email.to_string(),
        None => {
            app.ensure_first_operator(DEMO_OPERATOR, DEMO_PASSWORD).await.map_err(app_err("operator"))?;
            DEMO_OPERATOR.to_string()
        }
    };
    let operator_user = app
        .store()
        .user_by_email(&Email::parse(&operator_email).map_err(|e| anyhow!(e))?)
        .await?
        .ok_or_else(|| anyhow!("the operator account is missing"))?;
    let operator = Principal { user_id: operator_user.id, role: Role::Operator };

    let rate = serde_json::json!({ "rate": data.fx_rate });
    app.set_fx_rate(&operator, serde_json::from_value(rate)?).await.map_err(app_err("FX rate"))?;

    let mut products = 0;
    for m in &data.merchants {
        let owner = user(app, &m.email, Role::Merchant).await?;
        let input: MerchantInput = serde_json::from_value(m.profile.clone()).context("demo merchant")?;
        let merchant = app.create_merchant(&owner, input).await.map_err(app_err(&m.email))?;
        let id: MerchantId = merchant.id;
        for p in &m.products {
            let input: ProductInput = serde_json::from_value(p.clone()).context("demo product")?;
            app.create_product(&owner, id, input).await.map_err(app_err(&m.email))?;
            products += 1;
        }
        if m.status == "active" {
            app.act_on_merchant(&operator, id, MerchantAction::Approve).await.map_err(app_err("approval"))?;
        }
    }
    user(app, DEMO_CONSUMER, Role::Consumer).await?;
    let input = serde_json::from_value(demo_event(gateway_core::clock::now()))?;
    let event = app.create_event(&operator, input).await.map_err(app_err("event"))?;
    if let Some(m) = data.merchants.first() {
        let business = m.profile.get("legal_name").and_then(|v| v.as_str()).map(str::to_string);
        let state = m.profile.get("state").and_then(|v| v.as_str()).map(str::to_string);
        let input = gateway_app::events::RegisterInput {
            name: Some("Demo Merchant".into()),
            email: Some(m.email.clone()),
            business_name: business,
            state,
            kind: Some("merchant".into()),
        };
        let id = event.id.parse().map_err(|_| anyhow!("event id"))?;
        app.register_for_event(None, id, input).await.map_err(app_err("event registration"))?;
    }
    tracing::info!(merchants = data.merchants.len(), products, "demo data loaded");
    Ok(DemoLogins {
        operator: operator_email,
        merchant: data.merchants.first().map(|m| m.email.clone()).unwrap_or_default(),
        consumer: DEMO_CONSUMER.to_string(),
        password: DEMO_PASSWORD,
        merchants: data.merchants.len(),
        products,
    })
}

/// The demo's conference: two days in Detroit on the next 20 and 21 June, like the
/// Gateway conference of June 2017 that taught US businesses to sell to China.
fn demo_event(now: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    use chrono::Datelike;
    let year = if now.month() < 6 { now.year() } else { now.year() + 1 };
    let at = |day: u32, time: &str| format!("{year}-06-{day}T{time}");
    serde_json::json!({
        "title": {"en": format!("Gateway {year}: Selling to China"), "zh": format!("门户{year}：向中国销售")},
        "description": {
            "en": "Two days for US small businesses, farms and brands that want to sell to consumers in China: \
                   cross-border e-commerce rules, logistics, and meeting buyers.",
            "zh": "面向希望向中国消费者销售的美国小企业、农场和品牌的两天活动：跨境电商规则、物流，以及与买家见面。"
        },
        "venue": {"name": "Huntington Place", "address": "1 Washington Blvd", "city": "Detroit", "state": "MI"},
        "time_zone": "America/Detroit",
        "starts_at": at(20, "09:00"),
        "ends_at": at(21, "17:00"),
        "capacity": 1000,
        "sessions": [
            {"title": {"en": "Keynote: a million American small businesses", "zh": "主题演讲：一百万家美国小企业"},
             "starts_at": at(20, "09:00"), "ends_at": at(20, "10:30"), "room": "Grand Riverview Ballroom"},
            {"title": {"en": "Cross-border e-commerce: the positive list, limits and tax", "zh": "跨境电商：正面清单、限额与税"},
             "starts_at": at(20, "11:00"), "ends_at": at(20, "12:30"), "room": "Room 320"},
            {"title": {"en": "Food exports: GACC registration (Decree 248)", "zh": "食品出口：海关总署注册（第248号令）"},
             "starts_at": at(20, "14:00"), "ends_at": at(20, "15:30"), "room": "Room 320"},
            {"title": {"en": "Meet the buyers", "zh": "买家见面会"},
             "starts_at": at(21, "10:00"), "ends_at": at(21, "16:00"), "room": "Hall A"}
        ]
    })
}
