//! The Decree 248 readiness checklist in Chromium (issue 6): a farm signs up, fills
//! its profile without a GACC registration number, lists honey (blocked), opens the
//! checklist from the portal's navigation, reads what to do (the FDA's recommendation
//! for bee products), confirms its FDA facility registration, adds its registration
//! number in the profile and finds the step done and the honey listed.

use crate::driver::{PHONE, World};
use crate::merchant::{click, select};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_farm_walks_through_the_food_registration_checklist() {
    let w = World::new(PHONE, "en-US,en").await;
    w.goto("/merchant/signup").await;
    w.wait_lang("en").await;
    w.fill("email", "honeyfarm@example.com").await;
    w.fill("password", "a long password").await;
    click(&w, "#create-account").await;
    w.wait_path("/merchant/profile").await;

    // The profile, without a registration number yet.
    w.fill("legal_name", "Prairie Bloom Apiary LLC").await;
    w.fill("display_name_en", "Prairie Bloom Apiary").await;
    select(&w, "kind", "farm").await;
    select(&w, "state", "IA").await;
    w.fill("city", "Ames").await;
    w.fill("zip", "50010").await;
    w.fill("employees", "3").await;
    click(&w, "input[name=exported_before][value=no]").await;
    click(&w, "input[name=fulfilment][value=direct_mail]").await;
    click(&w, "#save-profile").await;
    w.wait_path("/merchant?profile=created").await;
    // A farm is invited to the checklist before it lists anything.
    let invite = w.find("#food-readiness").await.text().await.unwrap();
    assert!(invite.contains("Selling food?"), "{invite}");

    // Honey, which the listing check blocks for want of the number.
    click(&w, ".portal-nav a[href='/merchant/products']").await;
    w.wait_path("/merchant/products").await;
    click(&w, "#add-product").await;
    w.wait_path("/merchant/products/new").await;
    w.fill("title_en", "Wildflower Honey 500 g").await;
    w.fill("description_en", "Raw honey from Iowa prairie flowers.").await;
    select(&w, "tax_class", "agri").await;
    w.fill("hs_code", "04090000").await;
    w.fill("sku", "HONEY-500").await;
    w.fill("price_usd", "12.50").await;
    w.fill("stock", "120").await;
    w.fill("weight_g", "650").await;
    w.fill("net_content_value", "500").await;
    select(&w, "net_content_unit", "g").await;
    click(&w, "#save-product").await;
    w.wait_text("The product is saved.").await;
    assert_eq!(w.find("#product-status").await.text().await.unwrap(), "Blocked");

    // The checklist, from the navigation: what to do and where.
    click(&w, ".portal-nav a[href='/merchant/food-readiness']").await;
    w.wait_path("/merchant/food-readiness").await;
    assert_eq!(w.find("#food-summary").await.text().await.unwrap(), "0 of 4 steps done.");
    let rec = w.find("#step-competent_authority_recommendation").await;
    assert_eq!(rec.attr("data-status").await.unwrap().as_deref(), Some("todo"));
    let text = rec.text().await.unwrap();
    for part in ["Wildflower Honey 500 g", "Bee products: recommended by the FDA", "Export Listing Module"] {
        assert!(text.contains(part), "{part} in the step: {text}");
    }
    let number = w.find("#step-registration_number").await;
    assert_eq!(number.attr("data-status").await.unwrap().as_deref(), Some("todo"));

    // The merchant confirms its FDA facility registration.
    click(&w, "#confirm-fda_facility_registration").await;
    w.wait_path("/merchant/food-readiness?changed=confirmed").await;
    w.wait_text("Your confirmation is saved.").await;
    let fda = w.find("#step-fda_facility_registration").await;
    assert_eq!(fda.attr("data-status").await.unwrap().as_deref(), Some("done"));
    assert_eq!(w.find("#food-summary").await.text().await.unwrap(), "1 of 4 steps done.");

    // The registration step links to the profile, where the number goes.
    w.find("#step-registration_number a[href='/merchant/profile#food_registration_no']").await;
    w.goto("/merchant/profile").await;
    w.wait_path("/merchant/profile").await;
    w.fill("food_registration_no", "CUSA20240001").await;
    click(&w, "#save-profile").await;
    w.wait_path("/merchant?profile=saved").await;

    // Back on the checklist: the number is on file, the honey listed.
    click(&w, "#food-readiness a[href='/merchant/food-readiness']").await;
    w.wait_path("/merchant/food-readiness").await;
    let number = w.find("#step-registration_number").await;
    assert_eq!(number.attr("data-status").await.unwrap().as_deref(), Some("done"));
    let rec = w.find("#step-competent_authority_recommendation").await;
    assert_eq!(rec.attr("data-status").await.unwrap().as_deref(), Some("done"));
    assert_eq!(w.find("#food-summary").await.text().await.unwrap(), "3 of 5 steps done.");
    let products = w.find("#food-products").await.text().await.unwrap();
    assert!(products.contains("Listed"), "{products}");
    assert!(!w.overflows().await, "the checklist fits a phone");
    w.close().await;
}
