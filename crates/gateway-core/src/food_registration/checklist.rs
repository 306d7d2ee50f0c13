//! The Decree 248 readiness checklist: from a merchant's products (classified), its
//! GACC registration number and the steps it has confirmed, which steps are done,
//! which are still to do, which do not apply, and why.
//!
//! Gateway cannot see the FDA's or GACC's records, so two kinds of evidence count:
//! the registration number in the merchant's profile (the one the listing check
//! reads), and the merchant's own confirmation of the steps only it can vouch for
//! (its FDA facility registration, its labels, its renewal date).

use super::categories::{Authority, Classification};
use super::links;
use crate::code_enum;
use crate::product::ProductStatus;

code_enum!(
    /// The checklist's steps, in the order a merchant takes them.
    StepId {
        FdaFacilityRegistration = "fda_facility_registration",
        Recommendation = "competent_authority_recommendation",
        CiferSelfRegistration = "cifer_self_registration",
        RegistrationNumber = "registration_number",
        NumberOnPackaging = "number_on_packaging",
        Renewal = "renewal",
    }
);

code_enum!(
    /// Where a step stands.
    StepStatus { Done = "done", Todo = "todo", NotApplicable = "not_applicable" }
);

code_enum!(
    /// Why a step has its status.
    Reason {
        NoFoodProducts = "no_food_products",
        Acknowledged = "acknowledged",
        NotAcknowledged = "not_acknowledged",
        NoRecommendedProducts = "no_recommended_products",
        RecommendationNeeded = "recommendation_needed",
        NoOtherFood = "no_other_food",
        SelfRegistrationNeeded = "self_registration_needed",
        RegistrationOnFile = "registration_on_file",
        RegistrationMissing = "registration_missing",
        RegistrationFirst = "registration_first",
        NoRegistrationYet = "no_registration_yet",
    }
);

impl StepId {
    /// Steps only the merchant can vouch for: done when it confirms them.
    pub fn acknowledgeable(self) -> bool {
        matches!(self, StepId::FdaFacilityRegistration | StepId::NumberOnPackaging | StepId::Renewal)
    }

    pub fn title_en(self) -> &'static str {
        match self {
            StepId::FdaFacilityRegistration => "Register your facility with the FDA",
            StepId::Recommendation => "Get the competent authority's recommendation",
            StepId::CiferSelfRegistration => "Register in GACC's CIFER system yourself",
            StepId::RegistrationNumber => "Add the GACC registration number to your profile",
            StepId::NumberOnPackaging => "Print the registration number on the packaging",
            StepId::Renewal => "Renew before the registration expires",
        }
    }

    /// What to do, in English (the portal has it in every language).
    pub fn todo_en(self) -> &'static str {
        match self {
            StepId::FdaFacilityRegistration => {
                "Every US facility that makes, processes, packs or holds food needs an FDA food facility registration, renewed from October to December of every even-numbered year. Register or renew it in the FDA's Food Facility Registration module, then confirm it here."
            }
            StepId::Recommendation => {
                "Ask the competent authority to recommend your facility to GACC: the FDA through its Export Listing Module, USDA FSIS for meat and poultry. GACC then issues the registration number and a CIFER account in which you complete the application. The FDA listing is renewed every two years."
            }
            StepId::CiferSelfRegistration => {
                "Create an account in CIFER (cifer.singlewindow.cn) and apply yourself, or through an agent, naming these products and their HS codes. GACC issues the registration number."
            }
            StepId::RegistrationNumber => {
                "Enter the registration number GACC issued in your business profile. Until then the listing check blocks your food products."
            }
            StepId::NumberOnPackaging => {
                "Print the GACC registration number on the inner and the outer packaging of every food product you ship to China, then confirm it here."
            }
            StepId::Renewal => {
                "A GACC registration lasts five years. Look up its expiry date in CIFER and apply for renewal 3 to 6 months before it; confirm here that you have noted the date."
            }
        }
    }
}

impl Reason {
    pub fn why_en(self) -> &'static str {
        match self {
            Reason::NoFoodProducts => "None of your products is food.",
            Reason::Acknowledged => "You confirmed this step.",
            Reason::NotAcknowledged => "You have not confirmed this step yet.",
            Reason::NoRecommendedProducts => {
                "None of your products is in the 18 categories that need the competent authority's recommendation."
            }
            Reason::RecommendationNeeded => {
                "These products are in the 18 categories of Decree 248, Article 7: their manufacturer is registered on the recommendation of the competent authority."
            }
            Reason::NoOtherFood => "None of your food products is outside the 18 categories.",
            Reason::SelfRegistrationNeeded => {
                "These food products are outside the 18 categories: their manufacturer applies to GACC itself (Article 9)."
            }
            Reason::RegistrationOnFile => "Your profile holds a GACC registration number.",
            Reason::RegistrationMissing => {
                "Your profile has no GACC registration number, so these food products are blocked."
            }
            Reason::RegistrationFirst => "Add the registration number first: it is the number to print.",
            Reason::NoRegistrationYet => "There is nothing to renew until you are registered.",
        }
    }
}

/// A product as the checklist needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistProduct {
    pub id: String,
    pub sku: String,
    pub title: String,
    pub hs_code: String,
    pub classification: Classification,
    pub status: ProductStatus,
}

/// What the checklist is computed from.
#[derive(Debug, Clone, Default)]
pub struct ChecklistInput {
    /// The merchant's products, those it withdrew left out.
    pub products: Vec<ChecklistProduct>,
    /// The profile holds a GACC registration number.
    pub has_registration_no: bool,
    /// The steps the merchant confirmed.
    pub acknowledged: Vec<StepId>,
}

/// One step: its status and why, the products it concerns (indexes into
/// [`Checklist::products`]), the authorities to ask, and where to do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: StepId,
    pub status: StepStatus,
    pub reason: Reason,
    pub products: Vec<usize>,
    pub authorities: Vec<Authority>,
    pub links: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub products: Vec<ChecklistProduct>,
    pub steps: Vec<Step>,
}

impl Checklist {
    /// At least one product is food: the checklist concerns the merchant.
    pub fn applies(&self) -> bool {
        self.products.iter().any(|p| p.classification.is_food())
    }

    pub fn applicable(&self) -> usize {
        self.steps.iter().filter(|s| s.status != StepStatus::NotApplicable).count()
    }

    pub fn done(&self) -> usize {
        self.steps.iter().filter(|s| s.status == StepStatus::Done).count()
    }

    /// Nothing left to do.
    pub fn ready(&self) -> bool {
        self.steps.iter().all(|s| s.status != StepStatus::Todo)
    }

    pub fn step(&self, id: StepId) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// The checklist of a merchant.
pub fn checklist(input: ChecklistInput) -> Checklist {
    let ChecklistInput { products, has_registration_no, acknowledged } = input;
    let indexes = |keep: &dyn Fn(&ChecklistProduct) -> bool| -> Vec<usize> {
        products.iter().enumerate().filter(|(_, p)| keep(p)).map(|(i, _)| i).collect()
    };
    let food = indexes(&|p| p.classification.is_food());
    let recommended = indexes(&|p| p.classification.category().is_some());
    let other_food = indexes(&|p| p.classification == Classification::OtherFood);
    let blocked_food = indexes(&|p| p.classification.is_food() && p.status == ProductStatus::Blocked);
    let has_food = !food.is_empty();
    let confirmed = |id: StepId| {
        if acknowledged.contains(&id) {
            (StepStatus::Done, Reason::Acknowledged)
        } else {
            (StepStatus::Todo, Reason::NotAcknowledged)
        }
    };
    let registered = |todo: Reason| {
        if has_registration_no { (StepStatus::Done, Reason::RegistrationOnFile) } else { (StepStatus::Todo, todo) }
    };
    let not_food = (StepStatus::NotApplicable, Reason::NoFoodProducts);

    let mut authorities: Vec<Authority> = Authority::ALL
        .iter()
        .copied()
        .filter(|a| recommended.iter().any(|&i| authority_of(&products[i]) == Some(*a)))
        .collect();
    authorities.dedup();

    let step = |id, (status, reason): (StepStatus, Reason), products: Vec<usize>, authorities, links| Step {
        id,
        status,
        reason,
        products,
        authorities,
        links,
    };
    let mut recommendation_links: Vec<&'static str> = authorities.iter().map(|a| a.link()).collect();
    recommendation_links.push(links::CIFER);

    let steps = vec![
        step(
            StepId::FdaFacilityRegistration,
            if has_food { confirmed(StepId::FdaFacilityRegistration) } else { not_food },
            Vec::new(),
            Vec::new(),
            vec![links::FDA_FACILITY_REGISTRATION],
        ),
        step(
            StepId::Recommendation,
            if recommended.is_empty() {
                (StepStatus::NotApplicable, Reason::NoRecommendedProducts)
            } else {
                registered(Reason::RecommendationNeeded)
            },
            recommended.clone(),
            authorities,
            recommendation_links,
        ),
        step(
            StepId::CiferSelfRegistration,
            if other_food.is_empty() {
                (StepStatus::NotApplicable, Reason::NoOtherFood)
            } else {
                registered(Reason::SelfRegistrationNeeded)
            },
            other_food,
            Vec::new(),
            vec![links::CIFER],
        ),
        step(
            StepId::RegistrationNumber,
            if has_food { registered(Reason::RegistrationMissing) } else { not_food },
            blocked_food,
            Vec::new(),
            vec![links::PROFILE],
        ),
        step(
            StepId::NumberOnPackaging,
            if !has_food {
                not_food
            } else if !has_registration_no {
                (StepStatus::Todo, Reason::RegistrationFirst)
            } else {
                confirmed(StepId::NumberOnPackaging)
            },
            Vec::new(),
            Vec::new(),
            Vec::new(),
        ),
        step(
            StepId::Renewal,
            if !has_food {
                not_food
            } else if !has_registration_no {
                (StepStatus::NotApplicable, Reason::NoRegistrationYet)
            } else {
                confirmed(StepId::Renewal)
            },
            Vec::new(),
            Vec::new(),
            vec![links::CIFER],
        ),
    ];
    Checklist { products, steps }
}

fn authority_of(p: &ChecklistProduct) -> Option<Authority> {
    p.classification.category().map(|c| c.authority())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::food_registration::FoodCategory;

    fn product(sku: &str, classification: Classification, status: ProductStatus) -> ChecklistProduct {
        ChecklistProduct {
            id: format!("id-{sku}"),
            sku: sku.into(),
            title: sku.into(),
            hs_code: "00000000".into(),
            classification,
            status,
        }
    }

    fn honey(status: ProductStatus) -> ChecklistProduct {
        product("honey", Classification::Recommended(FoodCategory::BeeProducts), status)
    }

    fn cider(status: ProductStatus) -> ChecklistProduct {
        product("cider", Classification::OtherFood, status)
    }

    fn mug() -> ChecklistProduct {
        product("mug", Classification::NotFood, ProductStatus::Listed)
    }

    fn states(c: &Checklist) -> Vec<(&'static str, &'static str, &'static str)> {
        c.steps.iter().map(|s| (s.id.as_str(), s.status.as_str(), s.reason.as_str())).collect()
    }

    #[test]
    fn a_merchant_without_food_has_nothing_to_do() {
        let c = checklist(ChecklistInput { products: vec![mug()], ..Default::default() });
        assert!(!c.applies());
        assert!(c.ready());
        assert_eq!((c.done(), c.applicable()), (0, 0));
        assert_eq!(
            states(&c),
            [
                ("fda_facility_registration", "not_applicable", "no_food_products"),
                ("competent_authority_recommendation", "not_applicable", "no_recommended_products"),
                ("cifer_self_registration", "not_applicable", "no_other_food"),
                ("registration_number", "not_applicable", "no_food_products"),
                ("number_on_packaging", "not_applicable", "no_food_products"),
                ("renewal", "not_applicable", "no_food_products"),
            ]
        );
        // No products at all: the same.
        assert_eq!(states(&checklist(ChecklistInput::default())), states(&c));
    }

    #[test]
    fn a_farm_with_honey_and_cider_and_no_registration() {
        let input = ChecklistInput {
            products: vec![honey(ProductStatus::Blocked), cider(ProductStatus::Blocked), mug()],
            has_registration_no: false,
            acknowledged: vec![],
        };
        let c = checklist(input);
        assert!(c.applies());
        assert!(!c.ready());
        assert_eq!(
            states(&c),
            [
                ("fda_facility_registration", "todo", "not_acknowledged"),
                ("competent_authority_recommendation", "todo", "recommendation_needed"),
                ("cifer_self_registration", "todo", "self_registration_needed"),
                ("registration_number", "todo", "registration_missing"),
                ("number_on_packaging", "todo", "registration_first"),
                ("renewal", "not_applicable", "no_registration_yet"),
            ]
        );
        assert_eq!((c.done(), c.applicable()), (0, 5));
        let rec = c.step(StepId::Recommendation).unwrap();
        // Honey (index 0) needs the FDA's recommendation; cider (1) is self-registered.
        assert_eq!(rec.products, [0]);
        assert_eq!(rec.authorities, [Authority::Fda]);
        assert_eq!(rec.links, [links::FDA_EXPORT_LISTING, links::CIFER]);
        assert_eq!(c.step(StepId::CiferSelfRegistration).unwrap().products, [1]);
        // The blocked food products are the registration step's.
        assert_eq!(c.step(StepId::RegistrationNumber).unwrap().products, [0, 1]);
    }

    #[test]
    fn the_registration_number_completes_the_registration_steps() {
        let input = ChecklistInput {
            products: vec![honey(ProductStatus::Listed), cider(ProductStatus::Listed)],
            has_registration_no: true,
            acknowledged: vec![],
        };
        let c = checklist(input);
        assert_eq!(
            states(&c),
            [
                ("fda_facility_registration", "todo", "not_acknowledged"),
                ("competent_authority_recommendation", "done", "registration_on_file"),
                ("cifer_self_registration", "done", "registration_on_file"),
                ("registration_number", "done", "registration_on_file"),
                ("number_on_packaging", "todo", "not_acknowledged"),
                ("renewal", "todo", "not_acknowledged"),
            ]
        );
        assert_eq!((c.done(), c.applicable()), (3, 6));
        assert!(c.step(StepId::RegistrationNumber).unwrap().products.is_empty());
    }

    #[test]
    fn confirmations_finish_the_list() {
        let input = ChecklistInput {
            products: vec![honey(ProductStatus::Listed)],
            has_registration_no: true,
            acknowledged: vec![StepId::FdaFacilityRegistration, StepId::NumberOnPackaging, StepId::Renewal],
        };
        let c = checklist(input);
        assert!(c.ready());
        assert_eq!((c.done(), c.applicable()), (5, 5));
        assert_eq!(c.step(StepId::CiferSelfRegistration).unwrap().status, StepStatus::NotApplicable);
        assert_eq!(c.step(StepId::Renewal).unwrap().reason, Reason::Acknowledged);
    }

    #[test]
    fn a_confirmed_label_without_a_number_is_not_done() {
        let input = ChecklistInput {
            products: vec![honey(ProductStatus::Blocked)],
            has_registration_no: false,
            acknowledged: vec![StepId::NumberOnPackaging, StepId::Renewal, StepId::FdaFacilityRegistration],
        };
        let c = checklist(input);
        assert_eq!(c.step(StepId::FdaFacilityRegistration).unwrap().status, StepStatus::Done);
        let label = c.step(StepId::NumberOnPackaging).unwrap();
        assert_eq!((label.status, label.reason), (StepStatus::Todo, Reason::RegistrationFirst));
        assert_eq!(c.step(StepId::Renewal).unwrap().status, StepStatus::NotApplicable);
    }

    #[test]
    fn meat_asks_fsis_and_both_authorities_are_named_once() {
        let beef = product("beef", Classification::Recommended(FoodCategory::MeatProducts), ProductStatus::Blocked);
        let jerky = product("jerky", Classification::Recommended(FoodCategory::MeatProducts), ProductStatus::Blocked);
        let c = checklist(ChecklistInput { products: vec![beef.clone(), jerky], ..Default::default() });
        assert_eq!(c.step(StepId::Recommendation).unwrap().authorities, [Authority::UsdaFsis]);
        let c = checklist(ChecklistInput { products: vec![honey(ProductStatus::Blocked), beef], ..Default::default() });
        let rec = c.step(StepId::Recommendation).unwrap();
        assert_eq!(rec.authorities, [Authority::Fda, Authority::UsdaFsis]);
        assert_eq!(rec.links, [links::FDA_EXPORT_LISTING, links::FSIS_CHINA, links::CIFER]);
    }

    #[test]
    fn only_three_steps_take_a_confirmation() {
        let ack: Vec<_> = StepId::ALL.iter().filter(|s| s.acknowledgeable()).map(|s| s.as_str()).collect();
        assert_eq!(ack, ["fda_facility_registration", "number_on_packaging", "renewal"]);
        for s in StepId::ALL {
            assert!(!s.title_en().is_empty() && !s.todo_en().is_empty());
        }
        for r in Reason::ALL {
            assert!(r.why_en().ends_with('.'));
        }
    }
}
