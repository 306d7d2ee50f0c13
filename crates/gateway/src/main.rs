//! `gateway`: the marketplace server and its tools.

mod import;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use gateway::config::{DEFAULT_ADDR, DEFAULT_DATA_DIR, FileSettings, Settings};
use std::path::PathBuf;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

#[derive(Parser)]
#[command(
    name = "gateway",
    version,
    about = "Gateway: US small businesses selling to consumers in China, within the CBEC rules."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    common: Common,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (the default when no command is given).
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// The catalog search index.
    #[command(subcommand)]
    Search(SearchCommand),
    /// Copy the embedded database and its identity key into a new directory, while
    /// the server runs (PostgreSQL: use pg_dump; see docs/OPERATIONS.md).
    Backup(BackupArgs),
    /// Import a merchant's products from another shop's export.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Load a synthetic marketplace for load tests and trials: merchants over the 50
    /// states and DC, products from the demo catalogue's templates (listed or blocked
    /// by the listing check), consumers with verified identities. Every seeded
    /// account's password is "gateway-seed". Running servers rebuild their search
    /// index from the catalog when the load ends.
    Seed(SeedArgs),
}

#[derive(Args)]
struct SeedArgs {
    /// Merchants, each with its owner's account (merchant-SEED-I@seed.gateway.test).
    #[arg(long, default_value_t = 0)]
    merchants: u64,
    /// Products, spread unevenly over the merchants.
    #[arg(long, default_value_t = 0)]
    products: u64,
    /// Consumers with a verified identity (consumer-SEED-I@seed.gateway.test).
    #[arg(long, default_value_t = 0)]
    consumers: u64,
    /// The same seed gives the same merchants, products and people.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seed into a database that already holds merchants, products or accounts.
    /// Without it such a database is refused: seeded rows cannot be told apart from
    /// real ones by the app, and there is no command that removes them. Use a --seed
    /// not used before on this database (the e-mail addresses and ids derive from it).
    #[arg(long)]
    append: bool,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A Shopify product CSV export (Products → Export → CSV): previews what would be
    /// created or updated and which rows fail; --apply imports it.
    Shopify(ShopifyArgs),
}

#[derive(Args)]
struct ShopifyArgs {
    /// The CSV file.
    file: PathBuf,
    /// The merchant to import for (its id).
    #[arg(long)]
    merchant: String,
    /// Import, after the file was read to the end without a file error; without it,
    /// only preview.
    #[arg(long)]
    apply: bool,
}

#[derive(Args)]
struct BackupArgs {
    /// The directory to write `gateway.db` and `identity.key` into (new or empty).
    to: PathBuf,
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Rebuild this data directory's search index from the database. A running
    /// server holds its index: stop it first, or ask it with
    /// POST /api/v1/admin/search/reindex.
    Reindex,
}

#[derive(Args, Default)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GATEWAY_ADDR")]
    addr: Option<String>,
    /// Do not load demo data, even into an empty database.
    #[arg(long)]
    no_demo: bool,
    /// Mark every cookie Secure: for a site served over HTTPS through a proxy that
    /// does not send X-Forwarded-Proto (see docs/OPERATIONS.md).
    #[arg(long, env = "GATEWAY_SECURE_COOKIES")]
    secure_cookies: bool,
}

#[derive(Args)]
struct Common {
    /// TOML settings file (below environment variables and flags).
    #[arg(long, env = "GATEWAY_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Directory of the embedded database and other local state.
    #[arg(long, env = "GATEWAY_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://…; default: SQLite in the data directory.
    #[arg(long, env = "GATEWAY_DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// PostgreSQL connections this process may open (default 16; see
    /// docs/OPERATIONS.md on sizing it against the server's max_connections).
    #[arg(long, env = "GATEWAY_PG_MAX_CONNECTIONS", global = true, value_parser = clap::value_parser!(u32).range(1..))]
    pg_max_connections: Option<u32>,
}

fn settings(common: &Common, serve: &ServeArgs) -> anyhow::Result<Settings> {
    let file = match &common.config {
        Some(path) => FileSettings::load(path)?,
        None => FileSettings::default(),
    };
    let addr = serve.addr.clone().or(file.addr).unwrap_or_else(|| DEFAULT_ADDR.to_string());
    let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());
    Ok(Settings {
        addr: addr.parse().with_context(|| format!("--addr {addr}: expected HOST:PORT such as {DEFAULT_ADDR}"))?,
        data_dir: common.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
        database_url: non_empty(common.database_url.clone()).or(file.database_url),
        demo: !serve.no_demo && file.demo.unwrap_or(true),
        secure_cookies: serve.secure_cookies || file.secure_cookies.unwrap_or(false),
        pg_max_connections: common.pg_max_connections.or(file.pg_max_connections).unwrap_or(16),
        admin_email: non_empty(std::env::var("GATEWAY_ADMIN_EMAIL").ok()),
        admin_password: non_empty(std::env::var("GATEWAY_ADMIN_PASSWORD").ok()),
        identity_key: non_empty(std::env::var("GATEWAY_IDENTITY_KEY").ok()),
        payments: gateway::payments::PaymentSettings::from_env()?,
        customs: gateway::customs::resolve(&file.customs.unwrap_or_default(), |name| {
            non_empty(std::env::var(name).ok())
        }),
    })
}

fn init_logging() {
    let default: Targets = "info,sqlx=warn".parse().unwrap_or_default();
    let configured = std::env::var("GATEWAY_LOG").ok().filter(|s| !s.is_empty());
    let parsed = configured.as_deref().map(str::parse::<Targets>);
    let filter = match &parsed {
        Some(Ok(targets)) => targets.clone(),
        _ => default,
    };
    // fmt writes to stdout; colour codes only where a terminal renders them, not in
    // files, journald or a log shipper.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    tracing_subscriber::registry().with(tracing_subscriber::fmt::layer().with_ansi(ansi)).with(filter).init();
    if let Some(Err(error)) = parsed {
        tracing::warn!(%error, "GATEWAY_LOG is not a valid filter (e.g. \"info,gateway_app=debug\"); using the default");
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(?settings, "starting");
    let prepared = gateway::prepare(&settings).await?;
    let listener =
        tokio::net::TcpListener::bind(settings.addr).await.with_context(|| format!("binding {}", settings.addr))?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("Gateway is running at {url}");
    if let Some(demo) = &prepared.demo {
        println!("Demo data loaded: {} merchants, {} products.", demo.merchants, demo.products);
        println!(
            "  operator  {}  (password: {})",
            demo.operator,
            if settings.admin_email.is_some() { "GATEWAY_ADMIN_PASSWORD" } else { demo.password }
        );
        println!("  merchant  {}  (password: {})", demo.merchant, demo.password);
        println!("  consumer  {}  (password: {})", demo.consumer, demo.password);
        println!("Try: curl {url}/api/v1/tax-classes");
    }
    gateway::run(prepared.app, settings.web(), listener, shutdown_signal()).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logging();
    let cli = Cli::parse();
    match cli.command {
        None => serve(settings(&cli.common, &ServeArgs::parse_env())?).await,
        Some(Command::Serve(args)) => serve(settings(&cli.common, &args)?).await,
        Some(Command::Migrate) => {
            let settings = settings(&cli.common, &ServeArgs::default())?;
            if settings.database_url.is_none() {
                std::fs::create_dir_all(&settings.data_dir)?;
            }
            let store = gateway::open_store(&settings.effective_database_url(), 2).await?;
            println!("migrations applied ({})", store.backend());
            Ok(())
        }
        Some(Command::Backup(args)) => {
            let settings = settings(&cli.common, &ServeArgs::default())?;
            let backup = gateway::backup::backup(&settings, &args.to).await?;
            println!("database copied to {} ({} bytes)", backup.database.display(), backup.database_bytes);
            match backup.key {
                Some(key) => {
                    println!("identity key copied to {} (keep it secret, and with the database)", key.display())
                }
                None => println!("identity key: GATEWAY_IDENTITY_KEY (keep it with the backup, elsewhere)"),
            }
            Ok(())
        }
        Some(Command::Import(ImportCommand::Shopify(args))) => {
            let settings = settings(&cli.common, &ServeArgs::default())?;
            import::shopify(&settings, &args.file, &args.merchant, args.apply).await
        }
        Some(Command::Seed(args)) => {
            let settings = settings(&cli.common, &ServeArgs::default())?;
            let plan = gateway_app::seed::SeedPlan {
                merchants: args.merchants,
                products: args.products,
                consumers: args.consumers,
                seed: args.seed,
                append: args.append,
            };
            let report = gateway::seed::run(&settings, plan).await?;
            let c = report.counts;
            let per_second = |n: u64, s: f64| n as f64 / s.max(0.001);
            let consumer_seconds = report.seconds - report.catalog_seconds;
            println!(
                "seeded {} merchants, {} products ({} for sale), {} consumers in {:.1} s ({:.0} rows/s)",
                c.merchants,
                c.products,
                c.for_sale,
                c.consumers,
                report.seconds,
                per_second(c.rows(), report.seconds)
            );
            println!(
                "  catalog   {:.1} s: {:.0} merchants/s (with their users), {:.0} products/s",
                report.catalog_seconds,
                per_second(c.merchants, report.catalog_seconds),
                per_second(c.products, report.catalog_seconds)
            );
            if c.consumers > 0 {
                println!(
                    "  consumers {:.1} s: {:.0} consumers/s (user and identity)",
                    consumer_seconds,
                    per_second(c.consumers, consumer_seconds)
                );
            }
            println!(
                "Sign in as merchant-{seed}-0@{domain} or consumer-{seed}-0@{domain}, password {password}.",
                seed = args.seed,
                domain = gateway_app::seed::SEED_DOMAIN,
                password = gateway_app::seed::SEED_PASSWORD
            );
            if let Some(operator) = report.operator {
                println!("Operator {operator} created (same password).");
            }
            if let Some(rate) = report.fx_rate {
                println!("Exchange rate set to {rate} CNY per USD.");
            }
            println!("Servers rebuild their search index from the catalog when they read this load's event.");
            Ok(())
        }
        Some(Command::Search(SearchCommand::Reindex)) => {
            let settings = settings(&cli.common, &ServeArgs::default())?;
            let app = gateway::open_app(&settings).await?;
            let started = std::time::Instant::now();
            let products = app.rebuild_search_index().await.map_err(|e| anyhow::anyhow!("reindexing: {e}"))?;
            println!(
                "search index rebuilt: {products} products for sale in {:.1} s ({})",
                started.elapsed().as_secs_f64(),
                settings.search_index_dir().display()
            );
            Ok(())
        }
    }
}

impl ServeArgs {
    /// The serve options when no subcommand is given: only the environment applies.
    fn parse_env() -> Self {
        let secure_cookies = std::env::var("GATEWAY_SECURE_COOKIES").is_ok_and(|v| v == "true");
        ServeArgs { addr: std::env::var("GATEWAY_ADDR").ok().filter(|s| !s.is_empty()), no_demo: false, secure_cookies }
    }
}
