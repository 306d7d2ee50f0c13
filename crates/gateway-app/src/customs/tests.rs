//! Building the four documents from an order, writing and parsing them back, and the
//! three-document check with each failure provoked.

use super::check::check;
use super::documents::{self, Buyer, Documents, Facts, ProductFacts};
use super::xml::{self, Parsed};
use super::{CustomsSettings, DocumentKind, to_xml};
use chrono::{TimeZone, Utc};
use gateway_core::merchant::{Fulfilment, MerchantKind, MerchantStatus, UsState};
use gateway_core::order::OrderStatus;
use gateway_core::product::ContentUnit;
use gateway_core::{Cny, MerchantId, OrderId, PaymentId, ProductId, UserId};
use gateway_store::{Address, Amounts, Merchant, MerchantProfile, Order, OrderLine};

fn cny(fen: i64) -> Cny {
    Cny::from_minor(fen)
}

fn merchant(fulfilment: Fulfilment) -> Merchant {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    Merchant {
        id: MerchantId::new(),
        owner_id: UserId::new(),
        profile: MerchantProfile {
            legal_name: "Prairie <Maple> & Co".into(),
            display_name_en: "Prairie Maple".into(),
            display_name_zh: None,
            kind: MerchantKind::Farm,
            state: UsState::parse("IA").unwrap(),
            city: "Ames".into(),
            zip: "50010".into(),
            employees: 4,
            exported_before: false,
            fulfilment,
            food_registration_no: Some("CUSA123".into()),
            story_en: None,
            story_zh: None,
        },
        status: MerchantStatus::Active,
        created_at: at,
        updated_at: at,
    }
}

fn line(product_id: ProductId, sku: &str, qty: i64, unit_fen: i64, freight: i64, vat: i64) -> OrderLine {
    OrderLine {
        product_id,
        sku: sku.into(),
        title_en: format!("{sku} syrup"),
        title_zh: Some("枫糖浆".into()),
        tax_class: "agri".into(),
        hs_code: "1702200000".into(),
        quantity: qty,
        unit_price_usd_cents: 1000,
        unit_price: cny(unit_fen),
        amounts: Amounts {
            goods: cny(unit_fen * qty),
            freight: cny(freight),
            duty: Cny::ZERO,
            consumption_tax: Cny::ZERO,
            vat: cny(vat),
        },
    }
}

struct Fixture {
    order: Order,
    merchant: Merchant,
    buyer: Buyer,
    products: Vec<(ProductId, ProductFacts)>,
    settings: CustomsSettings,
}

fn fixture(shipped: bool) -> Fixture {
    let (p1, p2) = (ProductId::new(), ProductId::new());
    // 2 × 71.00 + 1 × 35.50 = 177.50 goods; freight 60.00 split 45.00/15.00.
    let lines = vec![line(p1, "MAPLE-1", 2, 7100, 4500, 1683), line(p2, "MAPLE-2", 1, 3550, 1500, 463)];
    let created = Utc.with_ymd_and_hms(2026, 11, 20, 16, 30, 5).unwrap();
    let order = Order {
        id: OrderId::new(),
        payment_id: PaymentId::new(),
        buyer_id: UserId::new(),
        merchant_id: MerchantId::new(),
        status: if shipped { OrderStatus::Shipped } else { OrderStatus::Paid },
        regime: "cbec".into(),
        fx_rate_micros: 7_100_000,
        amounts: Amounts {
            goods: cny(17_750),
            freight: cny(6_000),
            duty: Cny::ZERO,
            consumption_tax: Cny::ZERO,
            vat: cny(2_146),
        },
        tax: cny(2_146),
        total: cny(25_896),
        weight_g: 1_600,
        quota_year: 2026,
        address: Address {
            recipient: "张三".into(),
            phone: "13800138000".into(),
            province: "上海市".into(),
            city: "上海市".into(),
            district: "浦东新区".into(),
            street: "世纪大道100号 <A&B>".into(),
            postal_code: "200120".into(),
        },
        carrier: shipped.then(|| "USPS".to_string()),
        tracking_no: shipped.then(|| "LZ123456789US".to_string()),
        lines,
        payment_status: "captured".into(),
        payment_provider_ref: "sbx_0123456789abcdef".into(),
        payment_method: gateway_core::payment::PaymentMethod::Sandbox,
        payer_id_number_hash: vec![7; 32],
        cancel_reason: None,
        created_at: created,
        updated_at: created,
        shipped_at: shipped.then_some(created),
        delivered_at: None,
        closed_at: None,
    };
    let facts = |milli, unit| ProductFacts {
        origin_country: "US".into(),
        weight_g: 600,
        net_content_milli: milli,
        net_content_unit: unit,
    };
    Fixture {
        order,
        merchant: merchant(Fulfilment::DirectMail),
        buyer: Buyer {
            reg_no: "buyer-1".into(),
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            telephone: "13800138000".into(),
        },
        products: vec![(p1, facts(500_000, ContentUnit::Gram)), (p2, facts(250_000, ContentUnit::Millilitre))],
        settings: CustomsSettings::default(),
    }
}

fn build(f: &Fixture) -> Documents {
    documents::build(&Facts {
        order: &f.order,
        merchant: &f.merchant,
        buyer: &f.buyer,
        products: &f.products,
        settings: &f.settings,
        now: Utc.with_ymd_and_hms(2026, 11, 22, 1, 2, 3).unwrap(),
    })
}

fn codes(d: &Documents) -> Vec<(&'static str, &'static str)> {
    check(d).into_iter().map(|f| (f.code, f.document)).collect()
}

#[test]
fn documents_carry_the_order() {
    let f = fixture(true);
    let d = build(&f);
    let no = f.order.id.to_string();
    let h = &d.ceb311.head;
    assert_eq!(h.order_no, no);
    assert_eq!(h.order_type, "I");
    assert_eq!(h.app.app_time, "20261122090203", "China time, yyyyMMddHHmmss");
    assert_eq!(h.app.guid.len(), 36);
    assert_eq!(h.app.guid, h.app.guid.to_uppercase());
    assert_eq!(
        (h.goods_value, h.freight, h.tax_total, h.actural_paid),
        (cny(17_750), cny(6_000), cny(2_146), cny(25_896))
    );
    assert_eq!(h.currency, "142");
    assert_eq!(
        (h.buyer_name.as_str(), h.buyer_id_number.as_str(), h.buyer_id_type),
        ("张三", "11010519491231002X", "1")
    );
    assert_eq!(h.ebp_code, "GATEWAY-EBP");
    assert_eq!(h.ebc_name, "Prairie <Maple> & Co");
    assert_eq!(h.consignee_address, "上海市上海市浦东新区世纪大道100号 <A&B>");
    assert_eq!(d.ceb311.lines.len(), 2);
    let l = &d.ceb311.lines[0];
    assert_eq!((l.gnum, l.item_no.as_str(), l.item_name.as_str(), l.qty), (1, "MAPLE-1", "枫糖浆", 2));
    assert_eq!((l.price, l.total_price, l.unit, l.country.as_str()), (cny(7100), cny(14_200), "011", "502"));

    let p = &d.ceb411.head;
    assert_eq!((p.order_no.as_str(), p.amount_paid, p.pay_time.as_str()), (no.as_str(), cny(25_896), "20261121003005"));
    assert_eq!((p.payer_name.as_str(), p.payer_id_number.as_str()), ("张三", "11010519491231002X"));

    let w = &d.ceb511.head;
    assert_eq!(w.logistics_no.as_deref(), Some("LZ123456789US"));
    assert_eq!(w.logistics_name, "USPS");
    assert_eq!((w.freight, w.weight_g), (cny(6_000), 1_600));

    let i = &d.ceb621.head;
    assert_eq!((i.trade_mode, i.traf_mode, i.country), ("9610", "5", "502"));
    assert_eq!(i.cop_no.len(), 20);
    assert_eq!(i.logistics_no.as_deref(), Some("LZ123456789US"));
    assert_eq!((i.gross_weight_g, i.net_weight_g), (1_600, 1_600), "1 kg net of syrup by weight + 600 g shipped");
    let il = &d.ceb621.lines;
    assert_eq!((il[0].gcode.as_str(), il[0].qty1.as_str(), il[0].unit1), ("1702200000", "1.00000", "035"));
    assert_eq!((il[1].qty1.as_str(), il[1].unit1), ("0.25000", "095"));

    let bonded = Fixture { merchant: merchant(Fulfilment::Bonded), ..fixture(true) };
    let b = build(&bonded).ceb621.head;
    assert_eq!((b.trade_mode, b.country), ("1210", "142"));
}

#[test]
fn a_complete_shipped_order_passes_the_check() {
    assert_eq!(codes(&build(&fixture(true))), vec![]);
}

#[test]
fn before_shipping_the_logistics_number_is_missing() {
    let d = build(&fixture(false));
    assert_eq!(codes(&d), vec![("logistics_no_missing", "ceb511")]);
    assert!(xml::ceb511(&d.ceb511).find("logisticsNo").is_none());
}

#[test]
fn each_failure_is_provoked() {
    let base = build(&fixture(true));
    let provoke = |change: &dyn Fn(&mut Documents)| {
        let mut d = base.clone();
        change(&mut d);
        codes(&d)
    };
    assert_eq!(provoke(&|d| d.ceb411.head.order_no = "other".into()), vec![("order_no_mismatch", "ceb411")]);
    assert_eq!(provoke(&|d| d.ceb511.head.order_no = "other".into()), vec![("order_no_mismatch", "ceb511")]);
    assert_eq!(provoke(&|d| d.ceb621.head.order_no = "other".into()), vec![("order_no_mismatch", "ceb621")]);
    assert_eq!(
        provoke(&|d| d.ceb311.head.tax_total = cny(1)),
        vec![("order_amounts_mismatch", "ceb311")],
        "goods + freight + tax must be the amount paid"
    );
    assert_eq!(
        provoke(&|d| d.ceb311.lines[1].total_price = cny(1)),
        vec![
            ("line_total_mismatch", "ceb311"),
            ("goods_value_mismatch", "ceb311"),
            ("inventory_lines_mismatch", "ceb621")
        ]
    );
    assert_eq!(provoke(&|d| d.ceb411.head.amount_paid = cny(1)), vec![("payment_amount_mismatch", "ceb411")]);
    assert_eq!(provoke(&|d| d.ceb411.head.payer_name = "李四".into()), vec![("payer_mismatch", "ceb411")]);
    assert_eq!(
        provoke(&|d| d.ceb411.head.payer_id_number = "110105194912310011".into()),
        vec![("payer_mismatch", "ceb411")]
    );
    assert_eq!(
        provoke(&|d| d.ceb621.head.buyer_id_number = "110105194912310011".into()),
        vec![("buyer_mismatch", "ceb621")]
    );
    assert_eq!(provoke(&|d| d.ceb511.head.logistics_no = None), vec![("logistics_no_missing", "ceb511")]);
    assert_eq!(
        provoke(&|d| d.ceb621.head.logistics_no = Some("OTHER".into())),
        vec![("logistics_no_mismatch", "ceb621")]
    );
    assert_eq!(provoke(&|d| d.ceb511.head.freight = cny(1)), vec![("freight_mismatch", "ceb511")]);
    assert_eq!(provoke(&|d| d.ceb621.head.freight = cny(1)), vec![("freight_mismatch", "ceb621")]);
    assert_eq!(provoke(&|d| d.ceb511.head.consignee = "李四".into()), vec![("consignee_mismatch", "ceb511")]);
    assert_eq!(
        provoke(&|d| d.ceb621.head.consignee_address = "elsewhere".into()),
        vec![("consignee_mismatch", "ceb621")]
    );
    assert_eq!(provoke(&|d| d.ceb621.lines[0].qty = 3), vec![("inventory_lines_mismatch", "ceb621")]);
    assert_eq!(provoke(&|d| d.ceb621.lines[0].country = String::new()), vec![("country_code_unknown", "ceb621")]);
    // Every failure has a message.
    let mut d = base.clone();
    d.ceb411.head.amount_paid = cny(1);
    assert!(check(&d).iter().all(|f| !f.message.is_empty()));
}

#[test]
fn an_unknown_origin_country_is_reported_not_guessed() {
    let mut f = fixture(true);
    f.products[0].1.origin_country = "ZZ".into();
    let d = build(&f);
    assert_eq!(d.ceb311.lines[0].country, "");
    assert_eq!(codes(&d), vec![("country_code_unknown", "ceb621")]);
}

fn parse(d: &Documents, kind: DocumentKind) -> Parsed {
    let text = to_xml(d, kind);
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{text}");
    let parsed = xml::parse(&text).unwrap();
    assert_eq!(parsed.attribute("xmlns:ceb"), Some("http://www.chinaport.gov.cn/ceb"));
    assert_eq!(parsed.attribute("version"), Some("1.0"));
    parsed
}

#[test]
fn xml_round_trips_with_escaping_and_element_order() {
    let f = fixture(true);
    let d = build(&f);
    let no = f.order.id.to_string();

    let p = parse(&d, DocumentKind::Ceb311);
    assert_eq!(p.root, "CEB311Message");
    assert_eq!(p.attribute("guid"), Some(d.ceb311.guid.as_str()));
    let head = p.first("OrderHead").unwrap();
    let names: Vec<&str> = head.fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "guid",
            "appType",
            "appTime",
            "appStatus",
            "orderType",
            "orderNo",
            "ebpCode",
            "ebpName",
            "ebcCode",
            "ebcName",
            "goodsValue",
            "freight",
            "discount",
            "taxTotal",
            "acturalPaid",
            "currency",
            "buyerRegNo",
            "buyerName",
            "buyerTelephone",
            "buyerIdType",
            "buyerIdNumber",
            "payCode",
            "payName",
            "payTransactionId",
            "consignee",
            "consigneeTelephone",
            "consigneeAddress",
        ]
    );
    assert_eq!(head.get("orderNo"), Some(no.as_str()));
    assert_eq!(head.get("goodsValue"), Some("177.50"));
    assert_eq!(head.get("acturalPaid"), Some("258.96"));
    assert_eq!(head.get("ebcName"), Some("Prairie <Maple> & Co"), "escaped by the writer, restored by the reader");
    assert_eq!(head.get("consigneeAddress"), Some("上海市上海市浦东新区世纪大道100号 <A&B>"));
    let raw = to_xml(&d, DocumentKind::Ceb311);
    assert!(raw.contains("Prairie &lt;Maple&gt; &amp; Co"), "{raw}");
    assert!(raw.contains("<ceb:CEB311Message xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\""));
    let lines: Vec<_> = p.all("OrderList").collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1].get("gnum"), Some("2"));
    assert_eq!(lines[1].get("totalPrice"), Some("35.50"));
    assert_eq!(p.first("BaseTransfer").and_then(|b| b.get("dxpMode")), Some("DXP"));

    let p = parse(&d, DocumentKind::Ceb411);
    let head = p.first("PaymentHead").unwrap();
    assert_eq!(head.get("orderNo"), Some(no.as_str()));
    assert_eq!(head.get("amountPaid"), Some("258.96"));
    assert_eq!(head.get("payerIdNumber"), Some("11010519491231002X"));

    let p = parse(&d, DocumentKind::Ceb511);
    let head = p.first("LogisticsHead").unwrap();
    assert_eq!(head.get("logisticsNo"), Some("LZ123456789US"));
    assert_eq!(head.get("weight"), Some("1.600"));

    let p = parse(&d, DocumentKind::Ceb621);
    assert_eq!(p.root, "CEB621Message");
    let head = p.first("InventoryHead").unwrap();
    assert_eq!(head.get("tradeMode"), Some("9610"));
    assert_eq!(head.get("grossWeight"), Some("1.600"));
    let lines: Vec<_> = p.all("InventoryList").collect();
    assert_eq!(lines[0].get("gcode"), Some("1702200000"));
    assert_eq!(lines[0].get("qty1"), Some("1.00000"));
}

#[test]
fn guids_are_stable_per_order_and_kind() {
    assert_eq!(documents::guid("a", "CEB311"), documents::guid("a", "CEB311"));
    assert_ne!(documents::guid("a", "CEB311"), documents::guid("a", "CEB621"));
    assert_eq!(DocumentKind::parse("CEB621"), Some(DocumentKind::Ceb621));
    assert_eq!(DocumentKind::parse("ceb999"), None);
}

#[test]
fn buyer_debug_hides_personal_data() {
    let f = fixture(true);
    let text = format!("{:?}", f.buyer);
    assert!(!text.contains("1101") && !text.contains("张三") && !text.contains("1380"), "{text}");
}
