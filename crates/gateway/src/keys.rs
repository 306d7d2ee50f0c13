//! The identity vault's master key: from GATEWAY_IDENTITY_KEY, or generated once
//! into the data directory for the embedded default.

use crate::config::Settings;
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gateway_app::vault::IdentityVault;
use std::path::Path;

pub const KEY_FILE: &str = "identity.key";

fn decode(text: &str, origin: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = STANDARD.decode(text.trim()).with_context(|| format!("{origin}: not base64"))?;
    match <[u8; 32]>::try_from(bytes.as_slice()) {
        Ok(key) => Ok(key),
        Err(_) => bail!("{origin}: must be 32 bytes in base64 (generate one with `openssl rand -base64 32`)"),
    }
}

pub fn identity_key(settings: &Settings) -> anyhow::Result<[u8; 32]> {
    if let Some(text) = &settings.identity_key {
        return decode(text, "GATEWAY_IDENTITY_KEY");
    }
    if settings.database_url.is_some() {
        tracing::warn!(
            "GATEWAY_IDENTITY_KEY is not set: using a key file in the data directory; servers sharing a database must share the key"
        );
    }
    key_file(&settings.data_dir.join(KEY_FILE))
}

fn key_file(path: &Path) -> anyhow::Result<[u8; 32]> {
    if path.exists() {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        return decode(&text, &path.display().to_string());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let key = IdentityVault::generate_master_key();
    write_private(path, &STANDARD.encode(key)).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated the identity key; back it up with the database");
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(KEY_FILE);
        let first = key_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let second = key_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
        assert!(decode("c2hvcnQ=", "test").is_err());
        assert!(decode(&STANDARD.encode([1u8; 32]), "test").is_ok());
    }
}
