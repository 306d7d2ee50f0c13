//! Demo data: a dozen Midwest merchants and their products (demo/demo.json), loaded
//! through the same use cases as the API, only into a pristine database.

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
        let id: MerchantId = merchant.id.parse().map_err(|_| anyhow!("merchant id"))?;
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
