//! The four customs documents of one order, as typed values built from the order.
//!
//! Element names and their order follow China Customs' CEB message standard for
//! cross-border e-commerce retail imports (跨境电子商务进口统一版 报文规范, namespace
//! `http://www.chinaport.gov.cn/ceb`), as published in the entity classes and samples of
//! the public repository `Weasley-J/chinaport-data-signature`
//! (`chinaport-data-signature-data-model/.../model/cebmessage/OrderHead.java`,
//! `OrderList.java`, `InventoryHead.java`, `InventoryList.java`, and the CEB311/CEB621
//! samples in `chinaport-data-signature-app/src/test/.../Upload311XmlTests.java`,
//! `Upload621XmlTests.java`), cross-checked with other public CEB311/411/511/621 message
//! writers for the CEB411 `PaymentHead` and CEB511 `LogisticsHead` lists. Each struct
//! below lists its fields in the message's order; `xml.rs` writes them in that order.
//!
//! Gateway fills what it knows; fields that customs or the e-port assign later (`preNo`,
//! `invtNo`) or that Gateway has no data for (`consigneeDistrict`, `barCode`) are left out
//! (they are optional in the standard) rather than invented.

use super::CustomsSettings;
use super::codes;
use chrono::{DateTime, FixedOffset, Utc};
use gateway_core::decimal::format_scaled;
use gateway_core::merchant::Fulfilment;
use gateway_core::product::ContentUnit;
use gateway_core::{Cny, ProductId};
use gateway_store::{Merchant, Order, Product};
use sha2::{Digest, Sha256};

/// The buyer (订购人) as customs must see them: the verified identity with the ID number
/// decrypted. Only the customs documents carry the full number.
#[derive(Clone, PartialEq, Eq)]
pub struct Buyer {
    /// The buyer's registration number on the platform (their user id).
    pub reg_no: String,
    pub name: String,
    pub id_number: String,
    pub telephone: String,
}

/// Personal data stays out of logs.
impl std::fmt::Debug for Buyer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Buyer").field("reg_no", &self.reg_no).finish_non_exhaustive()
    }
}

/// Catalog facts of a line's product that the order line does not keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFacts {
    pub origin_country: String,
    pub weight_g: i64,
    pub net_content_milli: i64,
    pub net_content_unit: ContentUnit,
}

impl From<&Product> for ProductFacts {
    fn from(p: &Product) -> Self {
        ProductFacts {
            origin_country: p.fields.origin_country.clone(),
            weight_g: p.fields.weight_g,
            net_content_milli: p.fields.net_content_milli,
            net_content_unit: p.fields.net_content_unit,
        }
    }
}

/// Everything the documents are built from.
pub struct Facts<'a> {
    pub order: &'a Order,
    pub merchant: &'a Merchant,
    pub buyer: &'a Buyer,
    /// The products of the order's lines (looked up by id; a missing one leaves its
    /// line's country empty, which the check reports).
    pub products: &'a [(ProductId, ProductFacts)],
    pub settings: &'a CustomsSettings,
    /// When the documents are produced (their `appTime`).
    pub now: DateTime<Utc>,
}

/// The head fields every CEB business message starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppHead {
    /// 36 characters, capitals: derived from the order and the message kind, so the
    /// same order always gives the same guid.
    pub guid: String,
    /// 1 = new declaration.
    pub app_type: &'static str,
    /// yyyyMMddHHmmss, China time.
    pub app_time: String,
    /// 2 = declared (1 would be a draft).
    pub app_status: &'static str,
}

/// `BaseTransfer`: who sends the message over the e-port's data exchange (DXP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseTransfer {
    pub cop_code: String,
    pub cop_name: String,
    pub dxp_mode: &'static str,
    pub dxp_id: String,
}

/// CEB311 import order message: `Order` = `OrderHead` + one `OrderList` per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ceb311 {
    pub guid: String,
    pub head: OrderHead,
    pub lines: Vec<OrderItem>,
    pub transfer: BaseTransfer,
}

/// `OrderHead`, in the message's order: guid, appType, appTime, appStatus, orderType,
/// orderNo, ebpCode, ebpName, ebcCode, ebcName, goodsValue, freight, discount, taxTotal,
/// acturalPaid (the standard's spelling), currency, buyerRegNo, buyerName,
/// buyerTelephone, buyerIdType, buyerIdNumber, payCode, payName, payTransactionId,
/// batchNumbers, consignee, consigneeTelephone, consigneeAddress, consigneeDistrict, note.
/// (Published samples spell the district element both `consigneeDistrict` and
/// `consigneeDitrict`; Gateway has no district code to send and leaves it out.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderHead {
    pub app: AppHead,
    /// I = import.
    pub order_type: &'static str,
    pub order_no: String,
    pub ebp_code: String,
    pub ebp_name: String,
    pub ebc_code: String,
    pub ebc_name: String,
    pub goods_value: Cny,
    pub freight: Cny,
    pub discount: Cny,
    pub tax_total: Cny,
    pub actural_paid: Cny,
    pub currency: &'static str,
    pub buyer_reg_no: String,
    pub buyer_name: String,
    pub buyer_telephone: String,
    /// 1 = resident identity card.
    pub buyer_id_type: &'static str,
    pub buyer_id_number: String,
    pub pay_code: String,
    pub pay_name: String,
    pub pay_transaction_id: String,
    pub batch_numbers: Option<String>,
    pub consignee: String,
    pub consignee_telephone: String,
    pub consignee_address: String,
    pub consignee_district: Option<String>,
    pub note: Option<String>,
}

/// `OrderList`: gnum, itemNo, itemName, gmodel, itemDescribe, barCode, unit, qty, price,
/// totalPrice, currency, country, note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    pub gnum: usize,
    pub item_no: String,
    pub item_name: String,
    pub gmodel: String,
    pub item_describe: Option<String>,
    pub bar_code: Option<String>,
    pub unit: &'static str,
    pub qty: i64,
    pub price: Cny,
    pub total_price: Cny,
    pub currency: &'static str,
    /// Country of origin; empty when the code table does not know it.
    pub country: String,
    pub note: Option<String>,
}

/// CEB411 payment voucher: `Payment` = `PaymentHead`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ceb411 {
    pub guid: String,
    pub head: PaymentHead,
    pub transfer: BaseTransfer,
}

/// `PaymentHead`: guid, appType, appTime, appStatus, payCode, payName,
/// payTransactionId, orderNo, ebpCode, ebpName, payerIdType, payerIdNumber, payerName,
/// telephone, amountPaid, currency, payTime, note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentHead {
    pub app: AppHead,
    pub pay_code: String,
    pub pay_name: String,
    pub pay_transaction_id: String,
    pub order_no: String,
    pub ebp_code: String,
    pub ebp_name: String,
    pub payer_id_type: &'static str,
    pub payer_id_number: String,
    pub payer_name: String,
    pub telephone: String,
    pub amount_paid: Cny,
    pub currency: &'static str,
    /// yyyyMMddHHmmss, China time.
    pub pay_time: String,
    pub note: Option<String>,
}

/// CEB511 waybill: `Logistics` = `LogisticsHead`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ceb511 {
    pub guid: String,
    pub head: LogisticsHead,
    pub transfer: BaseTransfer,
}

/// `LogisticsHead`: guid, appType, appTime, appStatus, logisticsCode, logisticsName,
/// logisticsNo, billNo, orderNo, freight, insuredFee, currency, weight, packNo,
/// goodsInfo, consignee, consigneeAddress, consigneeTelephone, note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogisticsHead {
    pub app: AppHead,
    pub logistics_code: String,
    pub logistics_name: String,
    /// The tracking number: absent until the merchant ships.
    pub logistics_no: Option<String>,
    pub bill_no: Option<String>,
    pub order_no: String,
    pub freight: Cny,
    pub insured_fee: Cny,
    pub currency: &'static str,
    /// Gross weight in grams (written in kilograms).
    pub weight_g: i64,
    pub pack_no: i64,
    pub goods_info: String,
    pub consignee: String,
    pub consignee_address: String,
    pub consignee_telephone: String,
    pub note: Option<String>,
}

/// CEB621 import inventory list: `Inventory` = `InventoryHead` + one `InventoryList` per
/// line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ceb621 {
    pub guid: String,
    pub head: InventoryHead,
    pub lines: Vec<InventoryItem>,
    pub transfer: BaseTransfer,
}

/// `InventoryHead`: guid, appType, appTime, appStatus, orderNo, ebpCode, ebpName,
/// ebcCode, ebcName, logisticsNo, logisticsCode, logisticsName, copNo, preNo,
/// assureCode, emsNo, invtNo, ieFlag, declTime, customsCode, portCode, ieDate,
/// buyerIdType, buyerIdNumber, buyerName, buyerTelephone, consigneeAddress, agentCode,
/// agentName, areaCode, areaName, tradeMode, trafMode, trafNo, voyageNo, billNo, loctNo,
/// licenseNo, country, freight, insuredFee, currency, wrapType, packNo, grossWeight,
/// netWeight, note. (trafNo … licenseNo and wrapType are optional and not written.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryHead {
    pub app: AppHead,
    pub order_no: String,
    pub ebp_code: String,
    pub ebp_name: String,
    pub ebc_code: String,
    pub ebc_name: String,
    pub logistics_no: Option<String>,
    pub logistics_code: String,
    pub logistics_name: String,
    /// The company's own number for the list (at most 20 characters).
    pub cop_no: String,
    /// Assigned by the e-port on receipt.
    pub pre_no: Option<String>,
    pub assure_code: String,
    /// The bonded account book (bonded imports only).
    pub ems_no: Option<String>,
    /// Assigned by customs on clearance.
    pub invt_no: Option<String>,
    /// I = import.
    pub ie_flag: &'static str,
    /// yyyyMMdd.
    pub decl_time: String,
    pub customs_code: String,
    pub port_code: String,
    /// yyyyMMdd.
    pub ie_date: String,
    pub buyer_id_type: &'static str,
    pub buyer_id_number: String,
    pub buyer_name: String,
    pub buyer_telephone: String,
    pub consignee_address: String,
    pub agent_code: String,
    pub agent_name: String,
    pub area_code: Option<String>,
    pub area_name: Option<String>,
    /// 9610 direct mail, 1210 bonded.
    pub trade_mode: &'static str,
    pub traf_mode: &'static str,
    /// Country of departure.
    pub country: &'static str,
    pub freight: Cny,
    pub insured_fee: Cny,
    pub currency: &'static str,
    pub pack_no: i64,
    pub gross_weight_g: i64,
    pub net_weight_g: i64,
    pub note: Option<String>,
}

/// `InventoryList`: gnum, itemRecordNo, itemNo, itemName, gcode, gname, gmodel, barCode,
/// country, currency, qty, unit, qty1, unit1, qty2, unit2, price, totalPrice, note.
/// (qty2/unit2, the second legal unit, are optional and not written.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryItem {
    pub gnum: usize,
    pub item_record_no: Option<String>,
    pub item_no: String,
    pub item_name: String,
    /// HS code (8 or 10 digits).
    pub gcode: String,
    pub gname: String,
    pub gmodel: String,
    pub bar_code: Option<String>,
    pub country: String,
    pub currency: &'static str,
    pub qty: i64,
    pub unit: &'static str,
    /// The legal quantity as a decimal (at most 5 places).
    pub qty1: String,
    pub unit1: &'static str,
    pub price: Cny,
    pub total_price: Cny,
    pub note: Option<String>,
}

/// The four documents of one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Documents {
    pub ceb311: Ceb311,
    pub ceb411: Ceb411,
    pub ceb511: Ceb511,
    pub ceb621: Ceb621,
}

fn china(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!());
    at.with_timezone(&offset)
}

/// yyyyMMddHHmmss in China time, the standard's timestamp form.
pub fn app_time(at: DateTime<Utc>) -> String {
    china(at).format("%Y%m%d%H%M%S").to_string()
}

/// yyyyMMdd in China time.
pub fn app_date(at: DateTime<Utc>) -> String {
    china(at).format("%Y%m%d").to_string()
}

/// A stable 36-character capital guid for `kind` of `order_no`, in the UUID layout.
pub fn guid(order_no: &str, kind: &str) -> String {
    let digest = Sha256::digest(format!("gateway customs {kind} {order_no}").as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02X}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// The order's number as customs sees it: the order id.
pub fn order_no(order: &Order) -> String {
    order.id.to_string()
}

/// The list's company number (copNo, at most 20 characters): "GW" and the last 18 hex
/// digits of the order id (the random part of a UUIDv7).
pub fn cop_no(order: &Order) -> String {
    let simple = order.id.as_uuid().simple().to_string().to_uppercase();
    format!("GW{}", &simple[simple.len() - 18..])
}

/// The delivery address on one line, as the waybill prints it.
pub fn full_address(order: &Order) -> String {
    let a = &order.address;
    format!("{}{}{}{}", a.province, a.city, a.district, a.street)
}

/// A line's name for customs: its Chinese title when it has one (交易平台销售商品的中文名称).
fn item_name(title_en: &str, title_zh: Option<&str>) -> String {
    title_zh.filter(|t| !t.trim().is_empty()).unwrap_or(title_en).to_string()
}

/// The declared specification (gmodel): the net content per unit, e.g. "500 g".
fn gmodel(facts: Option<&ProductFacts>, title_en: &str) -> String {
    match facts {
        Some(p) => {
            let unit = match p.net_content_unit {
                ContentUnit::Gram => "g",
                ContentUnit::Millilitre => "ml",
                ContentUnit::Piece => "piece",
            };
            format!("{} {unit}", gateway_core::decimal::format_scaled_trimmed(p.net_content_milli, 3))
        }
        None => title_en.to_string(),
    }
}

/// The legal quantity of `qty` units: net content × qty, grams in kilograms and
/// millilitres in litres (5 places, half up), pieces as a whole number.
fn legal_qty(p: &ProductFacts, qty: i64) -> String {
    let milli = p.net_content_milli.saturating_mul(qty);
    match p.net_content_unit {
        // thousandths of a gram = millionths of a kilogram; round to 5 places.
        ContentUnit::Gram | ContentUnit::Millilitre => format_scaled((milli + 5) / 10, 5),
        ContentUnit::Piece => (milli / 1000).to_string(),
    }
}

/// Net weight of `qty` units in grams: the net content for goods sold by weight, the
/// shipping weight otherwise.
fn net_weight_g(p: &ProductFacts, qty: i64) -> i64 {
    match p.net_content_unit {
        ContentUnit::Gram => p.net_content_milli.saturating_mul(qty) / 1000,
        _ => p.weight_g.saturating_mul(qty),
    }
}

/// Builds the four documents of an order.
pub fn build(f: &Facts<'_>) -> Documents {
    let order = f.order;
    let s = f.settings;
    let order_no = order_no(order);
    let app =
        |kind: &str| AppHead { guid: guid(&order_no, kind), app_type: "1", app_time: app_time(f.now), app_status: "2" };
    let transfer = BaseTransfer {
        cop_code: s.ebp_code.clone(),
        cop_name: s.ebp_name.clone(),
        dxp_mode: "DXP",
        dxp_id: s.dxp_id.clone(),
    };
    let facts = |id: ProductId| f.products.iter().find(|(pid, _)| *pid == id).map(|(_, p)| p);
    let country_of =
        |p: Option<&ProductFacts>| p.and_then(|p| codes::country(&p.origin_country)).unwrap_or_default().to_string();
    let address = full_address(order);
    let logistics_name = order.carrier.clone().unwrap_or_else(|| s.logistics_name.clone());
    let tracking = order.tracking_no.clone().filter(|t| !t.trim().is_empty());
    let a = order.amounts;
    let fulfilment = f.merchant.profile.fulfilment;

    let ceb311 = Ceb311 {
        guid: guid(&order_no, "CEB311"),
        head: OrderHead {
            app: app("CEB311"),
            order_type: "I",
            order_no: order_no.clone(),
            ebp_code: s.ebp_code.clone(),
            ebp_name: s.ebp_name.clone(),
            ebc_code: s.ebc_code.clone(),
            ebc_name: f.merchant.profile.legal_name.clone(),
            goods_value: a.goods,
            freight: a.freight,
            discount: Cny::ZERO,
            tax_total: order.tax,
            actural_paid: order.total,
            currency: codes::CURRENCY_CNY,
            buyer_reg_no: f.buyer.reg_no.clone(),
            buyer_name: f.buyer.name.clone(),
            buyer_telephone: f.buyer.telephone.clone(),
            buyer_id_type: "1",
            buyer_id_number: f.buyer.id_number.clone(),
            pay_code: s.pay_code.clone(),
            pay_name: s.pay_name.clone(),
            pay_transaction_id: order.payment_provider_ref.clone(),
            batch_numbers: None,
            consignee: order.address.recipient.clone(),
            consignee_telephone: order.address.phone.clone(),
            consignee_address: address.clone(),
            consignee_district: None,
            note: None,
        },
        lines: order
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let p = facts(l.product_id);
                OrderItem {
                    gnum: i + 1,
                    item_no: l.sku.clone(),
                    item_name: item_name(&l.title_en, l.title_zh.as_deref()),
                    gmodel: gmodel(p, &l.title_en),
                    item_describe: Some(l.title_en.clone()),
                    bar_code: None,
                    unit: codes::unit::PIECE,
                    qty: l.quantity,
                    price: l.unit_price,
                    total_price: l.amounts.goods,
                    currency: codes::CURRENCY_CNY,
                    country: country_of(p),
                    note: None,
                }
            })
            .collect(),
        transfer: transfer.clone(),
    };

    let ceb411 = Ceb411 {
        guid: guid(&order_no, "CEB411"),
        head: PaymentHead {
            app: app("CEB411"),
            pay_code: s.pay_code.clone(),
            pay_name: s.pay_name.clone(),
            pay_transaction_id: order.payment_provider_ref.clone(),
            order_no: order_no.clone(),
            ebp_code: s.ebp_code.clone(),
            ebp_name: s.ebp_name.clone(),
            payer_id_type: "1",
            // The payer is the buyer: checkout refuses a payment whose payer's identity
            // (the provider reports its keyed hash) differs from the buyer's (SPEC 4).
            payer_id_number: f.buyer.id_number.clone(),
            payer_name: f.buyer.name.clone(),
            telephone: f.buyer.telephone.clone(),
            amount_paid: order.total,
            currency: codes::CURRENCY_CNY,
            pay_time: app_time(order.created_at),
            note: None,
        },
        transfer: BaseTransfer { cop_code: s.pay_code.clone(), cop_name: s.pay_name.clone(), ..transfer.clone() },
    };

    let goods_info = order
        .lines
        .iter()
        .map(|l| format!("{}*{}", item_name(&l.title_en, l.title_zh.as_deref()), l.quantity))
        .collect::<Vec<_>>()
        .join(";");
    let ceb511 = Ceb511 {
        guid: guid(&order_no, "CEB511"),
        head: LogisticsHead {
            app: app("CEB511"),
            logistics_code: s.logistics_code.clone(),
            logistics_name: logistics_name.clone(),
            logistics_no: tracking.clone(),
            bill_no: None,
            order_no: order_no.clone(),
            freight: a.freight,
            insured_fee: Cny::ZERO,
            currency: codes::CURRENCY_CNY,
            weight_g: order.weight_g,
            pack_no: 1,
            goods_info,
            consignee: order.address.recipient.clone(),
            consignee_address: address.clone(),
            consignee_telephone: order.address.phone.clone(),
            note: None,
        },
        transfer: BaseTransfer {
            cop_code: s.logistics_code.clone(),
            cop_name: logistics_name.clone(),
            ..transfer.clone()
        },
    };

    let inventory_lines: Vec<InventoryItem> = order
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let p = facts(l.product_id);
            InventoryItem {
                gnum: i + 1,
                item_record_no: None,
                item_no: l.sku.clone(),
                item_name: item_name(&l.title_en, l.title_zh.as_deref()),
                gcode: l.hs_code.clone(),
                gname: item_name(&l.title_en, l.title_zh.as_deref()),
                gmodel: gmodel(p, &l.title_en),
                bar_code: None,
                country: country_of(p),
                currency: codes::CURRENCY_CNY,
                qty: l.quantity,
                unit: codes::unit::PIECE,
                qty1: p.map(|p| legal_qty(p, l.quantity)).unwrap_or_else(|| l.quantity.to_string()),
                unit1: p.map(|p| codes::legal_unit(p.net_content_unit)).unwrap_or(codes::unit::PIECE),
                price: l.unit_price,
                total_price: l.amounts.goods,
                note: None,
            }
        })
        .collect();
    let net_weight: i64 =
        order.lines.iter().filter_map(|l| facts(l.product_id).map(|p| net_weight_g(p, l.quantity))).sum();
    let ship_date = order.shipped_at.unwrap_or(f.now);
    let ceb621 = Ceb621 {
        guid: guid(&order_no, "CEB621"),
        head: InventoryHead {
            app: app("CEB621"),
            order_no: order_no.clone(),
            ebp_code: s.ebp_code.clone(),
            ebp_name: s.ebp_name.clone(),
            ebc_code: s.ebc_code.clone(),
            ebc_name: f.merchant.profile.legal_name.clone(),
            logistics_no: tracking,
            logistics_code: s.logistics_code.clone(),
            logistics_name,
            cop_no: cop_no(order),
            pre_no: None,
            assure_code: s.assure_code.clone(),
            ems_no: match fulfilment {
                Fulfilment::Bonded => s.ems_no.clone(),
                Fulfilment::DirectMail => None,
            },
            invt_no: None,
            ie_flag: "I",
            decl_time: app_date(f.now),
            customs_code: s.customs_code.clone(),
            port_code: s.port_code.clone(),
            ie_date: app_date(ship_date),
            buyer_id_type: "1",
            buyer_id_number: f.buyer.id_number.clone(),
            buyer_name: f.buyer.name.clone(),
            buyer_telephone: f.buyer.telephone.clone(),
            consignee_address: address,
            agent_code: s.agent_code.clone(),
            agent_name: s.agent_name.clone(),
            area_code: None,
            area_name: None,
            trade_mode: codes::trade_mode(fulfilment),
            traf_mode: codes::transport_mode(fulfilment),
            country: codes::departure_country(fulfilment),
            freight: a.freight,
            insured_fee: Cny::ZERO,
            currency: codes::CURRENCY_CNY,
            pack_no: 1,
            gross_weight_g: order.weight_g,
            net_weight_g: net_weight.min(order.weight_g),
            note: None,
        },
        lines: inventory_lines,
        transfer,
    };

    Documents { ceb311, ceb411, ceb511, ceb621 }
}
