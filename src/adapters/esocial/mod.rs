//! eSocial out: the events of the consignado month (S-1010, S-1200, S-2299, leiaute S-1.3),
//! their XML signature, the items table for payroll systems that build their own S-1200, and
//! the reconciliation of every contract (installment informed × discount computed × item
//! declared × the S-5003 eSocial returns).
//!
//! The rules, their public sources and the file layouts are in `docs/esocial.md`. In short:
//!
//! - one item per contract with a discount > 0, rubric natureza 9253, `descFolha{tpDesc 1,
//!   instFinanc, nrDoc}`, under `remunPerApur` (S-1200) or `detVerbas` (S-2299); never under
//!   `infoPerAnt`, never a 0.00 item (`TS_vrRubr` > 0);
//! - a contract is declared when its institution has a 3-digit code: every institution of the
//!   Crédito do Trabalhador platform, and a configured institution with `codigo`;
//! - the events are written in canonical form ([`xml`]) and signed, when a certificate is
//!   given, by [`sign`];
//! - the reconciliation predicts eSocial's warnings 1988 (a contract with an installment and no
//!   item) and 1989 (an item without an installment in the government's file).
//!
//! Nothing here decides a discount: the amounts are the domain's results.

pub mod events;
pub mod files;
pub mod month;
pub mod s5003;
pub mod settings;
pub mod sign;
pub mod xml;

pub use month::{declare, EsocialTotals, EventFile, EventType, Plan, TerminationRow, WorkerMonth};
pub use settings::EsocialSettings;
pub use sign::Signer;

/// The file of the eSocial data in a company folder.
pub const SETTINGS_FILE: &str = "esocial.toml";

/// The folder of a company that holds the S-5003 events returned by eSocial (XML files).
pub const RETURNED_DIR: &str = "esocial_retorno";

/// The output folder of the events (one subfolder per event type, one file per event).
pub const EVENTS_DIR: &str = "esocial";

/// Is `code` a valid `instFinanc` (`TS_instFinanc`, `\d{3}`)?
pub fn valid_inst_financ(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Is `contract` a valid `nrDoc` (`TS_nrDoc`)?
pub fn valid_nr_doc(contract: &str) -> bool {
    crate::adapters::credito_trabalhador::record::is_valid_nr_doc(contract)
}
