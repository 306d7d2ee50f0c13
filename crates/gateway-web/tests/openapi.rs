//! The OpenAPI document is a contract: any change to it shows up here as a diff to
//! review. After an intended change, regenerate the snapshot with
//! `UPDATE_SNAPSHOTS=1 cargo test -p gateway-web --test openapi`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

#[test]
fn openapi_document_matches_the_snapshot() {
    let actual = gateway_web::openapi().to_pretty_json().unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let first_difference = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .find(|(_, (e, a))| e != a)
            .map(|(i, (e, a))| format!("line {}:\n  snapshot: {e}\n  actual:   {a}", i + 1))
            .unwrap_or_else(|| "one document is a prefix of the other".into());
        panic!(
            "the OpenAPI document changed ({first_difference}).\nIf intended, run UPDATE_SNAPSHOTS=1 cargo test -p gateway-web --test openapi and commit the snapshot."
        );
    }
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let doc = serde_json::to_value(gateway_web::openapi()).unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path} has no success response");
            if op.get("security").is_some() {
                assert!(responses.contains_key("401"), "{method} {path} needs a token but documents no 401");
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &response["content"]["application/problem+json"]["schema"]["$ref"];
                    assert_eq!(schema, "#/components/schemas/Problem", "{method} {path} {status}");
                }
            }
        }
    }
    assert!(operations >= 17, "{operations} operations");
}

/// docs/API.md's route table has a row for every operation of the OpenAPI document,
/// written as the document writes it (``| `POST /api/v1/orders/{id}/{action}` |``), and
/// no row for an operation the document does not have (the document itself aside).
#[test]
fn every_operation_has_a_row_in_the_route_table_of_api_md() {
    let doc = serde_json::to_value(gateway_web::openapi()).unwrap();
    let guide_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/API.md");
    let guide = std::fs::read_to_string(&guide_path).unwrap();
    let rows: Vec<&str> = guide
        .lines()
        .filter_map(|line| line.strip_prefix("| `")?.split_once("` |").map(|(route, _)| route))
        .filter(|route| route.starts_with(|c: char| c.is_ascii_uppercase()) && route.contains(" /"))
        .collect();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    let missing: Vec<&String> = operations.iter().filter(|op| !rows.contains(&op.as_str())).collect();
    assert!(missing.is_empty(), "docs/API.md's route table lacks {} operations: {missing:#?}", missing.len());
    let unknown: Vec<&&str> =
        rows.iter().filter(|row| **row != "GET /api/openapi.json" && !operations.iter().any(|op| op == *row)).collect();
    assert!(unknown.is_empty(), "docs/API.md's route table has rows the OpenAPI document lacks: {unknown:#?}");
    assert!(operations.len() >= 80, "{} operations", operations.len());
}

/// The quote lists `{code, message, product_id?, …}` problems, not error bodies.
#[test]
fn the_quote_problems_have_their_own_schema() {
    let doc = serde_json::to_value(gateway_web::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["QuoteView"]["properties"]["problems"]["items"]["$ref"], "#/components/schemas/QuoteProblem");
    let required = schemas["QuoteProblem"]["required"].as_array().unwrap();
    assert_eq!(required, &["code", "message"]);
    assert!(schemas["Problem"]["required"].as_array().unwrap().contains(&"status".into()));
}
