//! gateway-load: load scenarios over HTTP against running Gateway servers, on goose.
//! See tools/load/README.md for the scenarios, settings and how BENCHMARKS.md used it.

mod config;
mod fixtures;
mod http;
mod ids;
mod scenarios;
mod summary;

use config::Config;
use fixtures::setup;
use goose::prelude::*;
use scenarios::{checkout, floor, pick_host, product_api, product_page, search, sign_up_consumer};

/// `--host URL`, `--host=URL` or `-H URL` from goose's command line, to default
/// LOAD_HOSTS to.
fn host_argument() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().enumerate().find_map(|(i, a)| match a.as_str() {
        "--host" | "-H" => args.get(i + 1).cloned(),
        _ => a.strip_prefix("--host=").map(str::to_string),
    })
}

fn scenario(name: &str) -> Scenario {
    scenario!(name).register_transaction(transaction!(pick_host).set_name("host").set_on_start())
}

fn checkout_start() -> Transaction {
    transaction!(sign_up_consumer).set_name("consumer").set_on_start()
}

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    let config = match Config::from_env(host_argument().as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("gateway-load: {e}");
            std::process::exit(2);
        }
    };
    let first_host = config.hosts[0].clone();
    Config::set(config);

    let product = scenario("product")
        .register_transaction(transaction!(product_page).set_name("product page"))
        .register_transaction(transaction!(product_api).set_name("product api"));
    let searching = scenario("search").register_transaction(transaction!(search).set_name("search"));
    let buying = scenario("checkout")
        .register_transaction(checkout_start())
        .register_transaction(transaction!(checkout).set_name("checkout"));
    // One shopper's mix: 70% product pages, 20% searches, 10% checkouts.
    let mix = scenario("mix")
        .register_transaction(checkout_start())
        .register_transaction(transaction!(product_page).set_name("product page").set_weight(7)?)
        .register_transaction(transaction!(search).set_name("search").set_weight(2)?)
        .register_transaction(transaction!(checkout).set_name("checkout").set_weight(1)?);
    let floor = scenario("floor").register_transaction(transaction!(floor).set_name("floor"));

    let metrics = GooseAttack::initialize()?
        .set_default(GooseDefault::Host, first_host.as_str())?
        .test_start(transaction!(setup))
        .register_scenario(product)
        .register_scenario(searching)
        .register_scenario(buying)
        .register_scenario(mix)
        .register_scenario(floor)
        .execute()
        .await?;
    summary::print(&metrics);
    Ok(())
}
