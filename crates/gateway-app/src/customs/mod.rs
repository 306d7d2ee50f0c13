//! Customs data per order (SPEC 6, issue 6): the CEB311 import order, the CEB621 import
//! inventory list, and the CEB411 payment and CEB511 waybill they must agree with, as
//! China Customs' CEB XML; and the three-document check run before anything is
//! exported. For the order's merchant and operators only (SPEC 9): the documents carry
//! the buyer's full ID number, which nowhere else leaves the vault.
//!
//! Nothing is sent to customs: signing needs a customs-issued key (`signing.rs`).

pub mod check;
pub mod codes;
pub mod documents;
pub mod signing;
pub mod xml;

use crate::{App, AppError, AppResult, Principal};
use documents::{Buyer, Documents, Facts, ProductFacts};
use gateway_core::OrderId;
use gateway_core::payment::DeclarationStatus;
use gateway_core::user::Role;
use gateway_store::StoreError;
use serde::Serialize;

/// The platform's and its partners' customs registrations. Every default is a
/// placeholder (they start with "GATEWAY-") that an operator replaces with the codes
/// customs registered; the documents are well formed with them but customs would refuse
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomsSettings {
    /// 电商平台 (e-commerce platform): Gateway's customs registration code and name.
    pub ebp_code: String,
    pub ebp_name: String,
    /// 电商企业 (e-commerce company) code: the US merchants declare through the
    /// platform's registered domestic agent; the name written is the merchant's.
    pub ebc_code: String,
    /// 支付企业 (payment company).
    pub pay_code: String,
    pub pay_name: String,
    /// 物流企业 (logistics company); the name defaults to the order's carrier.
    pub logistics_code: String,
    pub logistics_name: String,
    /// 申报海关 and 口岸海关: four-digit customs district codes.
    pub customs_code: String,
    pub port_code: String,
    /// 申报企业 (declaring agent) and 担保企业 (guarantor).
    pub agent_code: String,
    pub agent_name: String,
    pub assure_code: String,
    /// The bonded warehouse's account book (1210 only), if any.
    pub ems_no: Option<String>,
    /// The sender's id on the e-port's data exchange (DXP).
    pub dxp_id: String,
}

impl Default for CustomsSettings {
    fn default() -> Self {
        CustomsSettings {
            ebp_code: "GATEWAY-EBP".into(),
            ebp_name: "Gateway".into(),
            ebc_code: "GATEWAY-EBC".into(),
            pay_code: "GATEWAY-PAY".into(),
            pay_name: "Gateway sandbox payments".into(),
            logistics_code: "GATEWAY-LOG".into(),
            logistics_name: "Gateway logistics".into(),
            customs_code: "0000".into(),
            port_code: "0000".into(),
            agent_code: "GATEWAY-AGENT".into(),
            agent_name: "Gateway".into(),
            assure_code: "GATEWAY-EBP".into(),
            ems_no: None,
            dxp_id: "GATEWAY-DXP".into(),
        }
    }
}

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// CEB311 import order message.
    Ceb311,
    /// CEB411 payment voucher.
    Ceb411,
    /// CEB511 waybill.
    Ceb511,
    /// CEB621 import inventory list.
    Ceb621,
}

impl DocumentKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "ceb311" => Some(Self::Ceb311),
            "ceb411" => Some(Self::Ceb411),
            "ceb511" => Some(Self::Ceb511),
            "ceb621" => Some(Self::Ceb621),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ceb311 => "ceb311",
            Self::Ceb411 => "ceb411",
            Self::Ceb511 => "ceb511",
            Self::Ceb621 => "ceb621",
        }
    }
}

/// The documents of `d` as XML.
pub fn to_xml(d: &Documents, kind: DocumentKind) -> String {
    match kind {
        DocumentKind::Ceb311 => xml::ceb311(&d.ceb311),
        DocumentKind::Ceb411 => xml::ceb411(&d.ceb411),
        DocumentKind::Ceb511 => xml::ceb511(&d.ceb511),
        DocumentKind::Ceb621 => xml::ceb621(&d.ceb621),
    }
}

/// The answer of the check.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CustomsCheckView {
    /// True when the documents agree and may be exported.
    pub ok: bool,
    pub failures: Vec<check::Failure>,
}

fn corrupt(field: &'static str, message: &str) -> AppError {
    AppError::Internal(StoreError::Corrupt { field, message: message.into() })
}

impl App {
    /// The order's four documents, for its merchant and operators. Unknown order: 404;
    /// anyone else (its buyer included): 403.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, order.id = %id))]
    pub async fn customs_documents(&self, who: &Principal, id: OrderId) -> AppResult<Documents> {
        let order = self.store.order(id).await?.ok_or(AppError::NotFound("order"))?;
        let merchant = self.merchant(order.merchant_id).await?;
        let allowed = match who.role {
            Role::Operator => true,
            Role::Merchant => merchant.owner_id == who.user_id,
            Role::Consumer => false,
        };
        if !allowed {
            return Err(AppError::Forbidden("customs data is for the order's merchant and operators"));
        }
        // Checkout requires a verified identity, so every order's buyer has one.
        let identity = self
            .store
            .identity(order.buyer_id)
            .await?
            .ok_or_else(|| corrupt("identities", "the buyer of an order has no identity"))?;
        let id_number = self.vault.decrypt(&identity.id_number_cipher).ok_or_else(|| {
            corrupt("identities.id_number_cipher", "does not decrypt with the configured identity key")
        })?;
        let buyer = Buyer {
            reg_no: order.buyer_id.to_string(),
            name: identity.real_name,
            id_number,
            telephone: identity.phone,
        };
        let ids: Vec<_> = order.lines.iter().map(|l| l.product_id).collect();
        let products: Vec<_> =
            self.store.products_by_ids(&ids).await?.iter().map(|p| (p.id, ProductFacts::from(p))).collect();
        let facts = Facts {
            order: &order,
            merchant: &merchant,
            buyer: &buyer,
            products: &products,
            settings: &self.settings.customs,
            now: gateway_core::clock::now(),
        };
        Ok(documents::build(&facts))
    }

    /// One document as XML (unsigned: see `signing`).
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, order.id = %id))]
    pub async fn customs_document(&self, who: &Principal, id: OrderId, kind: DocumentKind) -> AppResult<String> {
        let docs = self.customs_documents(who, id).await?;
        tracing::info!(order.id = %id, customs.document = kind.as_str(), "customs document produced");
        Ok(to_xml(&docs, kind))
    }

    /// The three-document check of the order's documents.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, order.id = %id))]
    pub async fn customs_check(&self, who: &Principal, id: OrderId) -> AppResult<CustomsCheckView> {
        let docs = self.customs_documents(who, id).await?;
        let mut failures = check::check(&docs);
        let order = self.store.order(id).await?.ok_or(AppError::NotFound("order"))?;
        failures.extend(self.payment_record_failures(&order).await?);
        Ok(CustomsCheckView { ok: failures.is_empty(), failures })
    }

    /// What the payment's own records say beside the documents: its declaration to
    /// customs refused or not yet cleared (the payment document is the wallet's to
    /// send), and a buyer whose verified identity is no longer the payer's.
    async fn payment_record_failures(&self, order: &gateway_store::Order) -> AppResult<Vec<check::Failure>> {
        let mut out = Vec::new();
        let declarations = self.store.declarations_of_payment(order.payment_id).await?;
        if let Some(d) = declarations.iter().find(|d| d.order_id == order.id) {
            let verdict = d.result_code.as_deref().or(d.result_desc.as_deref()).unwrap_or("no reason given");
            match d.status {
                DeclarationStatus::Accepted => {}
                DeclarationStatus::Refused => out.push(check::Failure {
                    code: "payment_declaration_refused",
                    message: format!("customs refused the payment's declaration: {verdict}"),
                    document: "ceb411",
                }),
                DeclarationStatus::Requested | DeclarationStatus::Submitted => out.push(check::Failure {
                    code: "payment_declaration_pending",
                    message: "the payment's declaration to customs has no verdict yet".into(),
                    document: "ceb411",
                }),
            }
        }
        let identity = self.store.identity(order.buyer_id).await?;
        if identity.is_some_and(|i| i.id_number_hash != order.payer_id_number_hash) {
            out.push(check::Failure {
                code: "payer_identity_changed",
                message: "the buyer's verified identity changed after the order: it is no longer the payer's".into(),
                document: "ceb411",
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
