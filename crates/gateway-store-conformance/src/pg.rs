//! A throw-away PostgreSQL database per test.
//!
//! Tests that need PostgreSQL read [`TEST_DATABASE_URL_VAR`]; when it is unset they
//! skip. [`fresh_database`] connects to that URL (any database the role may connect
//! to), creates `gw_test_<uuid>` and returns its URL with a guard that drops it again:
//! explicitly with [`DatabaseGuard::drop_database`], or, as a fallback, when the guard
//! is dropped (for example by a panicking test).

use sqlx::{Connection, Executor, PgConnection};

/// The environment variable naming the PostgreSQL server tests may use, such as
/// `postgres://postgres@127.0.0.1:5432/postgres`.
pub const TEST_DATABASE_URL_VAR: &str = "GATEWAY_TEST_DATABASE_URL";

/// The base URL from [`TEST_DATABASE_URL_VAR`], or `None` after printing why the
/// calling test is skipped.
pub fn test_database_url() -> Option<String> {
    match std::env::var(TEST_DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            println!("skipped: {TEST_DATABASE_URL_VAR} not set");
            None
        }
    }
}

/// Creates an empty database on the server of `base_url` and returns its URL (the
/// base URL with its path replaced) and the guard that drops it.
pub async fn fresh_database(base_url: &str) -> Result<(String, DatabaseGuard), sqlx::Error> {
    let name = format!("gw_test_{}", uuid::Uuid::now_v7().simple());
    let mut admin = PgConnection::connect(base_url).await?;
    // The name is generated above from hex digits only, so it needs no quoting rules.
    admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).await?;
    admin.close().await?;
    let url = with_database(base_url, &name);
    Ok((url, DatabaseGuard { admin_url: base_url.to_string(), name, dropped: false }))
}

/// `url` with its path (the database name) replaced by `database`; the scheme,
/// credentials, host and query string are kept.
pub fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let authority = before_query.split_once('/').map_or(before_query, |(authority, _)| authority);
    match query {
        Some(query) => format!("{scheme}{authority}/{database}?{query}"),
        None => format!("{scheme}{authority}/{database}"),
    }
}

/// Drops its database when asked, or else when dropped.
pub struct DatabaseGuard {
    admin_url: String,
    name: String,
    dropped: bool,
}

impl DatabaseGuard {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the database (`WITH (FORCE)`, so connections still open are ended).
    /// Best effort: a failure is printed, not raised, since the test has its verdict.
    pub async fn drop_database(mut self) {
        self.dropped = true;
        if let Err(error) = drop_database(&self.admin_url, &self.name).await {
            eprintln!("could not drop test database {}: {error}", self.name);
        }
    }
}

impl Drop for DatabaseGuard {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        // No async in Drop: drop the database from a short-lived runtime on its own
        // thread, which also works when this runs inside a Tokio runtime.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let worker = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            match runtime {
                Ok(runtime) => {
                    if let Err(error) = runtime.block_on(drop_database(&admin_url, &name)) {
                        eprintln!("could not drop test database {name}: {error}");
                    }
                }
                Err(error) => eprintln!("could not drop test database {name}: {error}"),
            }
        });
        let _ = worker.join();
    }
}

async fn drop_database(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    let mut admin = PgConnection::connect(admin_url).await?;
    admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))).await?;
    admin.close().await
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_only_the_database() {
        let cases = [
            ("postgres://postgres@127.0.0.1:5432/postgres", "postgres://postgres@127.0.0.1:5432/gw"),
            ("postgres://u:p%2Fw@db:5432/app?sslmode=disable", "postgres://u:p%2Fw@db:5432/gw?sslmode=disable"),
            ("postgresql://localhost", "postgresql://localhost/gw"),
            ("postgres://localhost/?host=/run/postgresql", "postgres://localhost/gw?host=/run/postgresql"),
            ("postgres:///postgres?host=/run/postgresql", "postgres:///gw?host=/run/postgresql"),
        ];
        for (url, expected) in cases {
            assert_eq!(with_database(url, "gw"), expected, "{url}");
        }
    }
}
