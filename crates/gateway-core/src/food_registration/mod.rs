//! China's registration of overseas food manufacturers (GACC Decree 248, "Regulations
//! on the Registration and Administration of Overseas Manufacturers of Imported Food",
//! in force since 2022-01-01) and the readiness checklist a merchant walks through.
//!
//! What the law says, as far as this module relies on it (sources in
//! docs/FOOD_REGISTRATION.md):
//! - Every overseas manufacturer, processor and storage facility of food exported to
//!   China registers with GACC (food additives excepted). The number GACC gives is
//!   printed on the inner and outer packaging; a registration lasts 5 years and its
//!   renewal is applied for 3 to 6 months before it expires.
//! - Article 7: manufacturers of 18 categories are registered on the recommendation of
//!   their country's competent authority ([`categories`]). In the US that is USDA FSIS
//!   for meat and poultry and the FDA (its Export Listing Module) for the others.
//! - Article 9: manufacturers of every other food apply themselves (or through an
//!   agent) in GACC's CIFER system (China Import Food Enterprise Registration, on
//!   singlewindow.cn).
//!
//! [`classify`] puts a product in one of those groups from its HS code and tax class;
//! [`checklist`] turns a merchant's profile, products and acknowledgements into the
//! steps to take.

pub mod categories;
pub mod checklist;

pub use categories::{Authority, Classification, FoodCategory, classify};
pub use checklist::{Checklist, ChecklistInput, ChecklistProduct, Reason, Step, StepId, StepStatus, checklist};

/// Where each step is done. Links, not data: they are shown to merchants as they are.
pub mod links {
    /// GACC's China Import Food Enterprise Registration (self-registration, renewals,
    /// the registration's expiry date).
    pub const CIFER: &str = "https://cifer.singlewindow.cn";
    /// FDA: registration of food facilities (FURLS), required of every US facility
    /// that makes, processes, packs or holds food.
    pub const FDA_FACILITY_REGISTRATION: &str = "https://www.fda.gov/food/guidance-regulation-food-and-dietary-supplements/registration-food-facilities-and-other-submissions";
    /// FDA: export certification and the Export Listing Module, through which the FDA
    /// recommends US facilities of the Article 7 categories to GACC.
    pub const FDA_EXPORT_LISTING: &str =
        "https://www.fda.gov/food/exporting-food-products-united-states/online-applications-export-certificates";
    /// USDA FSIS export library, China: meat and poultry establishments.
    pub const FSIS_CHINA: &str = "https://www.fsis.usda.gov/inspection/import-export/import-export-library/china";
    /// The merchant's own profile, where the GACC number goes.
    pub const PROFILE: &str = "/merchant/profile#food_registration_no";
}
