//! `gateway backup DIR`: what a server on the embedded database needs to come back
//! after a loss — a consistent copy of `gateway.db`, taken while the servers run, and
//! the identity key that decrypts its ID numbers (without it the copy's identities
//! are lost). PostgreSQL has its own tools (pg_dump, or base backups with WAL
//! archiving); docs/OPERATIONS.md shows them and how either kind is restored.

use crate::config::Settings;
use crate::keys::KEY_FILE;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// The file name of the database in the data directory and in a backup.
pub const DATABASE_FILE: &str = "gateway.db";

/// What a backup wrote.
pub struct Backup {
    pub database: PathBuf,
    pub database_bytes: u64,
    /// None when the key comes from GATEWAY_IDENTITY_KEY: it is kept where that is.
    pub key: Option<PathBuf>,
}

/// Backs the embedded database and its key file up into `to`, a new or empty directory.
pub async fn backup(settings: &Settings, to: &Path) -> anyhow::Result<Backup> {
    let url = settings.effective_database_url();
    if !url.starts_with("sqlite:") {
        bail!(
            "the database is PostgreSQL: back it up with pg_dump (or base backups and WAL archiving), \
             as docs/OPERATIONS.md shows; `gateway backup` copies the embedded SQLite database"
        );
    }
    let source = settings.data_dir.join(DATABASE_FILE);
    if settings.database_url.is_none() && !source.exists() {
        bail!("no database at {}: is --data-dir the server's?", source.display());
    }
    if to.exists() && to.read_dir().with_context(|| format!("reading {}", to.display()))?.next().is_some() {
        bail!("{} is not empty: back up into a new directory", to.display());
    }
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;

    let store = gateway_sqlite::connect(&url).await.context("opening the SQLite database")?;
    let database = to.join(DATABASE_FILE);
    store.backup_into(&database).await.context("copying the database (VACUUM INTO)")?;
    let database_bytes = std::fs::metadata(&database)?.len();

    let key = if settings.identity_key.is_some() {
        None
    } else {
        let from = settings.data_dir.join(KEY_FILE);
        let copy = to.join(KEY_FILE);
        std::fs::copy(&from, &copy).with_context(|| format!("copying the identity key {}", from.display()))?;
        Some(copy)
    };
    Ok(Backup { database, database_bytes, key })
}
