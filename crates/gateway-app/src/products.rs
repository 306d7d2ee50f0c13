//! Products (SPEC 7): listing, editing, the listing check, and the CNY price.

use crate::input::{BilingualInput, DecimalText};
use crate::merchants::is_owner_or_operator;
use crate::pagination::{PageQuery, PageView};
use crate::{App, AppError, AppResult, Principal};
use chrono::{DateTime, Utc};
use gateway_core::positive_list::ListingFacts;
use gateway_core::product::{
    ContentUnit, CountryCode, HsCode, NetContent, ProductStatus, Sku, listing_verdict, parse_price, parse_stock,
    parse_weight_g,
};
use gateway_core::tax_class::parse_code;
use gateway_core::text::Bilingual;
use gateway_core::user::Role;
use gateway_core::{FieldError, FxRate, MerchantId, ProductId, Validation};
use gateway_store::{Merchant, NewProduct, Product, ProductFields, StoreError};
use serde::{Deserialize, Serialize};

pub(crate) const TITLE_MAX: usize = 200;
pub(crate) const DESCRIPTION_MAX: usize = 5000;
/// How often an edit is retried when another edit of the same product won the race;
/// between attempts it waits a random few milliseconds, growing, so that writers
/// that collided do not collide again in lockstep.
const UPDATE_ATTEMPTS: u32 = 12;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NetContentInput {
    pub value: Option<DecimalText>,
    /// g, ml or piece.
    pub unit: Option<String>,
}

/// A new product; the same shape, every field optional, patches one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProductInput {
    pub sku: Option<String>,
    pub title: Option<BilingualInput>,
    pub description: Option<BilingualInput>,
    pub tax_class: Option<String>,
    /// 8 or 10 digits.
    pub hs_code: Option<String>,
    /// ISO 3166-1 alpha-2; US when omitted on creation.
    pub origin_country: Option<String>,
    /// USD, at most two decimals: "12.50".
    pub price_usd: Option<DecimalText>,
    pub weight_g: Option<i64>,
    pub net_content: Option<NetContentInput>,
    pub stock: Option<i64>,
    /// On a patch only: `delisted` withdraws the product from sale, `listed` offers it
    /// again (subject to the listing check).
    pub status: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TextView {
    pub en: String,
    pub zh: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NetContentView {
    #[schema(value_type = f64)]
    pub value: serde_json::Number,
    pub unit: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemView {
    pub code: String,
    pub field: String,
    /// In English, for the merchant.
    pub message: String,
    /// In Chinese, for the operator (empty for a problem recorded before there was one).
    pub message_zh: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProductView {
    pub id: String,
    pub merchant_id: String,
    pub sku: String,
    pub title: TextView,
    pub description: TextView,
    pub tax_class: String,
    pub hs_code: String,
    pub origin_country: String,
    pub price_usd: String,
    /// round-half-up(price_usd × rate); null until the operator sets a rate.
    pub price_cny: Option<String>,
    /// The rate price_cny was computed at.
    pub fx_rate: Option<String>,
    pub weight_g: i64,
    pub net_content: NetContentView,
    pub stock: i64,
    /// listed, blocked or delisted.
    pub status: &'static str,
    /// Why a blocked product may not be sold.
    pub problems: Vec<ProblemView>,
    /// The positive list's yearly cap per buyer on these goods, in grams, if any.
    pub annual_cap_g: Option<i64>,
    /// Listed, and its merchant active.
    pub for_sale: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProductView {
    pub fn new(p: Product, fx: Option<FxRate>) -> Self {
        let for_sale = p.for_sale();
        let f = p.fields;
        let net = NetContent { milli: f.net_content_milli, unit: f.net_content_unit };
        ProductView {
            id: p.id.to_string(),
            merchant_id: p.merchant_id.to_string(),
            sku: f.sku,
            title: TextView { en: f.title_en, zh: f.title_zh },
            description: TextView { en: f.description_en, zh: f.description_zh },
            tax_class: f.tax_class,
            hs_code: f.hs_code,
            origin_country: f.origin_country,
            price_usd: f.price.to_string(),
            price_cny: fx.map(|rate| rate.convert(f.price).to_string()),
            fx_rate: fx.map(|rate| rate.to_string()),
            weight_g: f.weight_g,
            net_content: NetContentView {
                value: net.value_text().parse().unwrap_or_else(|_| serde_json::Number::from(0)),
                unit: f.net_content_unit.as_str(),
            },
            stock: f.stock,
            status: f.status.as_str(),
            problems: f
                .problems
                .into_iter()
                .map(|p| ProblemView { code: p.code, field: p.field, message: p.message, message_zh: p.message_zh })
                .collect(),
            annual_cap_g: f.annual_cap.as_ref().map(|c| c.grams),
            for_sale,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

fn parse_bilingual(
    field: &str,
    raw: Option<&BilingualInput>,
    max: usize,
    multiline: bool,
    v: &mut Validation,
) -> Option<Bilingual> {
    match raw {
        None => {
            v.push(&format!("{field}.en"), "is required");
            None
        }
        Some(b) => b.parse(field, max, multiline, v),
    }
}

fn parse_net_content(raw: &NetContentInput, v: &mut Validation) -> Option<NetContent> {
    let unit = v.required("net_content.unit", raw.unit.as_deref(), ContentUnit::parse);
    let value = v.required("net_content.value", raw.value.as_ref(), |d| Ok::<_, String>(d.0.clone()));
    let (value, unit) = value.zip(unit)?;
    v.check("net_content.value", NetContent::parse(&value, unit))
}

/// Applies `input` over `base` (every field of a new product, or the product being
/// edited), validating each field given. A new product passes `base = None`, which
/// makes every field but `origin_country` required.
pub(crate) fn merge_fields(
    base: Option<&ProductFields>,
    input: &ProductInput,
) -> Result<ProductFields, Vec<FieldError>> {
    let mut v = Validation::new();
    // For a patch, an absent field keeps its value; for a new product it is required.
    macro_rules! field {
        ($name:literal, $raw:expr, $parse:expr, $keep:expr) => {
            match ($raw, base) {
                (Some(raw), _) => v.check($name, $parse(raw)),
                (None, Some(b)) => Some($keep(b)),
                (None, None) => {
                    v.push($name, "is required");
                    None
                }
            }
        };
    }
    let sku =
        field!("sku", input.sku.as_deref(), |s| Sku::parse(s).map(|s| s.as_str().to_string()), |b: &ProductFields| b
            .sku
            .clone());
    let title = match (&input.title, base) {
        (None, Some(b)) => Some(Bilingual { en: b.title_en.clone(), zh: b.title_zh.clone() }),
        (raw, _) => parse_bilingual("title", raw.as_ref(), TITLE_MAX, false, &mut v),
    };
    let description = match (&input.description, base) {
        (None, Some(b)) => Some(Bilingual { en: b.description_en.clone(), zh: b.description_zh.clone() }),
        (raw, _) => parse_bilingual("description", raw.as_ref(), DESCRIPTION_MAX, true, &mut v),
    };
    let tax_class =
        field!("tax_class", input.tax_class.as_deref(), parse_code, |b: &ProductFields| b.tax_class.clone());
    let hs_code = field!(
        "hs_code",
        input.hs_code.as_deref(),
        |s| HsCode::parse(s).map(|h| h.as_str().to_string()),
        |b: &ProductFields| b.hs_code.clone()
    );
    let origin_country = match (input.origin_country.as_deref(), base) {
        (Some(raw), _) => v.check("origin_country", CountryCode::parse(raw).map(|c| c.as_str().to_string())),
        (None, Some(b)) => Some(b.origin_country.clone()),
        (None, None) => Some("US".to_string()),
    };
    let price =
        field!("price_usd", input.price_usd.as_ref(), |d: &DecimalText| parse_price(&d.0), |b: &ProductFields| b.price);
    let weight_g = field!("weight_g", input.weight_g, parse_weight_g, |b: &ProductFields| b.weight_g);
    let stock = field!("stock", input.stock, parse_stock, |b: &ProductFields| b.stock);
    let net_content = match (&input.net_content, base) {
        (Some(raw), _) => parse_net_content(raw, &mut v),
        (None, Some(b)) => Some(NetContent { milli: b.net_content_milli, unit: b.net_content_unit }),
        (None, None) => {
            v.push("net_content.value", "is required");
            v.push("net_content.unit", "is required");
            None
        }
    };
    let status = match (input.status.as_deref(), base) {
        (None, Some(b)) => Some(b.status),
        (None, None) => Some(ProductStatus::Listed),
        (Some(raw), _) => v.check(
            "status",
            match ProductStatus::parse(raw) {
                Ok(ProductStatus::Blocked) | Err(_) => Err("must be listed or delisted"),
                Ok(s) => Ok(s),
            },
        ),
    };
    v.finish(|| {
        let title = title?;
        let description = description?;
        let net_content = net_content?;
        Some(ProductFields {
            sku: sku?,
            title_en: title.en,
            title_zh: title.zh,
            description_en: description.en,
            description_zh: description.zh,
            tax_class: tax_class?,
            hs_code: hs_code?,
            origin_country: origin_country?,
            price: price?,
            weight_g: weight_g?,
            net_content_milli: net_content.milli,
            net_content_unit: net_content.unit,
            stock: stock?,
            status: status?,
            problems: Vec::new(),
            annual_cap: None,
        })
    })
}

fn sku_conflict(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::conflict("sku", "this merchant already has a product with this SKU"),
        other => other.into(),
    }
}

impl App {
    /// The merchant that `who` owns, or why not.
    pub(crate) async fn owned_merchant(&self, who: &Principal, id: MerchantId) -> AppResult<Merchant> {
        who.require(Role::Merchant)?;
        let merchant = self.merchant(id).await?;
        if merchant.owner_id != who.user_id {
            return Err(AppError::Forbidden("this merchant belongs to another account"));
        }
        Ok(merchant)
    }

    /// Runs the listing check and sets status, problems and the yearly cap: a withdrawn
    /// product stays withdrawn, any other is listed or blocked by the check.
    async fn check_listing(&self, merchant: &Merchant, fields: &mut ProductFields) -> AppResult<()> {
        let class = self
            .store
            .tax_class(&fields.tax_class)
            .await?
            .ok_or_else(|| AppError::field("tax_class", "is not a known tax class (see /api/v1/tax-classes)"))?;
        let entry = self.store.positive_list_entry_for(&fields.hs_code).await?;
        let facts = ListingFacts {
            class: &class,
            entry: entry.as_ref(),
            hs_code: &fields.hs_code,
            merchant_has_food_registration: merchant.profile.food_registration_no.is_some(),
            fulfilment: merchant.profile.fulfilment,
        };
        let verdict = listing_verdict(&facts, fields.status == ProductStatus::Delisted);
        fields.status = verdict.status;
        fields.problems = verdict.problems;
        fields.annual_cap = verdict.annual_cap;
        Ok(())
    }

    async fn fx_rate(&self) -> AppResult<Option<FxRate>> {
        Ok(self.current_fx().await?.map(|q| q.rate))
    }

    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant_id))]
    pub async fn create_product(
        &self,
        who: &Principal,
        merchant_id: MerchantId,
        input: ProductInput,
    ) -> AppResult<ProductView> {
        let merchant = self.owned_merchant(who, merchant_id).await?;
        if input.status.is_some() {
            return Err(AppError::field("status", "is set by the listing check; withdraw a product by editing it"));
        }
        let product = self.create_product_of(&merchant, &input, false).await?;
        Ok(ProductView::new(product, self.fx_rate().await?))
    }

    /// Creates a product of `merchant` (whose ownership the caller checked); a
    /// `withdrawn` one starts delisted, as an import of a Shopify draft does.
    pub(crate) async fn create_product_of(
        &self,
        merchant: &Merchant,
        input: &ProductInput,
        withdrawn: bool,
    ) -> AppResult<Product> {
        let mut fields = merge_fields(None, input)?;
        if withdrawn {
            fields.status = ProductStatus::Delisted;
        }
        self.check_listing(merchant, &mut fields).await?;
        let new = NewProduct {
            id: ProductId::new(),
            merchant_id: merchant.id,
            fields,
            created_at: gateway_core::clock::now(),
        };
        let product = self.store.create_product(new).await.map_err(sku_conflict)?;
        self.catalog_changed();
        tracing::info!(product.id = %product.id, merchant.id = %merchant.id, status = product.fields.status.as_str(), "product created");
        Ok(product)
    }

    /// Edits a product; retried when a concurrent edit (or, later, a sale) changed it
    /// between read and write, so that no field of the other write is lost.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, product.id = %id))]
    pub async fn update_product(&self, who: &Principal, id: ProductId, input: ProductInput) -> AppResult<ProductView> {
        for attempt in 0..UPDATE_ATTEMPTS {
            if attempt > 0 {
                let jitter_ms = rand::random_range(1..=5 * u64::from(attempt));
                tokio::time::sleep(std::time::Duration::from_millis(jitter_ms)).await;
            }
            let current = self.product(id).await?;
            let merchant = self.owned_merchant(who, current.merchant_id).await?;
            let mut fields = merge_fields(Some(&current.fields), &input)?;
            self.check_listing(&merchant, &mut fields).await?;
            match self.store.update_product(Product { fields, ..current }).await {
                Ok(product) => {
                    self.catalog_changed();
                    return Ok(ProductView::new(product, self.fx_rate().await?));
                }
                Err(StoreError::Stale) => continue,
                Err(other) => return Err(sku_conflict(other)),
            }
        }
        Err(StoreError::Stale.into())
    }

    #[tracing::instrument(skip_all, fields(product.id = %id))]
    pub async fn product(&self, id: ProductId) -> AppResult<Product> {
        self.store.product(id).await?.ok_or(AppError::NotFound("product"))
    }

    #[tracing::instrument(skip_all, fields(product.id = %id))]
    pub async fn view_product(&self, id: ProductId) -> AppResult<ProductView> {
        let product = self.product(id).await?;
        Ok(ProductView::new(product, self.fx_rate().await?))
    }

    /// A merchant's products: all of them for its owner and operators, the ones for
    /// sale for everyone else.
    #[tracing::instrument(skip_all, fields(user.id = ?who.map(|w| w.user_id), merchant.id = %merchant_id))]
    pub async fn list_merchant_products(
        &self,
        who: Option<&Principal>,
        merchant_id: MerchantId,
        page: &PageQuery,
    ) -> AppResult<PageView<ProductView>> {
        let merchant = self.merchant(merchant_id).await?;
        let for_sale_only = !is_owner_or_operator(who, &merchant);
        let page = self.store.list_products(merchant_id, for_sale_only, page.to_request()?).await?;
        let fx = self.fx_rate().await?;
        Ok(PageView::from_page(page, |p| ProductView::new(p, fx)))
    }
}
