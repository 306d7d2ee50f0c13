//! What the storefront's results pages show (/search, /class/{code}, /state/{code}):
//! the search (GET /api/v1/search is its JSON twin) with, for each hit, its
//! merchant's name and the landed price of one unit — the same tax-included price
//! as the home and product pages, from the same pricing as a cart's quote. The
//! index keeps the goods price before tax and freight (`price_cny`), which is what
//! the price filter selects on; a page shows both, each labelled.

use crate::carts::QuoteOrderView;
use crate::merchants::DisplayNameView;
use crate::search::{FacetsView, HitView, SearchParams};
use crate::tax_classes::TaxClassView;
use crate::{App, AppError, AppResult};
use gateway_core::{MerchantId, ProductId};
use std::collections::HashMap;

/// One result as a card.
#[derive(Debug)]
pub struct ResultCard {
    pub hit: HitView,
    pub merchant_name: DisplayNameView,
    /// One unit bought alone: goods, freight and tax (None while no FX rate is set,
    /// or when the product left the catalog after the index last saw it).
    pub landed: Option<QuoteOrderView>,
}

/// A page of results with what the filters need.
#[derive(Debug)]
pub struct SearchPageView {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub cards: Vec<ResultCard>,
    pub facets: FacetsView,
    pub fx_rate: Option<String>,
    /// The tax-class table, for the names of the class filter and facets.
    pub classes: Vec<TaxClassView>,
}

impl App {
    /// Searches as `search` does and prices each hit as the product page would.
    #[tracing::instrument(skip_all)]
    pub async fn search_page(&self, params: &SearchParams) -> AppResult<SearchPageView> {
        let results = self.search(params).await?;
        let mut names: HashMap<String, DisplayNameView> = HashMap::new();
        let mut cards = Vec::with_capacity(results.hits.len());
        for hit in results.hits {
            if !names.contains_key(&hit.merchant_id) {
                let name = match hit.merchant_id.parse::<MerchantId>() {
                    Ok(id) => match self.merchant(id).await {
                        Ok(m) => DisplayNameView { en: m.profile.display_name_en, zh: m.profile.display_name_zh },
                        // Gone since the index saw it: the card shows no name.
                        Err(AppError::NotFound(_)) => DisplayNameView { en: String::new(), zh: None },
                        Err(other) => return Err(other),
                    },
                    Err(_) => DisplayNameView { en: String::new(), zh: None },
                };
                names.insert(hit.merchant_id.clone(), name);
            }
            let merchant_name = names.get(&hit.merchant_id).map_or_else(
                || DisplayNameView { en: String::new(), zh: None },
                |n| DisplayNameView { en: n.en.clone(), zh: n.zh.clone() },
            );
            let landed = match hit.id.parse::<ProductId>() {
                Ok(id) => self.landed_unit(id).await?,
                Err(_) => None,
            };
            cards.push(ResultCard { hit, merchant_name, landed });
        }
        Ok(SearchPageView {
            total: results.total,
            page: results.page,
            per_page: results.per_page,
            cards,
            facets: results.facets,
            fx_rate: results.fx_rate,
            classes: self.tax_classes().await?,
        })
    }

    /// One tax class of the table, for its page (`NotFound` for an unknown code).
    #[tracing::instrument(skip_all)]
    pub async fn tax_class(&self, code: &str) -> AppResult<TaxClassView> {
        // Not even a code (PostgreSQL refuses some bytes, NUL among them): no such class.
        gateway_core::tax_class::parse_code(code).map_err(|_| AppError::NotFound("tax class"))?;
        let class = self.store.tax_class(code).await?.ok_or(AppError::NotFound("tax class"))?;
        Ok(class.into())
    }
}
