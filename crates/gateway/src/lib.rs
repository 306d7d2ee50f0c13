//! The `gateway` binary's library half: configuration, opening the store the URL
//! names, start-up (first operator, demo data). Kept as a library so the HTTP test
//! suite starts servers exactly the way `gateway serve` does.

pub mod backup;
pub mod config;
pub mod customs;
pub mod demo;
pub mod keys;
pub mod payments;
pub mod progress;
pub mod seed;
pub mod startup;

pub use startup::{open_app, open_app_without_index, open_store, prepare, run};

#[cfg(test)]
mod architecture {
    //! ARCHITECTURE.md: the domain and the storage contract stay free of I/O
    //! frameworks, and the crate graph points one way.
    use std::collections::BTreeSet;
    use std::process::Command;

    /// The names of `package`'s normal (non-dev, non-build) dependencies, transitively,
    /// for the platform being built.
    fn dependency_closure(package: &str) -> BTreeSet<String> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(cargo)
            .args([
                "tree",
                "--offline",
                "--edges",
                "normal",
                "--prefix",
                "none",
                "--format",
                "{p}",
                "--package",
                package,
            ])
            .arg("--manifest-path")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml"))
            .output()
            .unwrap_or_else(|e| panic!("cargo tree: {e}"));
        assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .skip(1) // the package itself
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn core_and_store_have_no_io_framework() {
        for package in ["gateway-core", "gateway-store"] {
            let deps = dependency_closure(package);
            assert!(!deps.is_empty() || package == "gateway-core", "{package} has no dependencies?");
            for forbidden in
                ["sqlx", "sqlx-core", "axum", "tokio", "hyper", "gateway-sqlx", "gateway-app", "gateway-web"]
            {
                assert!(!deps.contains(forbidden), "{package} must not depend on {forbidden}");
            }
        }
    }

    #[test]
    fn the_crate_graph_points_one_way() {
        let app = dependency_closure("gateway-app");
        for forbidden in ["gateway-web", "gateway-sqlite", "gateway-postgres", "gateway-sqlx", "sqlx", "axum"] {
            assert!(!app.contains(forbidden), "gateway-app must not depend on {forbidden}");
        }
        let web = dependency_closure("gateway-web");
        for forbidden in ["gateway-sqlite", "gateway-postgres", "gateway-sqlx", "sqlx"] {
            assert!(!web.contains(forbidden), "gateway-web must not depend on {forbidden} (no SQL in handlers)");
        }
        assert!(dependency_closure("gateway-sqlite").contains("gateway-store"));
    }
}
