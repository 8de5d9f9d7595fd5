//! Constructors for building an [`EmployeeMonth`] in code, the way a payroll engine calling the
//! library does: the required fields as arguments, the optional ones with `with_…` methods.
//!
//! ```
//! use consignado::domain::{Competencia, Employee, EmployeeMonth, Event, EventKind, Movement};
//! use consignado::Decimal;
//!
//! let june = Competencia::new(2025, 6).unwrap();
//! let month = EmployeeMonth::new(
//!     Employee::new("000123", "52998224725", Decimal::new(300000, 2)),
//!     Movement::new(june, vec![Event::new("0001", EventKind::Provento, Decimal::new(300000, 2))])
//!         .with_net_pay(Decimal::new(215217, 2)),
//! );
//! assert_eq!(month.competencia, june);
//! assert_eq!(month.employee.category, 101);
//! assert!(month.contracts.is_empty() && month.termination.is_none());
//! ```

use super::types::{
    ClosedMovement, Competencia, Employee, EmployeeMonth, Event, EventKind, EventNature,
    LoanContract, Movement, OpenProvision, PersonalData, Termination, Vacation,
};
use rust_decimal::Decimal;

impl Event {
    /// An event of common nature, habitual, without INSS or IRRF incidence: the defaults of
    /// `eventos.csv` when its optional columns are empty.
    pub fn new(code: impl Into<String>, kind: EventKind, value: Decimal) -> Self {
        Event {
            code: code.into(),
            kind,
            value,
            inss_incidence: false,
            irrf_incidence: false,
            nature: EventNature::default(),
            habitual: true,
        }
    }

    /// The same event with these incidences (INSS, IRRF): an earning with INSS incidence enters
    /// the remuneração disponível.
    pub fn with_incidence(mut self, inss: bool, irrf: bool) -> Self {
        self.inss_incidence = inss;
        self.irrf_incidence = irrf;
        self
    }

    /// The same event with this nature (INSS, IRRF, compulsória).
    pub fn with_nature(mut self, nature: EventNature) -> Self {
        self.nature = nature;
        self
    }
}

impl Employee {
    /// An employee with what the rules need: matrícula and CPF (text, leading zeros kept) and
    /// the contractual salary; category 101 (empregado geral), no name, no personal data, no
    /// margin distribution.
    pub fn new(matricula: impl Into<String>, cpf: impl Into<String>, salary: Decimal) -> Self {
        Employee {
            matricula: matricula.into(),
            cpf: cpf.into(),
            name: String::new(),
            category: 101,
            salary,
            personal: PersonalData::default(),
            margin_distribution: Vec::new(),
        }
    }

    /// The same employee with this name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The same employee with this personal data (checked by the consistency rules).
    pub fn with_personal(mut self, personal: PersonalData) -> Self {
        self.personal = personal;
        self
    }
}

impl Movement {
    /// The closed monthly payroll (período 1) of `competencia` with these events; the líquido
    /// and the remuneração disponível are computed from the events unless given.
    pub fn new(competencia: Competencia, events: Vec<Event>) -> Self {
        Movement {
            competencia,
            periodo: 1,
            events,
            net_pay: None,
            available_remuneration: None,
        }
    }

    /// The same movement with the líquido informed by the payroll.
    pub fn with_net_pay(mut self, net_pay: Decimal) -> Self {
        self.net_pay = Some(net_pay);
        self
    }

    /// The same movement with the remuneração disponível informed by the payroll.
    pub fn with_available_remuneration(mut self, value: Decimal) -> Self {
        self.available_remuneration = Some(value);
        self
    }
}

impl EmployeeMonth {
    /// The month of `employee` whose payroll is `movement` (its competência is the month's), with
    /// no history, contracts, vacations, open provisions or rescission.
    pub fn new(employee: Employee, movement: Movement) -> Self {
        EmployeeMonth {
            competencia: movement.competencia,
            employee,
            movement,
            history: Vec::new(),
            contracts: Vec::new(),
            vacations: Vec::new(),
            open_provisions: Vec::new(),
            termination: None,
        }
    }

    /// The same month with these earlier closed movements (LIQUIDOFF, the previous 438).
    pub fn with_history(mut self, history: Vec<ClosedMovement>) -> Self {
        self.history = history;
        self
    }

    /// The same month with these loan contracts.
    pub fn with_contracts(mut self, contracts: Vec<LoanContract>) -> Self {
        self.contracts = contracts;
        self
    }

    /// The same month with these vacations.
    pub fn with_vacations(mut self, vacations: Vec<Vacation>) -> Self {
        self.vacations = vacations;
        self
    }

    /// The same month with these open 454 provisions.
    pub fn with_open_provisions(mut self, provisions: Vec<OpenProvision>) -> Self {
        self.open_provisions = provisions;
        self
    }

    /// The same month ending in this rescission.
    pub fn with_termination(mut self, termination: Termination) -> Self {
        self.termination = Some(termination);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The constructors give what the company files give for the same employee: the defaults
    /// are the same as the deserializer's.
    #[test]
    fn same_month_as_the_files_give() {
        let from_files: EmployeeMonth = toml::from_str(
            r#"
            competencia = "2025-06"
            [funcionario]
            matricula = "000123"
            cpf = "02998224725"
            salario = "3000.00"
            [movimento]
            competencia = "2025-06"
            liquido = "2152.17"
            [[movimento.eventos]]
            codigo = "0001"
            tipo = "provento"
            valor = "3000.00"
            "#,
        )
        .unwrap();
        let june = Competencia::new(2025, 6).unwrap();
        let built = EmployeeMonth::new(
            Employee::new("000123", "02998224725", Decimal::new(300000, 2)),
            Movement::new(
                june,
                vec![Event::new(
                    "0001",
                    EventKind::Provento,
                    Decimal::new(300000, 2),
                )],
            )
            .with_net_pay(Decimal::new(215217, 2)),
        );
        assert_eq!(built, from_files);
    }
}
