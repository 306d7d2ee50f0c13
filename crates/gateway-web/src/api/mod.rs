//! The JSON API (SPEC 9), one module per resource.

mod accounts;
mod admin;
mod buying;
mod catalog;
mod customs;
mod events;
mod export_ready;
mod food_readiness;
mod impact;
mod imports;
mod merchants;
mod ops;
mod payments;
mod positive_list;
mod scenarios;
mod sourcing;

use crate::AppState;
use utoipa::openapi::RefOr;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gateway API",
        description = "Cross-border marketplace: US small businesses sell to consumers in mainland China within the CBEC rules. Money is written as two-decimal strings; errors are RFC 9457 problem details with a stable `code`.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    components(schemas(crate::error::Problem))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    let mut router = operations();
    answer_problems_as_problem_json(router.get_openapi_mut());
    router
}

/// Every error leaves as `application/problem+json` (`crate::error`). The annotations
/// write `body = Problem`, which utoipa files under `application/json`; this moves
/// each 4xx and 5xx body to the problem media type, in one place for every operation.
/// It also documents, in the same place, the answers that the shared extractors give
/// before a handler runs, so that no annotation can forget them.
fn answer_problems_as_problem_json(openapi: &mut utoipa::openapi::OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, description) in extractor_answers(operation) {
                operation.responses.responses.entry(status.to_string()).or_insert_with(|| problem(description));
            }
            for (status, response) in &mut operation.responses.responses {
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                if let RefOr::T(response) = response
                    && let Some(content) = response.content.shift_remove("application/json")
                {
                    response.content.insert("application/problem+json".to_string(), content);
                }
            }
        }
    }
}

/// The problems `crate::extract` answers for what an operation takes.
fn extractor_answers(operation: &utoipa::openapi::path::Operation) -> Vec<(u16, &'static str)> {
    use utoipa::openapi::path::ParameterIn;
    let mut answers = Vec::new();
    // The bearer token is checked before anything else (`Auth`, and `MaybeAuth` for a
    // token that is present but wrong): an optional token is `security: [{}, bearer]`.
    if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
        answers.push((401, "no token, or an unknown or expired one"));
    }
    let takes = |place: ParameterIn| {
        operation.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
    };
    // An id that does not parse names nothing (`path_id`).
    if takes(ParameterIn::Path) {
        answers.push((404, "nothing has this id"));
    }
    if takes(ParameterIn::Query) {
        answers.push((422, "a query parameter is invalid"));
    }
    if let Some(body) = &operation.request_body {
        answers.push((400, "the body is malformed or could not be read"));
        answers.push((413, "the body is larger than the operation accepts"));
        answers.push((415, "the body is not of the media type the operation accepts"));
        if matches!(body, RefOr::T(body) if body.content.contains_key("application/json")) {
            answers.push((422, "a field is missing, mistyped or invalid; see errors"));
        }
    }
    answers
}

/// A problem answer, filed under `application/json` like the annotations' until the
/// pass above moves it.
fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    let problem =
        utoipa::openapi::ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name("Problem"))).build();
    RefOr::T(
        utoipa::openapi::ResponseBuilder::new().description(description).content("application/json", problem).build(),
    )
}

/// The operations, each from its annotation.
fn operations() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(accounts::signup))
        .routes(routes!(accounts::login))
        .routes(routes!(accounts::logout))
        .routes(routes!(accounts::me))
        .routes(routes!(merchants::create_merchant))
        .routes(routes!(merchants::get_merchant, merchants::update_merchant))
        .routes(routes!(merchants::my_merchant))
        .routes(routes!(merchants::list_merchants))
        .routes(routes!(merchants::act_on_merchant))
        .routes(routes!(food_readiness::food_readiness))
        .routes(routes!(export_ready::export_ready))
        .routes(routes!(export_ready::export_ready_summary))
        .routes(routes!(food_readiness::acknowledge_step))
        .routes(routes!(catalog::create_product, catalog::list_merchant_products))
        .routes(routes!(catalog::get_product, catalog::update_product))
        .routes(routes!(catalog::tax_classes))
        .routes(routes!(catalog::set_fx_rate))
        .routes(routes!(catalog::get_fx_rate))
        .routes(routes!(catalog::search))
        .routes(routes!(catalog::suggest_title_zh))
        .routes(routes!(catalog::reindex))
        .routes(routes!(buying::put_identity, buying::get_identity))
        .routes(routes!(buying::quota))
        .routes(routes!(buying::create_cart))
        .routes(routes!(buying::get_cart))
        .routes(routes!(buying::set_item))
        .routes(routes!(buying::quote))
        .routes(routes!(buying::checkout))
        .routes(routes!(buying::get_order))
        .routes(routes!(buying::my_orders))
        .routes(routes!(buying::merchant_orders))
        .routes(routes!(buying::ship))
        .routes(routes!(buying::act))
        .routes(routes!(payments::alipay_notify))
        .routes(routes!(payments::wechat_pay_notify))
        .routes(routes!(payments::get_payment))
        .routes(routes!(payments::list_payments))
        .routes(routes!(customs::ceb311))
        .routes(routes!(customs::ceb621))
        .routes(routes!(customs::ceb411))
        .routes(routes!(customs::ceb511))
        .routes(routes!(customs::check))
        .routes(routes!(admin::put_tax_class))
        .routes(routes!(admin::get_freight))
        .routes(routes!(admin::put_freight))
        .routes(routes!(admin::list_orders))
        .routes(routes!(positive_list::list))
        .routes(routes!(positive_list::put_entry, positive_list::delete_entry))
        .routes(routes!(positive_list::recheck_all))
        .routes(routes!(scenarios::preview))
        .routes(routes!(events::list_events))
        .routes(routes!(events::get_event))
        .routes(routes!(events::register))
        .routes(routes!(events::get_registration))
        .routes(routes!(events::cancel_registration))
        .routes(routes!(events::registration_calendar))
        .routes(routes!(events::admin_list_events, events::create_event))
        .routes(routes!(events::update_event))
        .routes(routes!(events::check_in))
        .routes(routes!(events::list_registrations))
        .routes(routes!(events::registrations_by_state))
        .routes(routes!(impact::impact))
        .routes(routes!(impact::impact_csv))
        .routes(routes!(impact::put_headcount))
        .routes(routes!(impact::list_headcount))
        .routes(routes!(sourcing::get_buyer_profile, sourcing::put_buyer_profile))
        .routes(routes!(sourcing::post_request, sourcing::list_requests))
        .routes(routes!(sourcing::get_request))
        .routes(routes!(sourcing::close_request))
        .routes(routes!(sourcing::put_offer))
        .routes(routes!(sourcing::get_thread))
        .routes(routes!(sourcing::post_message))
        .routes(routes!(sourcing::accept))
        .routes(routes!(sourcing::notifications))
        .routes(routes!(sourcing::read_notifications))
        .merge(
            // Uploads are larger than the 1 MiB of other bodies.
            OpenApiRouter::new()
                .routes(routes!(imports::preview_shopify))
                .routes(routes!(imports::apply_import))
                .layer(axum::extract::DefaultBodyLimit::max(imports::IMPORT_BODY_LIMIT)),
        )
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::metrics))
}
