//! consignado
pub mod domain;
pub mod formula;
pub mod money;
pub mod adapters;
