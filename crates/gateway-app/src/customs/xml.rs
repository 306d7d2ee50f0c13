//! The CEB documents as XML, written with quick-xml (which escapes text and attribute
//! values), and a small reader that parses a message back into its records.
//!
//! Layout (as in the published samples, see `documents.rs`):
//!
//! ```text
//! <ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="…" version="1.0">
//!   <ceb:Order><ceb:OrderHead>…</ceb:OrderHead><ceb:OrderList>…</ceb:OrderList>…</ceb:Order>
//!   <ceb:BaseTransfer>…</ceb:BaseTransfer>
//! </ceb:CEB311Message>
//! ```
//!
//! CEB411 wraps `Payment`/`PaymentHead`, CEB511 `Logistics`/`LogisticsHead`, CEB621
//! `Inventory`/`InventoryHead` + `InventoryList`. Amounts are CNY with two places,
//! weights kilograms with three.

use super::documents::{AppHead, BaseTransfer, Ceb311, Ceb411, Ceb511, Ceb621};
use gateway_core::Cny;
use gateway_core::decimal::format_scaled;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io;

/// The CEB namespace.
pub const NAMESPACE: &str = "http://www.chinaport.gov.cn/ceb";
/// The message version the documents declare.
pub const VERSION: &str = "1.0";

struct Out {
    w: Writer<Vec<u8>>,
}

impl Out {
    fn new() -> io::Result<Self> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        Ok(Out { w })
    }

    fn field(&mut self, name: &str, value: &str) -> io::Result<()> {
        self.w.create_element(format!("ceb:{name}")).write_text_content(BytesText::new(value))?;
        Ok(())
    }

    fn opt(&mut self, name: &str, value: Option<&str>) -> io::Result<()> {
        match value {
            Some(v) => self.field(name, v),
            None => Ok(()),
        }
    }

    fn money(&mut self, name: &str, value: Cny) -> io::Result<()> {
        self.field(name, &value.to_string())
    }

    fn start(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::Start(quick_xml::events::BytesStart::new(format!("ceb:{name}"))))
    }

    fn end(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::End(quick_xml::events::BytesEnd::new(format!("ceb:{name}"))))
    }

    fn root(&mut self, message: &str, guid: &str) -> io::Result<()> {
        let start = quick_xml::events::BytesStart::new(format!("ceb:{message}")).with_attributes([
            ("xmlns:ceb", NAMESPACE),
            ("guid", guid),
            ("version", VERSION),
        ]);
        self.w.write_event(Event::Start(start))
    }

    fn app(&mut self, app: &AppHead) -> io::Result<()> {
        self.field("guid", &app.guid)?;
        self.field("appType", app.app_type)?;
        self.field("appTime", &app.app_time)?;
        self.field("appStatus", app.app_status)
    }

    /// `BaseTransfer`: copCode, copName, dxpMode, dxpId, note.
    fn transfer(&mut self, t: &BaseTransfer) -> io::Result<()> {
        self.start("BaseTransfer")?;
        self.field("copCode", &t.cop_code)?;
        self.field("copName", &t.cop_name)?;
        self.field("dxpMode", t.dxp_mode)?;
        self.field("dxpId", &t.dxp_id)?;
        self.end("BaseTransfer")
    }

    fn finish(self) -> String {
        String::from_utf8(self.w.into_inner()).unwrap_or_default()
    }
}

/// Grams as kilograms with three places.
pub fn kilograms(grams: i64) -> String {
    format_scaled(grams, 3)
}

fn ceb311_inner(d: &Ceb311) -> io::Result<String> {
    let mut o = Out::new()?;
    o.root("CEB311Message", &d.guid)?;
    o.start("Order")?;
    o.start("OrderHead")?;
    let h = &d.head;
    o.app(&h.app)?;
    o.field("orderType", h.order_type)?;
    o.field("orderNo", &h.order_no)?;
    o.field("ebpCode", &h.ebp_code)?;
    o.field("ebpName", &h.ebp_name)?;
    o.field("ebcCode", &h.ebc_code)?;
    o.field("ebcName", &h.ebc_name)?;
    o.money("goodsValue", h.goods_value)?;
    o.money("freight", h.freight)?;
    o.money("discount", h.discount)?;
    o.money("taxTotal", h.tax_total)?;
    o.money("acturalPaid", h.actural_paid)?;
    o.field("currency", h.currency)?;
    o.field("buyerRegNo", &h.buyer_reg_no)?;
    o.field("buyerName", &h.buyer_name)?;
    o.field("buyerTelephone", &h.buyer_telephone)?;
    o.field("buyerIdType", h.buyer_id_type)?;
    o.field("buyerIdNumber", &h.buyer_id_number)?;
    o.field("payCode", &h.pay_code)?;
    o.field("payName", &h.pay_name)?;
    o.field("payTransactionId", &h.pay_transaction_id)?;
    o.opt("batchNumbers", h.batch_numbers.as_deref())?;
    o.field("consignee", &h.consignee)?;
    o.field("consigneeTelephone", &h.consignee_telephone)?;
    o.field("consigneeAddress", &h.consignee_address)?;
    o.opt("consigneeDistrict", h.consignee_district.as_deref())?;
    o.opt("note", h.note.as_deref())?;
    o.end("OrderHead")?;
    for l in &d.lines {
        o.start("OrderList")?;
        o.field("gnum", &l.gnum.to_string())?;
        o.field("itemNo", &l.item_no)?;
        o.field("itemName", &l.item_name)?;
        o.field("gmodel", &l.gmodel)?;
        o.opt("itemDescribe", l.item_describe.as_deref())?;
        o.opt("barCode", l.bar_code.as_deref())?;
        o.field("unit", l.unit)?;
        o.field("qty", &l.qty.to_string())?;
        o.money("price", l.price)?;
        o.money("totalPrice", l.total_price)?;
        o.field("currency", l.currency)?;
        o.field("country", &l.country)?;
        o.opt("note", l.note.as_deref())?;
        o.end("OrderList")?;
    }
    o.end("Order")?;
    o.transfer(&d.transfer)?;
    o.end("CEB311Message")?;
    Ok(o.finish())
}

fn ceb411_inner(d: &Ceb411) -> io::Result<String> {
    let mut o = Out::new()?;
    o.root("CEB411Message", &d.guid)?;
    o.start("Payment")?;
    o.start("PaymentHead")?;
    let h = &d.head;
    o.app(&h.app)?;
    o.field("payCode", &h.pay_code)?;
    o.field("payName", &h.pay_name)?;
    o.field("payTransactionId", &h.pay_transaction_id)?;
    o.field("orderNo", &h.order_no)?;
    o.field("ebpCode", &h.ebp_code)?;
    o.field("ebpName", &h.ebp_name)?;
    o.field("payerIdType", h.payer_id_type)?;
    o.field("payerIdNumber", &h.payer_id_number)?;
    o.field("payerName", &h.payer_name)?;
    o.field("telephone", &h.telephone)?;
    o.money("amountPaid", h.amount_paid)?;
    o.field("currency", h.currency)?;
    o.field("payTime", &h.pay_time)?;
    o.opt("note", h.note.as_deref())?;
    o.end("PaymentHead")?;
    o.end("Payment")?;
    o.transfer(&d.transfer)?;
    o.end("CEB411Message")?;
    Ok(o.finish())
}

fn ceb511_inner(d: &Ceb511) -> io::Result<String> {
    let mut o = Out::new()?;
    o.root("CEB511Message", &d.guid)?;
    o.start("Logistics")?;
    o.start("LogisticsHead")?;
    let h = &d.head;
    o.app(&h.app)?;
    o.field("logisticsCode", &h.logistics_code)?;
    o.field("logisticsName", &h.logistics_name)?;
    o.opt("logisticsNo", h.logistics_no.as_deref())?;
    o.opt("billNo", h.bill_no.as_deref())?;
    o.field("orderNo", &h.order_no)?;
    o.money("freight", h.freight)?;
    o.money("insuredFee", h.insured_fee)?;
    o.field("currency", h.currency)?;
    o.field("weight", &kilograms(h.weight_g))?;
    o.field("packNo", &h.pack_no.to_string())?;
    o.field("goodsInfo", &h.goods_info)?;
    o.field("consignee", &h.consignee)?;
    o.field("consigneeAddress", &h.consignee_address)?;
    o.field("consigneeTelephone", &h.consignee_telephone)?;
    o.opt("note", h.note.as_deref())?;
    o.end("LogisticsHead")?;
    o.end("Logistics")?;
    o.transfer(&d.transfer)?;
    o.end("CEB511Message")?;
    Ok(o.finish())
}

fn ceb621_inner(d: &Ceb621) -> io::Result<String> {
    let mut o = Out::new()?;
    o.root("CEB621Message", &d.guid)?;
    o.start("Inventory")?;
    o.start("InventoryHead")?;
    let h = &d.head;
    o.app(&h.app)?;
    o.field("orderNo", &h.order_no)?;
    o.field("ebpCode", &h.ebp_code)?;
    o.field("ebpName", &h.ebp_name)?;
    o.field("ebcCode", &h.ebc_code)?;
    o.field("ebcName", &h.ebc_name)?;
    o.opt("logisticsNo", h.logistics_no.as_deref())?;
    o.field("logisticsCode", &h.logistics_code)?;
    o.field("logisticsName", &h.logistics_name)?;
    o.field("copNo", &h.cop_no)?;
    o.opt("preNo", h.pre_no.as_deref())?;
    o.field("assureCode", &h.assure_code)?;
    o.opt("emsNo", h.ems_no.as_deref())?;
    o.opt("invtNo", h.invt_no.as_deref())?;
    o.field("ieFlag", h.ie_flag)?;
    o.field("declTime", &h.decl_time)?;
    o.field("customsCode", &h.customs_code)?;
    o.field("portCode", &h.port_code)?;
    o.field("ieDate", &h.ie_date)?;
    o.field("buyerIdType", h.buyer_id_type)?;
    o.field("buyerIdNumber", &h.buyer_id_number)?;
    o.field("buyerName", &h.buyer_name)?;
    o.field("buyerTelephone", &h.buyer_telephone)?;
    o.field("consigneeAddress", &h.consignee_address)?;
    o.field("agentCode", &h.agent_code)?;
    o.field("agentName", &h.agent_name)?;
    o.opt("areaCode", h.area_code.as_deref())?;
    o.opt("areaName", h.area_name.as_deref())?;
    o.field("tradeMode", h.trade_mode)?;
    o.field("trafMode", h.traf_mode)?;
    o.field("country", h.country)?;
    o.money("freight", h.freight)?;
    o.money("insuredFee", h.insured_fee)?;
    o.field("currency", h.currency)?;
    o.field("packNo", &h.pack_no.to_string())?;
    o.field("grossWeight", &kilograms(h.gross_weight_g))?;
    o.field("netWeight", &kilograms(h.net_weight_g))?;
    o.opt("note", h.note.as_deref())?;
    o.end("InventoryHead")?;
    for l in &d.lines {
        o.start("InventoryList")?;
        o.field("gnum", &l.gnum.to_string())?;
        o.opt("itemRecordNo", l.item_record_no.as_deref())?;
        o.field("itemNo", &l.item_no)?;
        o.field("itemName", &l.item_name)?;
        o.field("gcode", &l.gcode)?;
        o.field("gname", &l.gname)?;
        o.field("gmodel", &l.gmodel)?;
        o.opt("barCode", l.bar_code.as_deref())?;
        o.field("country", &l.country)?;
        o.field("currency", l.currency)?;
        o.field("qty", &l.qty.to_string())?;
        o.field("unit", l.unit)?;
        o.field("qty1", &l.qty1)?;
        o.field("unit1", l.unit1)?;
        o.money("price", l.price)?;
        o.money("totalPrice", l.total_price)?;
        o.opt("note", l.note.as_deref())?;
        o.end("InventoryList")?;
    }
    o.end("Inventory")?;
    o.transfer(&d.transfer)?;
    o.end("CEB621Message")?;
    Ok(o.finish())
}

// Writing into a Vec<u8> cannot fail with an I/O error; an empty answer would be the
// only trace of one.
pub fn ceb311(d: &Ceb311) -> String {
    ceb311_inner(d).unwrap_or_default()
}

pub fn ceb411(d: &Ceb411) -> String {
    ceb411_inner(d).unwrap_or_default()
}

pub fn ceb511(d: &Ceb511) -> String {
    ceb511_inner(d).unwrap_or_default()
}

pub fn ceb621(d: &Ceb621) -> String {
    ceb621_inner(d).unwrap_or_default()
}

/// One element whose children are fields (`OrderHead`, each `OrderList`, …): its local
/// name and its fields' local names and text, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    pub fields: Vec<(String, String)>,
}

impl Record {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|(name, _)| name == field).map(|(_, v)| v.as_str())
    }
}

/// A message read back: the root's local name and attributes, and its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub root: String,
    pub attributes: Vec<(String, String)>,
    pub records: Vec<Record>,
}

impl Parsed {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The records named `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
        self.records.iter().filter(move |r| r.name == name)
    }

    pub fn first(&self, name: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.name == name)
    }
}

struct Frame {
    name: String,
    text: String,
    fields: Vec<(String, String)>,
    has_children: bool,
}

fn local(qname: &str) -> String {
    qname.rsplit(':').next().unwrap_or(qname).to_string()
}

/// Parses a CEB message back (any of the four): every element with leaf children becomes
/// a record. Entity and character references in text are resolved.
pub fn parse(xml: &str) -> Result<Parsed, String> {
    use quick_xml::Reader;
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Frame> = Vec::new();
    let mut parsed = Parsed { root: String::new(), attributes: Vec::new(), records: Vec::new() };
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => {
                let name = local(e.name().as_ref());
                if stack.is_empty() {
                    parsed.root = name.clone();
                    for attr in e.attributes() {
                        let attr = attr.map_err(|e| e.to_string())?;
                        let value =
                            attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| e.to_string())?;
                        parsed.attributes.push((attr.key.as_ref().to_string(), value.into_owned()));
                    }
                }
                if let Some(parent) = stack.last_mut() {
                    parent.has_children = true;
                }
                stack.push(Frame { name, text: String::new(), fields: Vec::new(), has_children: false });
            }
            Event::Empty(e) => {
                let name = local(e.name().as_ref());
                if let Some(parent) = stack.last_mut() {
                    parent.has_children = true;
                    parent.fields.push((name, String::new()));
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => match r.xml10_content().as_ref() {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::End(_) => {
                let Some(frame) = stack.pop() else { return Err("unbalanced end tag".into()) };
                match stack.last_mut() {
                    Some(parent) if !frame.has_children => parent.fields.push((frame.name, frame.text)),
                    _ if !frame.fields.is_empty() => {
                        parsed.records.push(Record { name: frame.name, fields: frame.fields })
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("unclosed elements".into());
    }
    Ok(parsed)
}
