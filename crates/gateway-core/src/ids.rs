//! Identifiers: UUIDv7 newtypes, so ids sort by creation time and a merchant id can
//! never be passed where a product id is expected.

use std::fmt;
use std::str::FromStr;
pub use uuid::Uuid as RawUuid;
use uuid::Uuid;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::try_parse(s).map(Self)
            }
        }
    )*};
}

id_type!(
    UserId,
    MerchantId,
    ProductId,
    CartId,
    OrderId,
    PaymentId,
    RefundId,
    ImportId,
    EventId,
    RegistrationId,
    SourcingRequestId,
    NotificationId,
    MessageId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_time_ordered_and_round_trip() {
        let a = ProductId::new();
        let b = ProductId::new();
        assert!(a < b);
        assert_eq!(a.to_string().parse::<ProductId>().ok(), Some(a));
        assert!("not-a-uuid".parse::<ProductId>().is_err());
    }
}
