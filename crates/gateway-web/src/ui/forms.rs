//! Forms: the CSRF-checked form extractor, and the app's errors turned into messages
//! beside the fields at fault, in the page's language.

use super::context::Ctx;
use super::csrf;
use super::errors;
use crate::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;
use gateway_app::AppError;
use serde::de::DeserializeOwned;

/// A posted form whose CSRF token checked out, with the page context of the request.
/// Anything else — no token, a wrong one, a body that is not a form — is answered
/// with an error page (403, 415, 400), never a 500.
pub struct PageForm<T> {
    pub ctx: Ctx,
    pub data: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(errors::page(&ctx, StatusCode::UNSUPPORTED_MEDIA_TYPE, "error-bad-form"));
        }
        let Ok(bytes) = axum::body::to_bytes(body, crate::MAX_BODY_BYTES).await else {
            return Err(errors::page(&ctx, StatusCode::PAYLOAD_TOO_LARGE, "error-bad-form"));
        };
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let token = pairs.iter().find(|(k, _)| k == csrf::FIELD).map(|(_, v)| v.as_str());
        if !ctx.csrf_ok(token) {
            tracing::info!(path = %ctx.path, "form refused: missing or wrong CSRF token");
            return Err(errors::page(&ctx, StatusCode::FORBIDDEN, "error-csrf"));
        }
        match serde_urlencoded::from_bytes::<T>(&bytes) {
            Ok(data) => Ok(PageForm { ctx, data }),
            Err(_) => Err(errors::page(&ctx, StatusCode::BAD_REQUEST, "error-bad-form")),
        }
    }
}

/// Messages for a form shown again: one per field at fault, and general ones.
#[derive(Debug, Default)]
pub struct FormErrors {
    pub fields: Vec<(String, String)>,
    pub general: Vec<String>,
}

impl FormErrors {
    /// The message beside `field`, if it is at fault.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    /// One general message.
    pub fn general(message: String) -> Self {
        FormErrors { fields: Vec::new(), general: vec![message] }
    }

    /// The messages for an app error a form can show (validation, a conflict, a
    /// refusal); any other error is its own page (`Err`).
    pub fn from_app(ctx: &Ctx, error: AppError) -> Result<FormErrors, Response> {
        match error {
            AppError::Validation(errors) => Ok(FormErrors {
                fields: errors.iter().map(|e| (e.field.clone(), field_message(ctx, &e.field, &e.message))).collect(),
                general: vec![ctx.t("form-has-errors")],
            }),
            AppError::Conflict { field: Some(field), .. } => {
                let message = ctx.t_dynamic(&format!("err-taken-{}", key_part(field)), "err-conflict");
                Ok(FormErrors { fields: vec![(field.to_string(), message)], general: vec![ctx.t("form-has-errors")] })
            }
            AppError::Conflict { field: None, .. } | AppError::CheckoutInProgress => {
                Ok(FormErrors::general(ctx.t("err-conflict")))
            }
            AppError::Refused(r) => {
                let message = errors::problem_message(ctx, r.code, None, r.remaining.as_deref());
                let fields = r.field.map(|f| vec![(f.clone(), field_message(ctx, &f, &r.message))]).unwrap_or_default();
                Ok(FormErrors { fields, general: vec![message] })
            }
            AppError::InvalidTransition(_) => Ok(FormErrors::general(ctx.t("err-invalid-transition"))),
            other => Err(ctx.fail(other)),
        }
    }
}

/// The builder setters of the form controls, `fn name(mut self, name: T) -> Self`, one
/// per field named ([`Field`], the portal's `Select`, `Choice`).
macro_rules! setters {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(
            pub fn $name(mut self, $name: $ty) -> Self {
                self.$name = $name;
                self
            }
        )*
    };
}
pub(crate) use setters;

/// One labelled control of a form, in every area: a text input, or a text area when
/// `multiline` (templates/field.html), with its hint, its error, and the listing
/// check's problems that concern it.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub error: Option<String>,
    /// Why the product may not be sold, when the listing check blames this field.
    pub problems: Vec<String>,
    /// The input's `type`.
    pub kind: &'static str,
    pub required: bool,
    pub multiline: bool,
    /// The language of the text typed in ("zh-CN" for the Chinese fields), or "".
    pub lang: &'static str,
    pub autocomplete: &'static str,
    pub inputmode: &'static str,
    /// The `step` of a number input ("0.01" for money), or "".
    pub step: &'static str,
    pub maxlength: usize,
}

impl Field {
    /// A required text input named `name`; its error is the one for the same field.
    pub fn new(name: &'static str, label: String, value: impl Into<String>, errors: &FormErrors) -> Self {
        Field {
            name,
            label,
            hint: String::new(),
            value: value.into(),
            error: errors.get(name).map(str::to_string),
            problems: Vec::new(),
            kind: "text",
            required: true,
            multiline: false,
            lang: "",
            autocomplete: "",
            inputmode: "",
            step: "",
            maxlength: 0,
        }
    }

    setters!(
        hint: String,
        kind: &'static str,
        autocomplete: &'static str,
        inputmode: &'static str,
        step: &'static str,
        maxlength: usize,
        problems: Vec<String>,
    );

    /// Takes its error from the app's field path `path` (e.g. `address.city`).
    pub fn error_of(mut self, errors: &FormErrors, path: &str) -> Self {
        self.error = errors.get(path).map(str::to_string);
        self
    }

    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    pub fn multiline(mut self) -> Self {
        self.multiline = true;
        self
    }

    /// Marks the text as Chinese (fonts, spell-checking, screen readers).
    pub fn chinese(mut self) -> Self {
        self.lang = "zh-CN";
        self
    }

    /// The ids the control's `aria-describedby` names: its error, problems and hint.
    pub fn described_by(&self) -> String {
        described_by(self.name, self.error.is_some(), !self.problems.is_empty(), !self.hint.is_empty())
    }
}

/// The ids a control's `aria-describedby` names, those it has of its error, its
/// problems and its hint (inputs and selects name the same three).
pub fn described_by(name: &str, error: bool, problems: bool, hint: bool) -> String {
    let mut ids = Vec::new();
    if error {
        ids.push(format!("{name}-error"));
    }
    if problems {
        ids.push(format!("{name}-problems"));
    }
    if hint {
        ids.push(format!("{name}-hint"));
    }
    ids.join(" ")
}

/// The sign-up form's fields, the same for a shopper (storefront) and a merchant
/// (portal).
pub fn signup_fields(ctx: &Ctx, email: &str, errors: &FormErrors) -> Vec<Field> {
    vec![
        Field::new("email", ctx.t("auth-email"), email, errors).kind("email").autocomplete("email"),
        Field::new("password", ctx.t("auth-password"), "", errors)
            .kind("password")
            .autocomplete("new-password")
            .hint(ctx.t("auth-password-hint")),
    ]
}

/// A field path as it appears in a message key: `address.postal_code` → `address-postal_code`.
fn key_part(field: &str) -> String {
    field.replace('.', "-")
}

/// The message for `field`: "required" when it was missing, else the field's own
/// explanation of what it takes (the app's English text stays in the log).
pub fn field_message(ctx: &Ctx, field: &str, message: &str) -> String {
    if message == "is required" {
        return ctx.t("err-required");
    }
    ctx.t_dynamic(&format!("err-field-{}", key_part(field)), "err-invalid")
}
