//! The HTTP suite: a real server per test, driven over HTTP like any client would.
//! Runs on SQLite, and on PostgreSQL when GATEWAY_TEST_DATABASE_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

mod accounts;
mod admin;
mod buying;
mod catalog;
mod cli;
mod common;
mod customs;
mod errors;
mod events;
mod export_ready;
mod food_readiness;
mod impact;
mod imports;
mod merchant_pages;
mod merchants;
mod operator_pages;
mod ops;
mod pages;
mod positive_list;
mod request_ids;
mod scenarios;
mod search;
mod search_pages;
mod seed;
mod servers;
mod shop;
mod sourcing;
mod startup;
mod wallets;
