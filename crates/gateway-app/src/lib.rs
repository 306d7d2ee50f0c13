//! Gateway's use cases. The JSON API and the HTML pages call these functions and
//! nothing else: every rule about who may do what, and every validation, lives here
//! or in gateway-core, once.

pub mod auth;
pub mod error;
pub mod fx;
pub mod input;
pub mod merchants;
pub mod pagination;
pub mod products;
pub mod tax_classes;

pub use auth::Principal;
pub use error::{AppError, AppResult};

use gateway_store::Store;
use std::sync::Arc;

/// The application: a store and the settings the use cases need. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    settings: Arc<AppSettings>,
}

#[derive(Debug, Clone)]
pub struct AppSettings {
    /// How long a bearer token or a session cookie stays valid.
    pub session_ttl: chrono::Duration,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self { session_ttl: chrono::Duration::days(30) }
    }
}

impl App {
    pub fn new(store: Arc<dyn Store>, settings: AppSettings) -> Self {
        Self { store, settings: Arc::new(settings) }
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }
}
