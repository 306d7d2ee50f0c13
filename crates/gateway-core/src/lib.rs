//! The pure domain of Gateway: identifiers, money, exchange rates, validation newtypes
//! and state machines. Nothing here does I/O; everything here is deterministic and
//! tested beside the code.
//!
//! Types follow "parse, don't validate": a value of `Sku`, `UsState` or `Usd` is valid
//! by construction, so code that receives one never checks it again.

pub mod ach;
pub mod clock;
pub mod decimal;
pub mod event;
pub mod food_registration;
pub mod freight;
pub mod fx;
pub mod identity;
pub mod ids;
pub mod merchant;
pub mod money;
pub mod order;
pub mod payment;
pub mod positive_list;
pub mod product;
pub mod scenario;
pub mod sourcing;
pub mod tax;
pub mod tax_class;
pub mod text;
pub mod user;
pub mod validation;

pub use fx::FxRate;
pub use ids::{
    CartId, EventId, ImportId, MerchantId, MessageId, NotificationId, OrderId, PaymentId, ProductId, RefundId,
    RegistrationId, SourcingRequestId, UserId,
};
pub use money::{Cny, Usd};
// For `code_enum!`, whose types serialise as their code wherever the macro is used.
#[doc(hidden)]
pub use serde as __serde;
pub use validation::{FieldError, Validation};
