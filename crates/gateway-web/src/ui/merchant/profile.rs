//! The business profile (SPEC 7): filled once after sign-up, then edited. A new
//! profile waits for an operator's approval; the portal's home says where it stands.

use super::portal::{Chrome, Portal};
use super::widgets::{Control, Section, Select, blank_is_required, input, non_blank, whole_number};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::forms::{FormErrors, PageForm};
use crate::ui::shared::choice::{Choice, state_choices};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gateway_app::input::BilingualInput;
use gateway_app::merchants::{MerchantInput, MerchantView};
use gateway_app::{AppError, Principal};
use gateway_core::MerchantId;
use gateway_core::merchant::{Fulfilment, MerchantKind};
use serde::Deserialize;

/// The form as typed: every field text, so that whatever was sent comes back.
#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    pub legal_name: Option<String>,
    pub display_name_en: Option<String>,
    pub display_name_zh: Option<String>,
    pub kind: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub zip: Option<String>,
    pub employees: Option<String>,
    /// `yes` or `no`.
    pub exported_before: Option<String>,
    pub fulfilment: Option<String>,
    pub food_registration_no: Option<String>,
    pub story_en: Option<String>,
    pub story_zh: Option<String>,
}

impl ProfileForm {
    fn of(m: &MerchantView) -> Self {
        ProfileForm {
            legal_name: Some(m.legal_name.clone()),
            display_name_en: Some(m.display_name.en.clone()),
            display_name_zh: m.display_name.zh.clone(),
            kind: Some(m.kind.into()),
            state: Some(m.state.into()),
            city: Some(m.city.clone()),
            zip: m.zip.clone(),
            employees: m.employees.map(|n| n.to_string()),
            exported_before: m.exported_before.map(|b| if b { "yes" } else { "no" }.into()),
            fulfilment: Some(m.fulfilment.into()),
            food_registration_no: m.food_registration_no.clone().flatten(),
            story_en: m.story.as_ref().map(|s| s.en.clone()),
            story_zh: m.story.as_ref().and_then(|s| s.zh.clone()),
        }
    }

    /// The app's input: every field given, so that an edit saves exactly the form
    /// (an emptied optional field clears it).
    fn input(&self) -> MerchantInput {
        let text = |t: &Option<String>| Some(t.clone().unwrap_or_default());
        MerchantInput {
            legal_name: text(&self.legal_name),
            display_name: Some(BilingualInput {
                en: text(&self.display_name_en),
                zh: non_blank(&self.display_name_zh),
            }),
            kind: text(&self.kind),
            state: text(&self.state),
            city: text(&self.city),
            zip: text(&self.zip),
            employees: Some(whole_number(self.employees.as_deref())),
            exported_before: match self.exported_before.as_deref() {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => None,
            },
            fulfilment: text(&self.fulfilment),
            food_registration_no: text(&self.food_registration_no),
            story: Some(BilingualInput { en: text(&self.story_en), zh: non_blank(&self.story_zh) }),
        }
    }

    /// What was sent, by the app's field paths (for "please fill this in").
    fn submitted(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            ("legal_name", self.legal_name.as_deref()),
            ("display_name.en", self.display_name_en.as_deref()),
            ("kind", self.kind.as_deref()),
            ("state", self.state.as_deref()),
            ("city", self.city.as_deref()),
            ("zip", self.zip.as_deref()),
            ("employees", self.employees.as_deref()),
            ("fulfilment", self.fulfilment.as_deref()),
            ("story.en", self.story_en.as_deref()),
        ]
    }
}

#[derive(Template)]
#[template(path = "merchant/profile.html")]
pub struct ProfilePage<'a> {
    pub c: &'a Ctx,
    /// None until the business exists (the first time).
    pub chrome: Option<Chrome>,
    pub sections: Vec<Section>,
    pub errors: FormErrors,
}

fn page<'a>(ctx: &'a Ctx, chrome: Option<Chrome>, f: &ProfileForm, errors: FormErrors) -> ProfilePage<'a> {
    let v = |t: &Option<String>| t.clone().unwrap_or_default();
    let e = &errors;
    let kinds = MerchantKind::CODES
        .iter()
        .map(|&k| Choice::new(k, ctx.t_dynamic(&format!("merchant-kind-{k}"), "merchant-kind-farm"), &v(&f.kind)))
        .collect();
    let states = state_choices(ctx, &v(&f.state));
    let exported = v(&f.exported_before);
    let fulfilment = v(&f.fulfilment);
    let business = vec![
        Control::Input(
            input("legal_name", ctx.t("profile-legal-name"), v(&f.legal_name), e, "legal_name")
                .hint(ctx.t("profile-legal-name-hint"))
                .autocomplete("organization")
                .maxlength(200),
        ),
        Control::Input(
            input("display_name_en", ctx.t("profile-display-name-en"), v(&f.display_name_en), e, "display_name.en")
                .hint(ctx.t("profile-display-name-en-hint"))
                .maxlength(120),
        ),
        Control::Input(
            input("display_name_zh", ctx.t("profile-display-name-zh"), v(&f.display_name_zh), e, "display_name.zh")
                .hint(ctx.t("profile-display-name-zh-hint"))
                .chinese()
                .optional()
                .maxlength(120),
        ),
        Control::Select(
            Select::new("kind", ctx.t("profile-kind"), kinds, e, "kind").placeholder(ctx.t("portal-choose")),
        ),
    ];
    let place = vec![
        Control::Select(
            Select::new("state", ctx.t("profile-state"), states, e, "state").placeholder(ctx.t("portal-choose")),
        ),
        Control::Input(
            input("city", ctx.t("profile-city"), v(&f.city), e, "city").autocomplete("address-level2").maxlength(100),
        ),
        Control::Input(
            input("zip", ctx.t("profile-zip"), v(&f.zip), e, "zip")
                .hint(ctx.t("profile-zip-hint"))
                .autocomplete("postal-code")
                .inputmode("numeric")
                .maxlength(10),
        ),
    ];
    let export = vec![
        Control::Input(
            input("employees", ctx.t("profile-employees"), v(&f.employees), e, "employees")
                .hint(ctx.t("profile-employees-hint"))
                .kind("number")
                .inputmode("numeric")
                .step("1"),
        ),
        Control::Radios(Select::new(
            "exported_before",
            ctx.t("profile-exported-before"),
            vec![Choice::new("yes", ctx.t("portal-yes"), &exported), Choice::new("no", ctx.t("portal-no"), &exported)],
            e,
            "exported_before",
        )),
        Control::Radios(Select::new(
            "fulfilment",
            ctx.t("profile-fulfilment"),
            Fulfilment::CODES
                .iter()
                .map(|&m| {
                    Choice::new(m, ctx.t_dynamic(&format!("fulfilment-{m}"), "fulfilment-direct_mail"), &fulfilment)
                        .hint(ctx.t_dynamic(&format!("fulfilment-{m}-hint"), "fulfilment-direct_mail-hint"))
                })
                .collect(),
            e,
            "fulfilment",
        )),
        Control::Input(
            input(
                "food_registration_no",
                ctx.t("profile-food-registration"),
                v(&f.food_registration_no),
                e,
                "food_registration_no",
            )
            .hint(ctx.t("profile-food-registration-hint"))
            .optional()
            .maxlength(30),
        ),
    ];
    let story = vec![
        Control::Input(
            input("story_en", ctx.t("profile-story-en"), v(&f.story_en), e, "story.en")
                .hint(ctx.t("profile-story-en-hint"))
                .multiline()
                .optional()
                .maxlength(2000),
        ),
        Control::Input(
            input("story_zh", ctx.t("profile-story-zh"), v(&f.story_zh), e, "story.zh")
                .hint(ctx.t("profile-story-zh-hint"))
                .multiline()
                .chinese()
                .optional()
                .maxlength(2000),
        ),
    ];
    ProfilePage {
        c: ctx,
        chrome,
        sections: vec![
            Section { legend: ctx.t("profile-section-business"), controls: business },
            Section { legend: ctx.t("profile-section-place"), controls: place },
            Section { legend: ctx.t("profile-section-export"), controls: export },
            Section { legend: ctx.t("profile-section-story"), controls: story },
        ],
        errors,
    }
}

/// The signed-in merchant user and their business, if it exists yet.
async fn current(s: &AppState, ctx: &Ctx) -> Result<(Principal, Option<MerchantView>), Response> {
    let who = ctx.require_merchant()?.clone();
    match s.app.my_merchant(&who).await {
        Ok(m) => Ok((who, Some(m))),
        Err(AppError::NotFound(_)) => Ok((who, None)),
        Err(other) => Err(ctx.fail(other)),
    }
}

fn chrome_of(ctx: &Ctx, who: &Principal, merchant: Option<MerchantView>) -> Option<Chrome> {
    Some(Portal { who: who.clone(), merchant: merchant?, unread: 0 }.chrome(ctx, "/merchant/profile"))
}

pub async fn form(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let (who, merchant) = current(&s, &ctx).await?;
    let f = merchant.as_ref().map(ProfileForm::of).unwrap_or_default();
    let chrome = chrome_of(&ctx, &who, merchant);
    Ok(ctx.render(&page(&ctx, chrome, &f, FormErrors::default())))
}

/// Creates the business the first time, edits it afterwards.
pub async fn submit(State(s): State<AppState>, form: PageForm<ProfileForm>) -> PageResult {
    let PageForm { ctx, data } = form;
    let (who, merchant) = current(&s, &ctx).await?;
    let existing: Option<MerchantId> = merchant.as_ref().map(|m| m.id);
    let result = match existing {
        Some(id) => s.app.update_merchant(&who, id, data.input()).await.map(|_| "saved"),
        None => s.app.create_merchant(&who, data.input()).await.map(|_| "created"),
    };
    match result {
        Ok(what) => Ok(ctx.redirect(&format!("/merchant?profile={what}"))),
        Err(error) => {
            let mut errors = FormErrors::from_app(&ctx, error)?;
            blank_is_required(&ctx, &mut errors, &data.submitted());
            let chrome = chrome_of(&ctx, &who, merchant);
            Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&ctx, chrome, &data, errors)))
        }
    }
}
