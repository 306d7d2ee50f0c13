//! The listing check re-run inside a write transaction, over the products a change
//! touches (a tax class, a positive-list line, a merchant's profile, or all), so that
//! no product is ever sold under a verdict older than the rules it was judged by.

use crate::backend;
use crate::engine::{DbConn, Engine, SqlStore};
use crate::rows::*;
use crate::sql::{Sql, sql};
use chrono::{DateTime, Utc};
use gateway_core::merchant::Fulfilment;
use gateway_core::positive_list::{ListingFacts, PositiveListEntry, longest_match};
use gateway_core::product::{ListingProblem, ProductStatus, listing_verdict};
use gateway_core::tax_class::TaxClass;
use gateway_store::*;

/// Which products a re-check covers.
#[derive(Debug, Clone, Copy)]
pub enum RecheckScope<'a> {
    TaxClass(&'a str),
    /// Products whose HS code starts with these digits.
    HsPrefix(&'a str),
    Merchant(uuid::Uuid),
    All,
}

/// What the check reads of a product and its merchant.
#[derive(sqlx::FromRow)]
pub struct RecheckRow {
    pub id: uuid::Uuid,
    pub tax_class: String,
    pub hs_code: String,
    pub stock: i64,
    pub status: String,
    pub problems: String,
    pub annual_cap_prefix: Option<String>,
    pub annual_cap_g: Option<i64>,
    pub registered: bool,
    pub fulfilment: String,
}

const RECHECK_SELECT: &str = "SELECT p.id, p.tax_class, p.hs_code, p.stock, p.status, p.problems, \
     p.annual_cap_prefix, p.annual_cap_g, m.food_registration_no IS NOT NULL AS registered, m.fulfilment \
     FROM products p JOIN merchants m ON m.id = p.merchant_id ";

/// The re-check's query over `filter`. Where the engine locks rows, the products
/// it re-checks are locked (`OF p`: not their merchants), so that a product edit
/// committing in between waits and then retries over the new verdict (its version
/// moved); SQLite's write transaction already holds the one write lock.
fn recheck_sql<E: Engine>(filter: &str) -> Sql<'static> {
    let text = match E::FOR_UPDATE {
        Some(lock) => format!("{RECHECK_SELECT}{filter} {lock} OF p"),
        None => format!("{RECHECK_SELECT}{filter}"),
    };
    Sql::new(sqlx::AssertSqlSafe(text))
}

#[macro_export]
#[doc(hidden)]
macro_rules! positive_list_columns {
    () => {
        "hs_prefix, tax_class, bonded_only, annual_cap_g, description_en, description_zh"
    };
}

impl<E: Engine> SqlStore<E> {
    pub(crate) async fn load_positive_list(conn: &mut DbConn<E>) -> StoreResult<Vec<PositiveListEntry>> {
        let rows: Vec<PositiveListRow> =
            sql(concat!("SELECT ", crate::positive_list_columns!(), " FROM positive_list ORDER BY hs_prefix"))
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
        rows.into_iter().map(PositiveListEntry::try_from).collect()
    }

    /// Re-runs the listing check over `scope` and saves the products whose
    /// verdict changed (version bumped, a `product.updated` event each).
    /// Returns how many changed.
    pub(crate) async fn recheck_listings(
        conn: &mut DbConn<E>,
        scope: RecheckScope<'_>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let rows: Vec<RecheckRow> = match scope {
            RecheckScope::TaxClass(code) => {
                recheck_sql::<E>("WHERE p.tax_class = $1").bind(code).fetch_all(&mut *conn).await
            }
            RecheckScope::HsPrefix(prefix) => {
                recheck_sql::<E>("WHERE p.hs_code LIKE $1").bind(format!("{prefix}%")).fetch_all(&mut *conn).await
            }
            RecheckScope::Merchant(id) => {
                recheck_sql::<E>("WHERE p.merchant_id = $1").bind(id).fetch_all(&mut *conn).await
            }
            RecheckScope::All => recheck_sql::<E>("WHERE 1 = 1").fetch_all(&mut *conn).await,
        }
        .map_err(backend)?;
        if rows.is_empty() {
            return Ok(0);
        }
        let classes: Vec<TaxClass> = sql(concat!("SELECT ", crate::tax_class_columns!(), " FROM tax_classes"))
            .fetch_all::<TaxClassRow, _>(&mut *conn)
            .await
            .map_err(backend)?
            .into_iter()
            .map(TaxClass::from)
            .collect();
        let entries = Self::load_positive_list(&mut *conn).await?;
        let mut changed = 0;
        for row in rows {
            let class = classes.iter().find(|c| c.code == row.tax_class).ok_or_else(|| StoreError::Corrupt {
                field: "products.tax_class",
                message: format!("no tax class {}", row.tax_class),
            })?;
            let status = StoreError::decode("products.status", ProductStatus::parse(&row.status))?;
            let problems: Vec<ListingProblem> =
                StoreError::decode("products.problems", serde_json::from_str(&row.problems))?;
            let facts = ListingFacts {
                class,
                entry: longest_match(&entries, &row.hs_code),
                hs_code: &row.hs_code,
                merchant_has_food_registration: row.registered,
                fulfilment: StoreError::decode("merchants.fulfilment", Fulfilment::parse(&row.fulfilment))?,
            };
            let verdict = listing_verdict(&facts, status == ProductStatus::Delisted);
            let cap = verdict.annual_cap.as_ref().map(|c| (c.hs_prefix.clone(), c.grams));
            let stored_cap = row.annual_cap_prefix.clone().zip(row.annual_cap_g);
            if verdict.status == status && verdict.problems == problems && cap == stored_cap {
                continue;
            }
            sql("UPDATE products SET status = $1, problems = $2, annual_cap_prefix = $3, annual_cap_g = $4, \
                 version = version + 1, updated_at = $5 WHERE id = $6")
            .bind(verdict.status.as_str())
            .bind(problems_json(&verdict.problems)?)
            .bind(cap.as_ref().map(|c| c.0.as_str()))
            .bind(cap.as_ref().map(|c| c.1))
            .bind(at)
            .bind(row.id)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
            let payload = serde_json::json!({
                "product_id": row.id.to_string(), "status": verdict.status.as_str(), "stock": row.stock
            })
            .to_string();
            Self::insert_outbox(&mut *conn, "product.updated", row.id, payload, at).await?;
            changed += 1;
        }
        Ok(changed)
    }
}
