//! SPEC 6 and 9 over HTTP: an order's customs documents (CEB311, CEB411, CEB511,
//! CEB621) as XML for its merchant and operators, each parsed back with quick-xml and
//! checked field by field against the order; and the three-document check before and
//! after shipping.

use crate::buying::{cart_with, checkout, id_number, product};
use crate::common::*;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Value, json};

/// A parsed CEB message: the root's local name and attributes, and each element with
/// leaf children (OrderHead, each OrderList, BaseTransfer, …) as (name, fields).
struct Message {
    root: String,
    attributes: Vec<(String, String)>,
    records: Vec<(String, Vec<(String, String)>)>,
}

impl Message {
    fn attribute(&self, name: &str) -> &str {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or_default()
    }

    fn records(&self, name: &str) -> Vec<&Vec<(String, String)>> {
        self.records.iter().filter(|(n, _)| n == name).map(|(_, f)| f).collect()
    }

    fn head(&self, name: &str) -> &Vec<(String, String)> {
        let all = self.records(name);
        assert_eq!(all.len(), 1, "one {name} in {}", self.root);
        all[0]
    }
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no field {name}"))
}

fn has(fields: &[(String, String)], name: &str) -> bool {
    fields.iter().any(|(n, _)| n == name)
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap().to_string()
}

/// An open element: (name, text, fields, has element children).
type Frame = (String, String, Vec<(String, String)>, bool);

fn parse(xml: &str) -> Message {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Frame> = Vec::new();
    let mut message = Message { root: String::new(), attributes: Vec::new(), records: Vec::new() };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = local(e.name().as_ref());
                if stack.is_empty() {
                    message.root = name.clone();
                    for a in e.attributes() {
                        let a = a.unwrap();
                        let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
                        message.attributes.push((a.key.as_ref().to_string(), v));
                    }
                }
                if let Some(parent) = stack.last_mut() {
                    parent.3 = true;
                }
                stack.push((name, String::new(), Vec::new(), false));
            }
            Event::Text(t) => {
                // Whitespace between the declaration and the root belongs to no element.
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => match r.xml10_content().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("entity {other}"),
                    },
                };
                stack.last_mut().unwrap().1.push_str(&c);
            }
            Event::End(_) => {
                let (name, text, fields, has_children) = stack.pop().unwrap();
                if !has_children && !stack.is_empty() {
                    stack.last_mut().unwrap().2.push((name, text));
                } else if !fields.is_empty() {
                    message.records.push((name, fields));
                }
            }
            Event::Empty(e) => panic!("unexpected empty element {:?}", e.name()),
            Event::Eof => break,
            _ => {}
        }
    }
    message
}

/// Fetches one document as `token`, checks it is XML in the CEB namespace, parses it.
async fn document(s: &TestServer, token: &str, order: &str, kind: &str) -> Message {
    let a = s.get(&format!("/api/v1/orders/{order}/customs/{kind}"), Some(token)).await;
    assert_eq!(a.status.as_u16(), 200, "{kind}: {}", a.text);
    assert!(a.content_type.starts_with("application/xml"), "{}", a.content_type);
    assert!(a.text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    let m = parse(&a.text);
    assert_eq!(m.root, format!("{}Message", kind.to_uppercase()));
    assert_eq!(m.attribute("xmlns:ceb"), "http://www.chinaport.gov.cn/ceb");
    assert_eq!(m.attribute("version"), "1.0");
    assert_eq!(m.attribute("guid").len(), 36);
    m
}

fn kilograms(grams: i64) -> String {
    format!("{}.{:03}", grams / 1000, grams % 1000)
}

/// The message's four head fields every document starts with.
fn assert_app_head(fields: &[(String, String)]) {
    let names: Vec<&str> = fields.iter().take(4).map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["guid", "appType", "appTime", "appStatus"]);
    assert_eq!(field(fields, "guid").len(), 36);
    assert_eq!(field(fields, "appType"), "1");
    let time = field(fields, "appTime");
    assert!(time.len() == 14 && time.chars().all(|c| c.is_ascii_digit()), "{time}");
    assert_eq!(field(fields, "appStatus"), "2");
}

#[tokio::test]
async fn customs_documents_match_the_order_and_the_check_needs_a_shipment() {
    let s = spawn().await;
    s.set_fx("7.10").await;
    let (merchant_token, merchant) = s.merchant("customs-honey@example.com", true, true).await;
    let (other_token, _) = s.merchant("customs-other@example.com", true, true).await;
    let honey = product(&s, &merchant_token, &merchant, json!({"price_usd": "12.50", "weight_g": 650})).await;
    let syrup = product(
        &s,
        &merchant_token,
        &merchant,
        json!({"price_usd": "9.99", "weight_g": 400, "title": {"en": "Maple Syrup & Sugar <Grade A>"},
               "net_content": {"value": 250, "unit": "ml"}}),
    )
    .await;

    let buyer = s.signup("customs-buyer@example.com", "consumer").await;
    let id_no = id_number(4242);
    let identity = json!({"real_name": "李·四", "id_number": id_no, "phone": "13912345678"});
    s.put("/api/v1/me/identity", Some(&buyer), &identity).await.ok(200);
    let cart = cart_with(&s, &buyer, &[(&honey, 2), (&syrup, 1)]).await;
    let placed = checkout(&s, &buyer, &cart, "customs-1").await;
    let order_id = placed.ok(201)["orders"][0]["id"].as_str().unwrap().to_string();
    let admin = s.admin().await;
    let path = |rest: &str| format!("/api/v1/orders/{order_id}/customs/{rest}");

    // Who may see it: its merchant and operators; the buyer and another merchant may not.
    for kind in ["ceb311", "ceb621", "ceb411", "ceb511", "check"] {
        s.get(&path(kind), Some(&buyer)).await.problem(403, "forbidden");
        s.get(&path(kind), Some(&other_token)).await.problem(403, "forbidden");
        s.get(&path(kind), None).await.problem(401, "unauthorized");
        let unknown = format!("/api/v1/orders/{}/customs/{kind}", uuid::Uuid::now_v7());
        s.get(&unknown, Some(&merchant_token)).await.problem(404, "not_found");
        s.get(&format!("/api/v1/orders/not-an-id/customs/{kind}"), Some(&admin)).await.problem(404, "not_found");
    }

    // Before shipping: the waybill has no logistics number.
    let check = s.get(&path("check"), Some(&merchant_token)).await.ok(200).clone();
    assert_eq!(check["ok"], false, "{check}");
    let failures = check["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{check}");
    assert_eq!(failures[0]["code"], "logistics_no_missing");
    assert_eq!(failures[0]["document"], "ceb511");
    assert!(failures[0]["message"].as_str().unwrap().contains("logistics"));
    let waybill = document(&s, &merchant_token, &order_id, "ceb511").await;
    assert!(!has(waybill.head("LogisticsHead"), "logisticsNo"));

    let shipment = json!({"carrier": "EMS", "tracking_no": "EA123456789US"});
    s.post(&format!("/api/v1/orders/{order_id}/ship"), Some(&merchant_token), &shipment).await.ok(200);
    let check = s.get(&path("check"), Some(&admin)).await.ok(200).clone();
    assert_eq!(check, json!({"ok": true, "failures": []}));

    let order: Value = s.get(&format!("/api/v1/orders/{order_id}"), Some(&merchant_token)).await.ok(200).clone();
    let order_text = order.to_string();
    assert!(!order_text.contains(&id_no), "the order view never shows the full ID number");
    let masked = s.get("/api/v1/me/identity", Some(&buyer)).await.ok(200)["id_number_masked"].clone();
    assert_ne!(masked.as_str(), Some(id_no.as_str()));
    let o = |key: &str| order[key].as_str().unwrap().to_string();
    let a = &order["address"];
    let address = format!(
        "{}{}{}{}",
        a["province"].as_str().unwrap(),
        a["city"].as_str().unwrap(),
        a["district"].as_str().unwrap(),
        a["street"].as_str().unwrap()
    );
    let lines = order["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);

    for token in [&merchant_token, &admin] {
        // CEB311: the order.
        let m = document(&s, token, &order_id, "ceb311").await;
        let h = m.head("OrderHead");
        assert_app_head(h);
        assert_eq!(field(h, "orderType"), "I");
        assert_eq!(field(h, "orderNo"), order_id);
        assert_eq!(field(h, "ebpCode"), "GATEWAY-EBP");
        assert_eq!(field(h, "ebcName"), "Prairie Gold Apiaries LLC");
        assert_eq!(field(h, "goodsValue"), o("goods"));
        assert_eq!(field(h, "freight"), o("freight"));
        assert_eq!(field(h, "discount"), "0.00");
        assert_eq!(field(h, "taxTotal"), o("tax"));
        assert_eq!(field(h, "acturalPaid"), o("total"));
        assert_eq!(field(h, "currency"), "142");
        assert_eq!(field(h, "buyerRegNo"), o("buyer_id"));
        assert_eq!(field(h, "buyerName"), "李·四");
        assert_eq!(field(h, "buyerTelephone"), "13912345678");
        assert_eq!(field(h, "buyerIdType"), "1");
        assert_eq!(field(h, "buyerIdNumber"), id_no, "the full number, for customs only");
        assert!(!field(h, "payTransactionId").is_empty());
        assert_eq!(field(h, "consignee"), a["recipient"].as_str().unwrap());
        assert_eq!(field(h, "consigneeTelephone"), a["phone"].as_str().unwrap());
        assert_eq!(field(h, "consigneeAddress"), address);
        let items = m.records("OrderList");
        assert_eq!(items.len(), lines.len());
        for (i, (item, line)) in items.iter().zip(lines).enumerate() {
            assert_eq!(field(item, "gnum"), (i + 1).to_string());
            assert_eq!(field(item, "itemNo"), line["sku"].as_str().unwrap());
            let name = line["title"]["zh"].as_str().or(line["title"]["en"].as_str()).unwrap();
            assert_eq!(field(item, "itemName"), name);
            assert_eq!(field(item, "unit"), "011");
            assert_eq!(field(item, "qty"), line["quantity"].to_string());
            assert_eq!(field(item, "price"), line["unit_price_cny"].as_str().unwrap());
            assert_eq!(field(item, "totalPrice"), line["goods"].as_str().unwrap());
            assert_eq!(field(item, "currency"), "142");
            assert_eq!(field(item, "country"), "502");
        }
        // The syrup has no Chinese title: its English one, escaped and read back whole.
        assert_eq!(field(items[1], "itemName"), "Maple Syrup & Sugar <Grade A>");
        assert_eq!(field(m.head("BaseTransfer"), "dxpMode"), "DXP");

        // CEB411: the payment, by the buyer, of the amount paid.
        let m = document(&s, token, &order_id, "ceb411").await;
        let h = m.head("PaymentHead");
        assert_app_head(h);
        assert_eq!(field(h, "orderNo"), order_id);
        assert_eq!(field(h, "amountPaid"), o("total"));
        assert_eq!(field(h, "currency"), "142");
        assert_eq!(field(h, "payerIdType"), "1");
        assert_eq!(field(h, "payerIdNumber"), id_no);
        assert_eq!(field(h, "payerName"), "李·四");
        assert_eq!(field(h, "telephone"), "13912345678");
        assert_eq!(field(h, "payTime").len(), 14);

        // CEB511: the waybill with the tracking number.
        let m = document(&s, token, &order_id, "ceb511").await;
        let h = m.head("LogisticsHead");
        assert_app_head(h);
        assert_eq!(field(h, "orderNo"), order_id);
        assert_eq!(field(h, "logisticsNo"), "EA123456789US");
        assert_eq!(field(h, "logisticsName"), "EMS");
        assert_eq!(field(h, "freight"), o("freight"));
        assert_eq!(field(h, "insuredFee"), "0.00");
        assert_eq!(field(h, "currency"), "142");
        assert_eq!(field(h, "weight"), kilograms(order["weight_g"].as_i64().unwrap()));
        assert_eq!(field(h, "packNo"), "1");
        assert_eq!(field(h, "consignee"), a["recipient"].as_str().unwrap());
        assert_eq!(field(h, "consigneeAddress"), address);
        assert_eq!(field(h, "consigneeTelephone"), a["phone"].as_str().unwrap());

        // CEB621: the inventory list, agreeing with all three.
        let m = document(&s, token, &order_id, "ceb621").await;
        let h = m.head("InventoryHead");
        assert_app_head(h);
        assert_eq!(field(h, "orderNo"), order_id);
        assert_eq!(field(h, "logisticsNo"), "EA123456789US");
        assert_eq!(field(h, "ieFlag"), "I");
        assert_eq!(field(h, "buyerIdType"), "1");
        assert_eq!(field(h, "buyerIdNumber"), id_no);
        assert_eq!(field(h, "buyerName"), "李·四");
        assert_eq!(field(h, "buyerTelephone"), "13912345678");
        assert_eq!(field(h, "consigneeAddress"), address);
        assert_eq!(field(h, "tradeMode"), "9610", "direct mail");
        assert_eq!(field(h, "country"), "502", "direct mail sets out from the USA");
        assert_eq!(field(h, "freight"), o("freight"));
        assert_eq!(field(h, "currency"), "142");
        assert_eq!(field(h, "grossWeight"), kilograms(order["weight_g"].as_i64().unwrap()));
        assert!(field(h, "copNo").len() <= 20);
        let items = m.records("InventoryList");
        assert_eq!(items.len(), lines.len());
        for (item, line) in items.iter().zip(lines) {
            assert_eq!(field(item, "itemNo"), line["sku"].as_str().unwrap());
            assert_eq!(field(item, "qty"), line["quantity"].to_string());
            assert_eq!(field(item, "price"), line["unit_price_cny"].as_str().unwrap());
            assert_eq!(field(item, "totalPrice"), line["goods"].as_str().unwrap());
            assert_eq!(field(item, "country"), "502");
        }
        assert_eq!(field(items[0], "gcode"), "04090000");
        assert_eq!((field(items[0], "qty1"), field(items[0], "unit1")), ("1.00000", "035"), "2 × 500 g");
        assert_eq!((field(items[1], "qty1"), field(items[1], "unit1")), ("0.25000", "095"), "1 × 250 ml");
    }
}
