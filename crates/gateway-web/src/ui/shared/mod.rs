pub mod bare;
pub mod choice;
pub mod format;
pub mod names;
pub mod orders_view;
pub mod sourcing;
pub mod url;
