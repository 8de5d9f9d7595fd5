//! Regras do consignado: the consignado rules as pure functions over plain, serde-able types.
//!
//! No I/O, no global state: functions take the configuration and an employee's month and
//! return owned results, so a monthly batch can compute employees in parallel with one
//! [`CompiledConfig`] (`Send + Sync`). Money is `Decimal`; every rounding goes through
//! [`crate::money`]. Formulas (444, 438, 442) are compiled once by [`crate::formula`] and
//! evaluated per employee; every result carries an [`explain::Explanation`].
//!
//! ```
//! use consignado::domain::{compute_month, CompiledConfig, EmployeeMonth};
//!
//! let config = CompiledConfig::from_toml_str(r#"
//!     [margem]
//!     evento = "0444"
//!     [[eventos]]
//!     codigo = "0444"
//!     tipo = "base_de_calculo"
//!     codigo_calculo = 444
//!     chave_desativada = true
//! "#).unwrap();
//! let month: EmployeeMonth = toml::from_str(r#"
//!     competencia = "2025-06"
//!     [funcionario]
//!     matricula = "000123"
//!     cpf = "52998224725"
//!     salario = "3000.00"
//!     [movimento]
//!     competencia = "2025-06"
//!     liquido = "2152.17"
//! "#).unwrap();
//! let result = compute_month(&config, &month).unwrap();
//! assert_eq!(result.margin.value.to_string(), "753.25"); // 35 % of 2 152.17, down to the centavo
//! ```
//!
//! What the engine does for each calculation code (details and sources in each module):
//!
//! | code | module | rule |
//! |---|---|---|
//! | 444 | [`margin`] | formula value, or `percentual × base` (35 % of líquido or remuneração disponível, down to the centavo); only for eligible employees with a positive líquido; guardrail flag above 35 % of the RD |
//! | — | [`rateio`] | whole margin to each institution; or margin ÷ fator; or the employee's percent distribution (exact cents, largest remainder) |
//! | 438 ← 439 | [`discount`] | formula value per institution, or the legal rule: all discounts ≤ 35 % of the base, oldest contract first, partial discount, shortfall per contract, no carry-over |
//! | 442 ← 443 | [`rescission`] | same on the rescission (installment of the month or saldo devedor), open 454 returned as 456 |
//! | 453–456 | [`vacation`] | 453 = round(base × d1 / 30), 454 = round(base × (d1+d2) / 30) − 453, 455 = 453 and 456 = 454 in the payrolls |
//! | — | [`consistency`] | phone with valid DDD, work e-mail, birth date, RG, mother's name, salary > 0 (and CPF) |
//!
//! Configuration: [`config`] (TOML, validated with every violation reported at once).
//! Per-employee entry point: [`compute_month`].

pub mod build;
pub mod config;
pub mod consistency;
pub mod discount;
pub mod engine;
pub mod error;
pub mod explain;
mod fast;
mod formulas;
pub mod margin;
pub mod platform;
pub mod rateio;
pub mod rescission;
pub(crate) mod serde_util;
mod small;
pub mod types;
pub mod vacation;

pub use config::Config;
pub use engine::{
    compute_month, compute_month_with, formula_variables, CompiledConfig, ComputeOptions,
    EmployeeResult, OutputEvent, ALL_FORMULA_VARIABLES,
};
pub use error::{DomainError, DomainIssue, Severity};
pub use explain::Explanation;
pub use types::{
    ClosedMovement, Competencia, Employee, EmployeeMonth, Event, EventKind, EventNature,
    Installment, LoanContract, Movement, OpenProvision, PersonalData, Phone, Termination, Vacation,
};
