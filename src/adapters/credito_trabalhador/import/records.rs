//! The records of an import in memory: each record whose fields read is kept as its line of
//! the installments file (one allocation per record), and the employees are matched without
//! allocating (a company of a million employees in a few tens of MB).

use crate::adapters::company::{col_funcionarios, parse_date, Table};
use crate::adapters::credito_trabalhador::{GovInstallment, SourceFormat};
use crate::domain::Competencia;
use crate::money::format_money;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::PathBuf;

/// The columns of the installments file ([`InputFile::ParcelasCredito`]), by position.
pub(super) mod col {
    pub const MATRICULA: usize = 0;
    pub const INSTITUICAO: usize = 1;
    pub const CONTRATO: usize = 2;
    pub const COMPETENCIA: usize = 4;
    pub const VALOR: usize = 5;
    pub const CPF: usize = 7;
    pub const CNPJ_RAIZ: usize = 8;
    pub const COUNT: usize = 15;
}

/// A record whose fields read, kept as its line of the installments file (one allocation per
/// record: a file of a million records fits in a few hundred MB).
pub(super) struct Valid {
    /// The line, fields joined by `;`, without the line end.
    pub(super) line: String,
    /// End of each field in `line`.
    pub(super) ends: [u32; col::COUNT],
    pub(super) competencia: Competencia,
    pub(super) admission: Option<NaiveDate>,
    /// Which file (position in the command line), record number and line in it.
    pub(super) file: usize,
    pub(super) index: usize,
    pub(super) line_no: u32,
}

impl Valid {
    pub(super) fn from_record(r: &GovInstallment, file: usize) -> Valid {
        let date = |d: Option<NaiveDate>| {
            d.map_or_else(String::new, |d| {
                use chrono::Datelike;
                format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
            })
        };
        let fields: [String; col::COUNT] = [
            r.matricula.clone(),
            r.institution_code.clone(),
            r.contract.clone(),
            date(r.contract_start),
            r.competencia.to_iso(),
            format_money(r.installment),
            String::new(),
            r.cpf.clone(),
            r.employer_root.clone(),
            one_line(&r.institution_name),
            date(r.contract_end),
            r.total_installments
                .map_or_else(String::new, |n| n.to_string()),
            r.category.map_or_else(String::new, |n| n.to_string()),
            r.establishment.as_deref().map(one_line).unwrap_or_default(),
            date(r.admission),
        ];
        let (line, ends) = join(fields.iter().map(String::as_str));
        Valid {
            line,
            ends,
            competencia: r.competencia,
            admission: r.admission,
            file,
            index: r.index,
            line_no: r.line,
        }
    }

    pub(super) fn field(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] as usize + 1
        };
        self.line.get(start..self.ends[i] as usize).unwrap_or("")
    }

    /// (matrícula, institution, contract): the prefix of the line.
    pub(super) fn key(&self) -> &str {
        self.line
            .get(..self.ends[col::CONTRATO] as usize)
            .unwrap_or("")
    }
}

/// Fields joined by `;`, with the end of each.
pub(super) fn join<'a>(fields: impl Iterator<Item = &'a str>) -> (String, [u32; col::COUNT]) {
    let mut line = String::with_capacity(160);
    let mut ends = [0u32; col::COUNT];
    for (i, f) in fields.enumerate().take(col::COUNT) {
        if i > 0 {
            line.push(';');
        }
        line.push_str(f);
        ends[i] = u32::try_from(line.len()).unwrap_or(u32::MAX);
    }
    (line, ends)
}

/// A file read: its path, shape and number of records.
pub type FileRead = (PathBuf, SourceFormat, usize);

/// A record read, in file order.
pub(super) enum Record {
    Valid(Valid),
    /// A record whose fields do not read: its report line is already known.
    Invalid(String),
}

/// Text on one line, without `;` (written as `,`) or `"` (as `'`): names and messages go to
/// `;` files read line by line.
pub(super) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ';' => ',',
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// An employee of `funcionarios.csv`, as the import matches it (no allocation: a company of a
/// million employees is matched in a few tens of MB).
#[derive(Clone, Copy)]
pub(super) struct Known {
    /// CPF digits, left-padded to 11 (as the file's are); `None` when it is not 11 digits.
    pub(super) cpf: Option<[u8; 11]>,
    pub(super) admission: Option<NaiveDate>,
}

impl Known {
    pub(super) fn cpf_text(&self) -> &str {
        self.cpf
            .as_ref()
            .and_then(|c| std::str::from_utf8(c).ok())
            .unwrap_or("?")
    }
}

/// CPF digits, left-padded to 11; `None` unless 1 to 11 digits.
pub(super) fn cpf_digits(text: &str) -> Option<[u8; 11]> {
    let mut out = [b'0'; 11];
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 11 {
        return None;
    }
    out[11 - digits.len()..].copy_from_slice(&digits);
    Some(out)
}

/// The employees by matrícula (a repeated matrícula keeps every row).
pub(super) struct Employees<'t> {
    pub(super) first: HashMap<&'t str, Known>,
    pub(super) repeated: Vec<(&'t str, Known)>,
    /// Matrículas by CPF, built the first time a record's matrícula is unknown.
    pub(super) by_cpf: std::cell::OnceCell<HashMap<[u8; 11], Vec<&'t str>>>,
}

impl<'t> Employees<'t> {
    pub(super) fn of(table: &'t Table) -> Employees<'t> {
        let mut first = HashMap::with_capacity(table.len());
        let mut repeated = Vec::new();
        for r in 0..table.len() {
            let matricula = table.field(r, col_funcionarios::MATRICULA);
            let known = Known {
                cpf: cpf_digits(table.field(r, col_funcionarios::CPF)),
                admission: parse_date(table.field(r, col_funcionarios::DATA_ADMISSAO)),
            };
            if first.contains_key(matricula) {
                repeated.push((matricula, known));
            } else {
                first.insert(matricula, known);
            }
        }
        Employees {
            first,
            repeated,
            by_cpf: std::cell::OnceCell::new(),
        }
    }

    /// Every row of `matricula`.
    pub(super) fn rows(&self, matricula: &str) -> Vec<Known> {
        let mut rows: Vec<Known> = self.first.get(matricula).copied().into_iter().collect();
        if !rows.is_empty() {
            rows.extend(
                self.repeated
                    .iter()
                    .filter(|(m, _)| *m == matricula)
                    .map(|(_, k)| *k),
            );
        }
        rows
    }

    /// The matrículas of `cpf` (for the message of a record whose matrícula is unknown).
    pub(super) fn of_cpf(&self, cpf: &str) -> Vec<&'t str> {
        let index = self.by_cpf.get_or_init(|| {
            let mut index: HashMap<[u8; 11], Vec<&'t str>> = HashMap::new();
            let all = self.first.iter().map(|(m, k)| (*m, *k));
            for (m, k) in all.chain(self.repeated.iter().copied()) {
                if let Some(c) = k.cpf {
                    index.entry(c).or_default().push(m);
                }
            }
            for list in index.values_mut() {
                list.sort_unstable();
                list.dedup();
            }
            index
        });
        cpf_digits(cpf)
            .and_then(|c| index.get(&c).cloned())
            .unwrap_or_default()
    }
}
