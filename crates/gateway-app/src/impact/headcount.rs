//! Yearly headcount reports: a merchant's owner says how many people the business
//! employs in a calendar year, once per year (reporting the year again replaces the
//! figure). The dashboard's "jobs reported by merchants" takes each exporting
//! merchant's report of its latest year, else its employees at sign-up.

use crate::{App, AppError, AppResult, Principal};
use chrono::{DateTime, Datelike, Utc};
use gateway_core::merchant::parse_employees;
use gateway_core::{FieldError, MerchantId};
use gateway_store::{HeadcountReport, Merchant, StoreError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct HeadcountInput {
    /// People employed in the year (0 to 1,000,000), owners who work in the business
    /// included.
    pub employees: Option<i64>,
}

/// One yearly report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HeadcountView {
    pub merchant_id: String,
    pub year: i32,
    pub employees: i64,
    pub reported_at: DateTime<Utc>,
}

impl From<HeadcountReport> for HeadcountView {
    fn from(r: HeadcountReport) -> Self {
        HeadcountView {
            merchant_id: r.merchant_id.to_string(),
            year: r.year,
            employees: r.employees,
            reported_at: r.reported_at,
        }
    }
}

/// What the headcount form shows: the merchant, the years it may report, and its
/// reports so far.
#[derive(Debug, Clone)]
pub struct HeadcountPage {
    pub merchant_id: MerchantId,
    pub display_name: String,
    /// Employees at sign-up, the figure used until a report exists.
    pub employees_at_signup: i64,
    /// From the sign-up year to the current year, latest first.
    pub years: Vec<i32>,
    pub reports: Vec<HeadcountView>,
}

/// The years a merchant may report: from the year it signed up (UTC) to the current
/// one. Earlier years would let an old figure pass for the latest; later ones have
/// not happened.
pub fn reportable_years(merchant: &Merchant, now: DateTime<Utc>) -> std::ops::RangeInclusive<i32> {
    merchant.created_at.year()..=now.year()
}

/// The year of a path (`/headcount/2026`), within [`reportable_years`].
fn parse_year(text: &str, years: &std::ops::RangeInclusive<i32>) -> Result<i32, FieldError> {
    let message = format!("must be a year from {} to {}", years.start(), years.end());
    let year: i32 = text.trim().parse().map_err(|_| FieldError::new("year", &message))?;
    if years.contains(&year) { Ok(year) } else { Err(FieldError::new("year", message)) }
}

impl App {
    /// The merchant's owner reports its headcount for `year` (the owner only: the
    /// figure is the business's own declaration).
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant_id))]
    pub async fn report_headcount(
        &self,
        who: &Principal,
        merchant_id: MerchantId,
        year: &str,
        input: HeadcountInput,
    ) -> AppResult<HeadcountView> {
        let merchant = self.merchant(merchant_id).await?;
        if who.user_id != merchant.owner_id {
            return Err(AppError::Forbidden("only the merchant's owner may report its headcount"));
        }
        let now = gateway_core::clock::now();
        let mut errors = Vec::new();
        let year = parse_year(year, &reportable_years(&merchant, now)).map_err(|e| errors.push(e)).ok();
        let employees = match input.employees {
            None => {
                errors.push(FieldError::new("employees", "is required"));
                None
            }
            Some(n) => parse_employees(n).map_err(|e| errors.push(FieldError::new("employees", e))).ok(),
        };
        let (Some(year), Some(employees)) = (year, employees) else {
            return Err(AppError::Validation(errors));
        };
        let report = HeadcountReport { merchant_id, year, employees, reported_at: now };
        let saved = self.store.save_headcount(report).await.map_err(|e| match e {
            StoreError::NotFound => AppError::NotFound("merchant"),
            other => other.into(),
        })?;
        tracing::info!(merchant.id = %merchant_id, year, "headcount reported");
        Ok(saved.into())
    }

    /// A merchant's reports, latest year first (its owner and operators).
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant_id))]
    pub async fn headcount_reports(&self, who: &Principal, merchant_id: MerchantId) -> AppResult<Vec<HeadcountView>> {
        let merchant = self.merchant(merchant_id).await?;
        if !crate::merchants::is_owner_or_operator(Some(who), &merchant) {
            return Err(AppError::Forbidden("this merchant belongs to another account"));
        }
        Ok(self.store.headcount_reports(merchant_id).await?.into_iter().map(HeadcountView::from).collect())
    }

    /// The signed-in merchant user's headcount form: `NotFound("merchant")` until the
    /// business is registered.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn my_headcount(&self, who: &Principal) -> AppResult<HeadcountPage> {
        who.require(gateway_core::user::Role::Merchant)?;
        let merchant = self.store.merchant_by_owner(who.user_id).await?.ok_or(AppError::NotFound("merchant"))?;
        let reports = self.store.headcount_reports(merchant.id).await?.into_iter().map(HeadcountView::from).collect();
        let years = reportable_years(&merchant, gateway_core::clock::now()).rev().collect();
        Ok(HeadcountPage {
            merchant_id: merchant.id,
            display_name: merchant.profile.display_name_en,
            employees_at_signup: merchant.profile.employees,
            years,
            reports,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_checked_against_the_range() {
        let years = 2025..=2027;
        assert_eq!(parse_year("2026", &years), Ok(2026));
        assert_eq!(parse_year(" 2027 ", &years), Ok(2027));
        for bad in ["2024", "2028", "20x6", "", "-2026", "99999999999"] {
            let e = parse_year(bad, &years).unwrap_err();
            assert_eq!((e.field.as_str(), e.message.as_str()), ("year", "must be a year from 2025 to 2027"), "{bad}");
        }
    }
}
