//! The Crédito do Trabalhador month of a synthetic company (`consignado gerar
//! --credito-trabalhador`): the government's installment file, the rubric table (S-1010 data)
//! and the month's events with those rubrics, so that the import and the remuneração
//! disponível from rubrics can be tried at any size.
//!
//! What it writes, beside the company's usual files:
//! - `governo/credito_trabalhador_AAAA-MM.json`: the file as the Portal Emprega Brasil gives it
//!   (a JSON array with flattened dotted keys, money as `"284,41"`, CPF and contract as text):
//!   0 to 3 contracts per employee, one on average, of institutions that have no convênio
//!   with the company (their 3-digit codes only);
//! - `rubricas.csv`: salário, horas extras, faltas, INSS, IRRF, pensão alimentícia, plano de
//!   saúde and the consignado rubric (natureza 9253), with their eSocial incidences;
//! - the month's events in `eventos.csv` with those rubric codes, and the remuneração
//!   disponível computed by hand from them in `ficha_financeira.csv` (so that a batch with
//!   the rubric table and one without it must give the same results).

use super::generator::Rng;
use std::io::Write;

/// The employer's CNPJ in the generated configuration (valid check digits).
pub const CNPJ: &str = "11222333000181";

/// Institutions of the platform (code, name) the generated contracts come from.
const INSTITUTIONS: [(&str, &str); 5] = [
    ("001", "BANCO DO BRASIL S.A."),
    ("104", "CAIXA ECONOMICA FEDERAL"),
    ("237", "BANCO BRADESCO S.A."),
    ("329", "QI SOCIEDADE DE CREDITO DIRETO S.A."),
    ("341", "ITAU UNIBANCO S.A."),
];

/// The rubric table: evento;natureza;tipo;cod_inc_cp;cod_inc_irrf;cod_inc_fgts;habitual.
pub const RUBRICAS_CSV: &str =
    "evento;descricao;natureza;tipo;cod_inc_cp;cod_inc_irrf;cod_inc_fgts;habitual
R001;Salário;1000;1;11;11;11;sim
R002;Horas extras;1003;1;11;11;11;não
R101;Faltas;9207;2;11;11;11;sim
R201;INSS;9201;2;31;41;00;sim
R202;IRRF;9203;2;00;31;00;sim
R203;Pensão alimentícia;9213;2;00;51;00;sim
R301;Plano de saúde;9219;2;00;9;00;sim
0480;Crédito do Trabalhador;9253;2;00;9;31;sim
";

/// The configuration's additions: the employer and the platform's event pair.
pub const CONFIG_TOML: &str = r#"
[empresa]
cnpj = "11222333000181"
nome = "Empresa Sintética Ltda"

# Crédito do Trabalhador: um par de eventos para todos os contratos da plataforma
# (sem convênio; a instituição é identificada pelo código de 3 dígitos).
[credito_trabalhador]
evento_438 = "0480"
evento_439 = "0481"
evento_442 = "0482"
evento_443 = "0483"
"#;

/// The employer's eSocial data of the synthetic company (`gerar --esocial`).
pub const ESOCIAL_TOML: &str = r#"# Dados do empregador no eSocial (docs/esocial.md); inscrição e estabelecimento do [empresa].
ambiente = 2
versao_processo = "consignado"
lotacao = "LOT001"
tabela_rubricas = "FOLHA"
inicio_validade = "2025-05"
"#;

/// One employee's month as the generator decided it.
pub(crate) struct EmployeeMonth<'a> {
    /// Matrícula.
    pub matricula: &'a str,
    /// CPF.
    pub cpf: &'a str,
    /// Name.
    pub name: &'a str,
    /// Salary in centavos.
    pub salary: u64,
    /// Admission date (dd/mm/aaaa).
    pub admission: &'a str,
    /// Competência, AAAA-MM.
    pub competencia: &'a str,
    /// Competência, MM/AAAA.
    pub competencia_br: &'a str,
}

/// Writes the month's rubric events and returns the remuneração disponível (centavos) and
/// the líquido (centavos) they give.
pub(crate) fn write_events(
    rng: &mut Rng,
    e: &EmployeeMonth<'_>,
    events: &mut impl Write,
) -> std::io::Result<(i64, i64)> {
    let m = e.matricula;
    let c = e.competencia;
    let salary = e.salary as i64;
    let overtime = if rng.chance(250) {
        salary * (5 + rng.below(15) as i64) / 100
    } else {
        0
    };
    let absences = if rng.chance(100) {
        salary / 30 * (1 + rng.below(3) as i64)
    } else {
        0
    };
    let gross = salary + overtime - absences;
    let inss = inss_2025(gross);
    let irrf = (gross - inss - 225_920).max(0) * 15 / 100;
    let alimony = if rng.chance(40) { gross * 20 / 100 } else { 0 };
    let health = if rng.chance(300) { 15_000 } else { 0 };
    let mut write = |code: &str, kind: &str, value: i64| -> std::io::Result<()> {
        if value > 0 {
            writeln!(events, "{m};{c};1;{code};{kind};{}", cents(value))?;
        }
        Ok(())
    };
    write("R001", "provento", salary)?;
    write("R002", "provento", overtime)?;
    write("R101", "desconto", absences)?;
    write("R201", "desconto", inss)?;
    write("R202", "desconto", irrf)?;
    write("R203", "desconto", alimony)?;
    write("R301", "desconto", health)?;
    // Portaria MTE 435 art. 7: earnings with INSS incidence (overtime too: the configuration
    // keeps non-habitual earnings, `excluir_nao_habituais = false`) − incident deductions −
    // INSS − IRRF − pensão; the health plan does not count.
    let rd = salary + overtime - absences - inss - irrf - alimony;
    let net = gross - inss - irrf - alimony - health;
    Ok((rd, net))
}

/// INSS of the employee by the 2025 progressive table (7,5 % / 9 % / 12 % / 14 %), each
/// bracket truncated to the centavo.
fn inss_2025(base: i64) -> i64 {
    let brackets = [(151_800, 75), (279_388, 90), (419_083, 120), (815_741, 140)];
    let mut total = 0;
    let mut lower = 0;
    for (upper, per_mille) in brackets {
        if base <= lower {
            break;
        }
        let slice = base.min(upper) - lower;
        total += slice * per_mille / 1000;
        lower = upper;
    }
    total
}

/// Writes the employee's platform contracts (0 to 2) as records of the government file;
/// `first` says whether a record was already written (for the commas).
pub(crate) fn write_contracts(
    rng: &mut Rng,
    e: &EmployeeMonth<'_>,
    contract_no: &mut u64,
    first: &mut bool,
    out: &mut impl Write,
) -> std::io::Result<u64> {
    // 0 (30 %), 1 (45 %), 2 (20 %) or 3 (5 %) contracts: one per employee on average, so a
    // company of N employees has a file of about N records.
    let n = match rng.below(100) {
        0..=29 => 0,
        30..=74 => 1,
        75..=94 => 2,
        _ => 3,
    };
    for _ in 0..n {
        *contract_no += 1;
        let (code, name) = INSTITUTIONS[rng.below(INSTITUTIONS.len() as u64) as usize];
        let total = [12u64, 24, 36, 48][rng.below(4) as usize];
        let installment = (e.salary * (3 + rng.below(20)) / 100).max(5_000);
        let start_month = 1 + rng.below(12);
        let start_year = 2025;
        if !*first {
            out.write_all(b",\n")?;
        }
        *first = false;
        // The file's numbers lose their leading zeros: the institution code is a number.
        let code_number = code.trim_start_matches('0');
        write!(
            out,
            "{{\"ifConcessora.codigo\": {code_number}, \"ifConcessora.descricao\": \"{name}\", \
\"contrato\": \"{:09}\", \"cpf\": \"{}\", \"matricula\": \"{}\", \
\"inscricaoEmpregador.codigo\": 1, \"inscricaoEmpregador.descricao\": \"CNPJ\", \
\"numeroInscricaoEmpregador\": \"{}\", \"nomeTrabalhador\": \"{}\", \
\"nomeEmpregador\": \"EMPRESA SINTETICA LTDA\", \"dataInicioContrato\": \"{:02}/{start_month:02}/{start_year}\", \
\"dataFimContrato\": \"\", \"competenciaInicioDesconto\": \"{start_month:02}/{start_year}\", \
\"competenciaFimDesconto\": \"\", \"totalParcelas\": {total}, \"valorParcela\": \"{}\", \
\"valorEmprestimo\": \"{}\", \"valorLiberado\": \"{}\", \"qtdPagamentos\": \"\", \
\"qtdEscrituracoes\": \"\", \"categoriaTrabalhador.codigo\": 101, \
\"categoriaTrabalhador.descricao\": \"Empregado - Geral\", \"competencia\": \"{}\", \
\"inscricaoEstabelecimento.codigo\": 1, \"inscricaoEstabelecimento.descricao\": \"CNPJ\", \
\"numeroInscricaoEstabelecimento\": {CNPJ}, \"dataAdmissao\": \"{}\"}}",
            *contract_no,
            e.cpf,
            e.matricula,
            &CNPJ[..8],
            e.name,
            1 + rng.below(28),
            comma_cents(installment),
            comma_cents(installment * total),
            comma_cents(installment * total * 7 / 10),
            e.competencia_br,
            e.admission,
        )?;
    }
    Ok(n)
}

/// Money with 2 places and `.` from (signed) centavos.
pub(crate) fn cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let c = c.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// Money as the portal writes it: `284,41`, and without `,00` for whole values (`303`).
fn comma_cents(c: u64) -> String {
    if c.is_multiple_of(100) {
        (c / 100).to_string()
    } else {
        format!("{},{:02}", c / 100, c % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inss_by_brackets_truncated() {
        // Questor's example: 1 518,00 × 7,5 % + 822,00 × 9 % = 113,85 + 73,98 = 187,83.
        assert_eq!(inss_2025(234_000), 18_783);
    }

    #[test]
    fn portal_money() {
        assert_eq!(comma_cents(30_300), "303");
        assert_eq!(comma_cents(28_441), "284,41");
    }
}
