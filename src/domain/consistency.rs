//! Consistência cadastral — required before an employee's data goes to an institution
//! (SPEC §2.6; seed 002 "Regras (campos obrigatórios informados no vínculo funcional do erp)").
//!
//! Each violation is a [`DomainIssue`] (code `D7xx`) with the field and a Portuguese message;
//! an employee with any violation gets no margin sent (payroll discounts still happen: they are
//! the employer's legal duty, not data sent to a bank).
//!
//! | field | rule |
//! |---|---|
//! | `dados_pessoais.telefones` | at least one phone whose DDD is numeric 10..99 and whose number has 8 or 9 digits (spaces, dots and hyphens ignored) |
//! | `dados_pessoais.email_funcional` | present, one `@`, non-empty local part, a domain with a dot and no spaces |
//! | `dados_pessoais.data_nascimento` | present and before the competência |
//! | `dados_pessoais.rg_numero`, `rg_orgao_emissor`, `rg_data_emissao` | present (the issue date not after the competência) |
//! | `dados_pessoais.nome_mae` | not empty ("Mãe Desconhecida" is valid) |
//! | `salario` | > 0 |
//! | `matricula`, `cpf` | not empty; the CPF has 11 digits and valid check digits (added: institutions identify the borrower by CPF) |

use super::error::DomainIssue;
use super::types::{Competencia, Employee};
use chrono::{Datelike, NaiveDate};

/// How many digits `s` has once separators (space, `-`, `.`, `(`, `)`) are skipped; `None`
/// when anything else is left or nothing is. Allocates nothing.
fn digit_count(s: &str) -> Option<usize> {
    // By bytes: a byte of a non-ASCII character is neither a separator nor a digit, as the
    // character itself.
    let mut count = 0;
    for b in s.bytes() {
        if matches!(b, b' ' | b'-' | b'.' | b'(' | b')') {
            continue;
        }
        if !b.is_ascii_digit() {
            return None;
        }
        count += 1;
    }
    (count > 0).then_some(count)
}

/// True for a DDD that is numeric and in 10..=99.
pub fn valid_ddd(ddd: &str) -> bool {
    // Two digits, the first not 0: what parses as a `u8` in 10..=99 in two characters.
    matches!(ddd.trim().as_bytes(), [b'1'..=b'9', b'0'..=b'9'])
}

/// True for a phone number of 8 or 9 digits (separators ignored).
pub fn valid_phone_number(number: &str) -> bool {
    digit_count(number).is_some_and(|n| (8..=9).contains(&n))
}

/// A plausible e-mail address (no network check).
pub fn valid_email(email: &str) -> bool {
    // The usual address is printable ASCII (no whitespace, no control character): then the
    // trim and the whitespace test of `valid_email_unicode` have nothing to do, and the rest
    // is checked on the bytes. Anything else goes the general way.
    let bytes = email.as_bytes();
    // Without an early exit, so that the compiler checks many bytes at a time.
    let printable = bytes
        .iter()
        .fold(true, |ok, &b| ok & (b > b' ') & (b < 0x80));
    if !printable {
        return valid_email_unicode(email);
    }
    let Some(at) = bytes.iter().position(|&b| b == b'@') else {
        return false;
    };
    let domain = &bytes[at + 1..];
    // Without an early exit, as above.
    let (more_at, dot) = domain.iter().fold((false, false), |(a, d), &b| {
        (a | (b == b'@'), d | (b == b'.'))
    });
    at > 0 && !more_at && dot && domain.first() != Some(&b'.') && domain.last() != Some(&b'.')
}

/// [`valid_email`] for any text.
fn valid_email_unicode(email: &str) -> bool {
    let t = email.trim();
    if t.chars().any(char::is_whitespace) {
        return false;
    }
    match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// CPF: 11 digits (separators ignored), not all equal, with both check digits right.
pub fn valid_cpf(cpf: &str) -> bool {
    // The digits (as in `digit_count`), without allocating: separators skipped, anything else
    // that is not an ASCII digit (or a 12th digit) makes the CPF invalid.
    let mut n = [0u32; 11];
    let mut len = 0;
    for b in cpf.bytes() {
        if matches!(b, b' ' | b'-' | b'.' | b'(' | b')') {
            continue;
        }
        if !b.is_ascii_digit() || len == n.len() {
            return false;
        }
        n[len] = u32::from(b - b'0');
        len += 1;
    }
    if len != 11 || n.iter().all(|&x| x == n[0]) {
        return false;
    }
    let check = |len: usize| {
        let sum: u32 = (0..len).map(|i| n[i] * (len as u32 + 1 - i as u32)).sum();
        let r = (sum * 10) % 11;
        if r == 10 {
            0
        } else {
            r
        }
    };
    check(9) == n[9] && check(10) == n[10]
}

/// `s.trim().is_empty()`, decided on the first byte when it is a visible ASCII character.
fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(&b) if b.is_ascii() && !char::from(b).is_whitespace() => false,
        _ => s.trim().is_empty(),
    }
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(is_blank)
}

/// (year, month) of a date: compared with a competência's, it tells whether the date is before,
/// in or after it without building the competência's first or last day.
fn year_month(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

/// Every consistency violation of `employee` (empty when the data may be sent).
pub fn check(employee: &Employee, competencia: Competencia) -> Vec<DomainIssue> {
    let mut issues = Vec::new();
    let p = &employee.personal;
    if is_blank(&employee.matricula) {
        issues.push(DomainIssue::error(
            "D701",
            "matricula",
            "matrícula não informada",
        ));
    }
    if is_blank(&employee.cpf) {
        issues.push(DomainIssue::error("D702", "cpf", "CPF não informado"));
    } else if !valid_cpf(&employee.cpf) {
        issues.push(DomainIssue::error(
            "D702",
            "cpf",
            format!(
                "CPF '{}' inválido (11 dígitos com dígitos verificadores)",
                employee.cpf
            ),
        ));
    }
    if !p
        .phones
        .iter()
        .any(|ph| valid_ddd(&ph.ddd) && valid_phone_number(&ph.number))
    {
        let message = if p.phones.is_empty() {
            "nenhum telefone informado: informe pelo menos um telefone com DDD válido"
        } else {
            "nenhum telefone com DDD válido (numérico de 10 a 99) e número de 8 ou 9 dígitos: \
             informe pelo menos um telefone com DDD válido"
        };
        issues.push(DomainIssue::error(
            "D703",
            "dados_pessoais.telefones",
            message,
        ));
    }
    match &p.work_email {
        Some(e) if valid_email(e) => {}
        Some(e) if !is_blank(e) => issues.push(DomainIssue::error(
            "D704",
            "dados_pessoais.email_funcional",
            format!("e-mail funcional '{e}' inválido"),
        )),
        _ => issues.push(DomainIssue::error(
            "D704",
            "dados_pessoais.email_funcional",
            "e-mail funcional não informado",
        )),
    }
    match p.birth_date {
        None => issues.push(DomainIssue::error(
            "D705",
            "dados_pessoais.data_nascimento",
            "data de nascimento não informada",
        )),
        // d >= first day of the competência.
        Some(d) if year_month(d) >= (competencia.year(), competencia.month()) => {
            issues.push(DomainIssue::error(
                "D705",
                "dados_pessoais.data_nascimento",
                format!(
                    "data de nascimento {} posterior à competência {competencia}",
                    d.format("%d/%m/%Y")
                ),
            ))
        }
        Some(_) => {}
    }
    if blank(&p.rg_number) {
        issues.push(DomainIssue::error(
            "D706",
            "dados_pessoais.rg_numero",
            "número do RG não informado",
        ));
    }
    if blank(&p.rg_issuer) {
        issues.push(DomainIssue::error(
            "D706",
            "dados_pessoais.rg_orgao_emissor",
            "órgão emissor do RG não informado",
        ));
    }
    match p.rg_issue_date {
        None => issues.push(DomainIssue::error(
            "D706",
            "dados_pessoais.rg_data_emissao",
            "data de emissão do RG não informada",
        )),
        // d > last day of the competência.
        Some(d) if year_month(d) > (competencia.year(), competencia.month()) => {
            issues.push(DomainIssue::error(
                "D706",
                "dados_pessoais.rg_data_emissao",
                format!(
                    "data de emissão do RG {} posterior à competência {competencia}",
                    d.format("%d/%m/%Y")
                ),
            ))
        }
        Some(_) => {}
    }
    if blank(&p.mother_name) {
        issues.push(DomainIssue::error(
            "D707",
            "dados_pessoais.nome_mae",
            "nome da mãe não informado (use \"Mãe Desconhecida\" quando for o caso)",
        ));
    }
    if !super::fast::is_positive(employee.salary) {
        issues.push(DomainIssue::error(
            "D708",
            "salario",
            format!("salário {} deve ser maior que zero", employee.salary),
        ));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpf_check_digits() {
        assert!(valid_cpf("529.982.247-25"));
        assert!(valid_cpf("52998224725"));
        assert!(!valid_cpf("52998224726"));
        assert!(!valid_cpf("11111111111"));
        assert!(!valid_cpf("5299822472"));
        assert!(!valid_cpf("529982247251"));
        assert!(!valid_cpf("529.982.247-2x"));
        assert!(!valid_cpf(""));
    }

    #[test]
    fn ddd_and_numbers() {
        assert!(valid_ddd("11"));
        assert!(valid_ddd("99"));
        assert!(!valid_ddd("09"));
        assert!(!valid_ddd("1a"));
        assert!(!valid_ddd("100"));
        assert!(valid_phone_number("99999-1234"));
        assert!(!valid_phone_number("1234"));
        assert!(valid_phone_number("3333.4444"));
        assert!(!valid_phone_number("(11) 3333-4444"));
        assert!(!valid_phone_number("99999-12x4"));
        assert!(!valid_phone_number("1234567890"));
        assert!(!valid_phone_number(""));
    }

    /// Every string of up to `len` characters over `alphabet`.
    fn strings(alphabet: &[char], len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            let next: Vec<String> = last
                .iter()
                .flat_map(|s| {
                    alphabet.iter().map(move |c| {
                        let mut t = s.clone();
                        t.push(*c);
                        t
                    })
                })
                .collect();
            all.extend(next.iter().cloned());
            last = next;
        }
        all
    }

    /// The checks as first written (on chars, with `trim` and `parse`): the fast ones must
    /// agree with them on every string.
    mod reference {
        pub fn digit_count(s: &str) -> Option<usize> {
            let mut count = 0;
            for c in s.chars() {
                if matches!(c, ' ' | '-' | '.' | '(' | ')') {
                    continue;
                }
                if !c.is_ascii_digit() {
                    return None;
                }
                count += 1;
            }
            (count > 0).then_some(count)
        }

        pub fn valid_ddd(ddd: &str) -> bool {
            let t = ddd.trim();
            t.len() == 2 && t.parse::<u8>().is_ok_and(|n| (10..=99).contains(&n))
        }

        pub fn valid_email(email: &str) -> bool {
            super::super::valid_email_unicode(email)
        }
    }

    #[test]
    fn fast_checks_agree_with_the_reference() {
        let email_chars = [
            'a', '@', '.', ' ', '\t', '\u{0B}', '\u{1C}', '\u{A0}', 'é', '\u{2003}',
        ];
        for s in strings(&email_chars, 5) {
            assert_eq!(valid_email(&s), reference::valid_email(&s), "{s:?}");
        }
        for s in [
            " ana@empresa.com.br\t",
            "ana@empresa.com.br.",
            "ana@.empresa.com",
            "ana@@empresa.com",
            "márcia.soares4@empresa.com.br",
            "\u{A0}ana@empresa.com\u{A0}",
            "ana@empresa com",
        ] {
            assert_eq!(valid_email(s), reference::valid_email(s), "{s:?}");
        }
        let digit_chars = ['0', '1', '9', ' ', '-', '.', '(', 'x', '٣', '+', '\u{A0}'];
        for s in strings(&digit_chars, 4) {
            assert_eq!(digit_count(&s), reference::digit_count(&s), "{s:?}");
            assert_eq!(valid_ddd(&s), reference::valid_ddd(&s), "{s:?}");
            assert_eq!(is_blank(&s), s.trim().is_empty(), "{s:?}");
        }
    }

    #[test]
    fn dates_compare_with_the_competencia_days() {
        let c = Competencia::new(2025, 7).unwrap();
        let mut d = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap();
        while d < NaiveDate::from_ymd_opt(2026, 3, 1).unwrap() {
            let ym = (c.year(), c.month());
            assert_eq!(year_month(d) >= ym, d >= c.first_day(), "{d}");
            assert_eq!(year_month(d) > ym, d > c.last_day(), "{d}");
            d = d.succ_opt().unwrap();
        }
    }

    #[test]
    fn phone_messages() {
        let mut e = Employee {
            matricula: "1".into(),
            cpf: "52998224725".into(),
            name: String::new(),
            category: 101,
            salary: rust_decimal::Decimal::ONE,
            personal: Default::default(),
            margin_distribution: Vec::new(),
        };
        let c = Competencia::new(2025, 7).unwrap();
        let phone = |issues: Vec<DomainIssue>| {
            issues
                .into_iter()
                .find(|i| i.code == "D703")
                .map(|i| i.message)
                .unwrap()
        };
        let detail = "nenhum telefone informado";
        assert_eq!(
            phone(check(&e, c)),
            format!("{detail}: informe pelo menos um telefone com DDD válido")
        );
        e.personal.phones.push(crate::domain::Phone {
            ddd: "09".into(),
            number: "1234".into(),
        });
        let detail =
            "nenhum telefone com DDD válido (numérico de 10 a 99) e número de 8 ou 9 dígitos";
        assert_eq!(
            phone(check(&e, c)),
            format!("{detail}: informe pelo menos um telefone com DDD válido")
        );
    }

    #[test]
    fn emails() {
        assert!(valid_email("ana@empresa.com.br"));
        assert!(!valid_email("ana@empresa"));
        assert!(!valid_email("ana empresa@x.com"));
        assert!(!valid_email("@x.com"));
    }
}
