//! Opening the store and preparing it: migrations, the first operator, demo data.

use crate::config::Settings;
use anyhow::{Context, bail};
use gateway_app::{App, AppSettings};
use gateway_core::payment::PaymentMethod;
use gateway_search::SearchIndex;
use gateway_store::Store;
use std::sync::Arc;

/// Opens and migrates the database `url` names: `sqlite:` or `postgres(ql)://`.
pub async fn open_store(url: &str, pg_max_connections: u32) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = gateway_sqlite::connect(url).await.context("opening the SQLite database")?;
        store.migrate().await.context("migrating the SQLite database")?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = gateway_postgres::connect(url, pg_max_connections).await.context("connecting to PostgreSQL")?;
        store.migrate().await.context("migrating the PostgreSQL database")?;
        Ok(Arc::new(store))
    } else {
        bail!("the database URL must start with sqlite: or postgres://")
    }
}

/// What start-up did, for the banner.
pub struct Prepared {
    pub app: App,
    pub demo: Option<crate::demo::DemoLogins>,
}

/// Opens the store, creates the first operator from the settings when none exists,
/// and loads demo data into a pristine database when asked to.
pub async fn prepare(settings: &Settings) -> anyhow::Result<Prepared> {
    let app = open_app(settings).await?;
    match (&settings.admin_email, &settings.admin_password) {
        (Some(email), Some(password)) => {
            let created = app
                .ensure_first_operator(email, password)
                .await
                .map_err(|e| anyhow::anyhow!("GATEWAY_ADMIN_EMAIL / GATEWAY_ADMIN_PASSWORD: {}", describe(&e)))?;
            if created {
                tracing::info!("first operator created from GATEWAY_ADMIN_EMAIL");
            }
        }
        (None, None) => {}
        _ => bail!("set both GATEWAY_ADMIN_EMAIL and GATEWAY_ADMIN_PASSWORD, or neither"),
    }
    let demo = if settings.demo && app.store().is_pristine().await? {
        Some(crate::demo::load(&app, settings.admin_email.as_deref()).await?)
    } else {
        None
    };
    // Bring the search index up to date before the first request, so a new server
    // (or one whose index was deleted) answers searches correctly from the start.
    let applied = app.catch_up().await.map_err(|e| anyhow::anyhow!("bringing the search index up to date: {e}"))?;
    tracing::info!(events = applied, "search index up to date");
    Ok(Prepared { app, demo })
}

/// The store and this server's search index, opened: what every command needs.
pub async fn open_app(settings: &Settings) -> anyhow::Result<App> {
    open_app_with(settings, true).await
}

/// The store with a throw-away search index in memory: for a command that changes
/// the catalog while a server holds the data directory's index. The servers' own
/// indexes follow the change through the outbox.
pub async fn open_app_without_index(settings: &Settings) -> anyhow::Result<App> {
    open_app_with(settings, false).await
}

async fn open_app_with(settings: &Settings, with_index: bool) -> anyhow::Result<App> {
    // The data directory holds the search index even when the database is elsewhere.
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
    let store = open_store(&settings.effective_database_url(), settings.pg_max_connections).await?;
    tracing::info!(database = store.backend(), "database ready");
    let identity_key = crate::keys::identity_key(settings)?;
    let app_settings = AppSettings { customs: settings.customs.clone(), ..AppSettings::new(identity_key) };
    if !with_index {
        let index = SearchIndex::in_memory().map_err(|e| anyhow::anyhow!("a search index in memory: {e}"))?;
        return Ok(App::new(store, app_settings, Arc::new(index)));
    }
    let index_dir = settings.search_index_dir();
    let index = SearchIndex::open(&index_dir).map_err(|e| {
        anyhow::anyhow!(
            "opening the search index in {}: {e} (is another gateway process using this data directory?)",
            index_dir.display()
        )
    })?;
    let wallets = settings.payments.wallets(&settings.addr.to_string())?;
    let declares = wallets.methods.iter().any(|m| matches!(m, PaymentMethod::Alipay | PaymentMethod::WechatPay));
    let left = crate::customs::placeholders(&settings.customs);
    if declares && !left.is_empty() {
        tracing::warn!(
            placeholders = %left.join(", "),
            "a wallet declares payments to customs but customs registrations are placeholders: set them"
        );
    }
    Ok(App::new(store, app_settings, Arc::new(index)).with_wallets(wallets))
}

/// Serves `app` on `listener` until `shutdown`, the way `gateway serve` runs, with three
/// tasks beside it: the follower that keeps this server's search index in step, the
/// dispatcher that takes its share of the outbox's deliveries, and the payment job
/// that takes its share of the wallets' work (inquiries, expiry, refunds, declarations).
pub async fn run(
    app: App,
    web: gateway_web::WebSettings,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(());
    let until_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.changed().await;
        }
    };
    let follower = tokio::spawn({
        let (app, until_stopped) = (app.clone(), until_stopped.clone());
        async move { app.follow_outbox(until_stopped()).await }
    });
    let dispatcher = tokio::spawn({
        let (app, until_stopped) = (app.clone(), until_stopped.clone());
        async move { app.dispatch_outbox(until_stopped()).await }
    });
    let payments = tokio::spawn({
        let app = app.clone();
        async move { app.run_payment_jobs(until_stopped()).await }
    });
    let served = gateway_web::serve_with(app, web, listener, shutdown).await;
    let _ = stop.send(());
    let _ = follower.await;
    let _ = dispatcher.await;
    let _ = payments.await;
    served
}

/// A start-up error in words, with the fields at fault.
pub fn describe(error: &gateway_app::AppError) -> String {
    match error {
        gateway_app::AppError::Validation(errors) => {
            errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}
