//! Gerador de empresas sintéticas: a realistic company folder of any size, deterministic by
//! seed, for benchmarks and for trying the engine at scale (`consignado gerar`).
//!
//! What it writes (formats in `fixtures/README.md`): a configuration with three institutions
//! (the TOTVS 444 formula reading `LIQUIDOFF`, the TOTVS 438 formula for one institution, the
//! legal rule for the other two, rateio by a factor of 3), employees with valid CPFs and personal
//! data (about 1 % inconsistent), the ficha financeira of the previous and the current month,
//! 0 to 3 contracts per employee (some above the cap), about 2 % per-employee distributions,
//! 8 % vacations starting in the competência (many crossing into the next month) with the
//! previous month's 438 in `eventos.csv`, 1.5 % terminations, 4 % open 454 provisions to return.
//! With `damaged_rows`, about 0.1 % of the rows are deliberately broken (unreadable money,
//! unknown matrícula or institution, impossible date), each of which the batch must reject.
//!
//! Same options, same bytes: the only source of randomness is a SplitMix64 seeded by the user.

use crate::domain::Competencia;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Options of [`generate`].
#[derive(Debug, Clone)]
pub struct GeneratorOptions {
    /// Number of employees.
    pub employees: u64,
    /// Seed.
    pub seed: u64,
    /// Competência the company will be run for.
    pub competencia: Competencia,
    /// Write a small share of deliberately broken rows.
    pub damaged_rows: bool,
    /// Also write a Crédito do Trabalhador month ([`super::generator_ct`]): the government's
    /// installment file, the rubric table and the month's events with rubrics.
    pub credito_trabalhador: bool,
    /// Also write the employer's eSocial data (`esocial.toml`) and the rescissions' eSocial
    /// columns; needs `credito_trabalhador` (the platform's institutions have the codes).
    pub esocial: bool,
    /// Replace a folder that is not empty (otherwise refused: it may hold a company).
    pub replace: bool,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GeneratorStats {
    /// Employees.
    pub employees: u64,
    /// Rows of `ficha_financeira.csv`.
    pub history_rows: u64,
    /// Rows of `parcelas.csv`.
    pub installment_rows: u64,
    /// Records of the government's installment file (with `credito_trabalhador`).
    pub platform_records: u64,
}

/// SplitMix64: tiny, fast, good enough for synthetic data, and stable across platforms.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `per_mille / 1000`.
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Ana",
    "Maria",
    "José",
    "João",
    "Francisca",
    "Antônio",
    "Carlos",
    "Paulo",
    "Pedro",
    "Lucas",
    "Juliana",
    "Márcia",
    "Luiz",
    "Fernanda",
    "Patrícia",
    "Aline",
    "Rafael",
    "Bruno",
    "Camila",
    "Sandra",
];
const LAST: &[&str] = &[
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
];
const ISSUERS: &[&str] = &[
    "SSP/SP",
    "SSP/MG",
    "SSP/BA",
    "DETRAN/RJ",
    "SSP/PR",
    "SSP/RS",
    "SDS/PE",
];
const DDDS: &[&str] = &[
    "11", "21", "31", "41", "51", "61", "71", "81", "85", "19", "27", "48",
];
const INSTITUTIONS: [&str; 3] = ["banco_a", "banco_b", "coop_c"];
const EVENTS_438: [&str; 3] = ["0438", "1438", "2438"];

/// The configuration the generator writes: three institutions, TOTVS formulas, rateio by 3.
pub const CONFIG_TOML: &str = r#"# Empresa sintética gerada por `consignado gerar` (formato em fixtures/README.md).
periodo = 1

[margem]
evento = "0444"
# Fórmula de margem da TOTVS (seed 002): 30 % do líquido do mês anterior; em janeiro, o de dezembro.
formula = """
SE MES=1 E LIQUIDOFF(ANO-1,12,PERIODO) > 0
ENTAO LIQUIDOFF(ANO-1,12,PERIODO) * 0.3
SENAO SE MES<>1 E LIQUIDOFF(ANO,MES-1,PERIODO) > 0
ENTAO LIQUIDOFF(ANO,MES-1,PERIODO) * 0.3
SENAO RC * 0.3
FIMSE
FIMSE
"""

[rateio]
ativo = true
fator = "3"

[desconto]
percentual = "0.35"

[[eventos]]
codigo = "0444"
descricao = "Margem consignável"
tipo = "base_de_calculo"
codigo_calculo = 444
chave_desativada = true

[[eventos]]
codigo = "0438"
descricao = "Empréstimo consignado Banco A"
tipo = "desconto"
codigo_calculo = 438

[[eventos]]
codigo = "0439"
descricao = "Parcela informada Banco A"
tipo = "base_de_calculo"
codigo_calculo = 439
chave_desativada = true

[[eventos]]
codigo = "0442"
descricao = "Empréstimo consignado Banco A (rescisão)"
tipo = "desconto"
codigo_calculo = 442

[[eventos]]
codigo = "0443"
descricao = "Valor informado Banco A (rescisão)"
tipo = "base_de_calculo"
codigo_calculo = 443
chave_desativada = true

[[eventos]]
codigo = "1438"
descricao = "Empréstimo consignado Banco B"
tipo = "desconto"
codigo_calculo = 438

[[eventos]]
codigo = "1439"
descricao = "Parcela informada Banco B"
tipo = "base_de_calculo"
codigo_calculo = 439
chave_desativada = true

[[eventos]]
codigo = "1442"
descricao = "Empréstimo consignado Banco B (rescisão)"
tipo = "desconto"
codigo_calculo = 442

[[eventos]]
codigo = "1443"
descricao = "Valor informado Banco B (rescisão)"
tipo = "base_de_calculo"
codigo_calculo = 443
chave_desativada = true

[[eventos]]
codigo = "2438"
descricao = "Empréstimo consignado Cooperativa C"
tipo = "desconto"
codigo_calculo = 438

[[eventos]]
codigo = "2439"
descricao = "Parcela informada Cooperativa C"
tipo = "base_de_calculo"
codigo_calculo = 439
chave_desativada = true

[[eventos]]
codigo = "0453"
descricao = "Provisão consignado férias (mês das férias)"
tipo = "desconto"
codigo_calculo = 453

[[eventos]]
codigo = "0454"
descricao = "Provisão consignado férias (mês seguinte)"
tipo = "desconto"
codigo_calculo = 454

[[eventos]]
codigo = "0455"
descricao = "Devolução provisão consignado (mês das férias)"
tipo = "provento"
codigo_calculo = 455

[[eventos]]
codigo = "0456"
descricao = "Devolução provisão consignado (mês seguinte)"
tipo = "provento"
codigo_calculo = 456

[ferias]
evento_453 = "0453"
evento_454 = "0454"
evento_455 = "0455"
evento_456 = "0456"

[[instituicoes]]
id = "banco_a"
nome = "Banco A"
evento_438 = "0438"
evento_439 = "0439"
evento_442 = "0442"
evento_443 = "0443"
# Fórmula de desconto da TOTVS (seed 002): a parcela, limitada a 30 % do líquido.
formula_438 = "SE C('0439') > 0 ENTAO SE C('0439') >= (L*0.3) ENTAO L*0.3 SENAO C('0439') FIMSE"

[[instituicoes]]
id = "banco_b"
nome = "Banco B"
evento_438 = "1438"
evento_439 = "1439"
evento_442 = "1442"
evento_443 = "1443"

[[instituicoes]]
id = "coop_c"
nome = "Cooperativa C"
evento_438 = "2438"
evento_439 = "2439"
"#;

fn cpf(rng: &mut Rng) -> String {
    loop {
        let mut d = [0u32; 11];
        for x in d.iter_mut().take(9) {
            *x = rng.below(10) as u32;
        }
        if d[..9].iter().all(|x| *x == d[0]) {
            continue;
        }
        for n in [9usize, 10] {
            let sum: u32 = (0..n).map(|i| d[i] * (n as u32 + 1 - i as u32)).sum();
            let r = sum * 10 % 11;
            d[n] = if r == 10 { 0 } else { r };
        }
        return d.iter().map(|x| char::from(b'0' + *x as u8)).collect();
    }
}

/// Money with 2 places from centavos.
fn cents(c: u64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// Writes a synthetic company folder as `dir`: refused when `dir` is a folder that is not empty
/// (unless `options.replace`); written whole into a hidden sibling and put in place in one step,
/// so that a failure (a full disk) leaves `dir` as it was.
pub fn generate(dir: &Path, options: &GeneratorOptions) -> std::io::Result<GeneratorStats> {
    let not_empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if not_empty && !options.replace {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "a pasta não está vazia (pode ser uma empresa): escolha outra ou use --substituir para trocá-la inteira",
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "existe um arquivo com esse nome: escolha outra pasta",
        ));
    }
    let tmp = super::sink::sibling(dir)?;
    let _ = std::fs::remove_dir_all(&tmp);
    let written = generate_into(&tmp, options).and_then(|stats| {
        super::sink::swap_in(&tmp, dir)?;
        Ok(stats)
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    written
}

fn generate_into(dir: &Path, options: &GeneratorOptions) -> std::io::Result<GeneratorStats> {
    std::fs::create_dir_all(dir)?;
    let ct = options.credito_trabalhador;
    let config = if ct {
        // The cap of the platform's contracts is 35 % of the remuneração disponível.
        let base = CONFIG_TOML.replacen(
            "evento = \"0444\"\n",
            "evento = \"0444\"\nbase = \"remuneracao_disponivel\"\n",
            1,
        );
        format!("{base}{}", super::generator_ct::CONFIG_TOML)
    } else {
        CONFIG_TOML.to_owned()
    };
    std::fs::write(dir.join(crate::adapters::company::CONFIG_FILE), config)?;
    let mut government = None;
    if ct {
        std::fs::write(dir.join("rubricas.csv"), super::generator_ct::RUBRICAS_CSV)?;
        std::fs::create_dir_all(dir.join("governo"))?;
        let mut w = BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(dir.join("governo").join(format!(
                "credito_trabalhador_{}.json",
                options.competencia.to_iso()
            )))?,
        );
        w.write_all(b"[\n")?;
        government = Some(w);
    }
    let mut ct_rng = Rng(options.seed ^ 0x6372_6564_6974_6f74);
    let mut ct_first = true;
    let mut ct_contract: u64 = 500_000_000;
    let open = |name: &str| -> std::io::Result<BufWriter<std::fs::File>> {
        Ok(BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(dir.join(name))?,
        ))
    };
    let mut employees = open("funcionarios.csv")?;
    let mut ficha = open("ficha_financeira.csv")?;
    let mut events = open("eventos.csv")?;
    let mut parcelas = open("parcelas.csv")?;
    let mut dist = open("distribuicoes.csv")?;
    let mut ferias = open("ferias.csv")?;
    let mut resc = open("rescisoes.csv")?;
    let mut prov = open("provisoes_abertas.csv")?;
    let admission_column = if ct { ";data_admissao" } else { "" };
    writeln!(employees, "matricula;cpf;nome;categoria;salario;ddd;telefone;email_funcional;data_nascimento;rg_numero;rg_orgao_emissor;rg_data_emissao;nome_mae{admission_column}")?;
    let rd_column = if ct { ";remuneracao_disponivel" } else { "" };
    writeln!(ficha, "matricula;competencia;periodo;liquido{rd_column}")?;
    writeln!(events, "matricula;competencia;periodo;evento;tipo;valor")?;
    writeln!(
        parcelas,
        "matricula;instituicao;contrato;inicio;competencia;valor"
    )?;
    writeln!(dist, "matricula;instituicao;percentual")?;
    writeln!(ferias, "matricula;inicio;fim;dias_abono")?;
    let esocial = ct && options.esocial;
    let esocial_columns = if esocial {
        ";motivo_desligamento;aviso_indenizado;fim_aviso_projetado;fgts_consignataria;fgts_contrato"
    } else {
        ""
    };
    writeln!(resc, "matricula;data;liquido{rd_column}{esocial_columns}")?;
    if esocial {
        std::fs::write(
            dir.join(crate::adapters::esocial::SETTINGS_FILE),
            super::generator_ct::ESOCIAL_TOML,
        )?;
    }
    writeln!(
        prov,
        "matricula;instituicao;competencia_origem;competencia_retorno;valor"
    )?;

    let c = options.competencia;
    let prev = c.previous().unwrap_or(c);
    let (ci, pi) = (c.to_iso(), prev.to_iso());
    let days = c.days_in_month() as u64;
    let mut rng = Rng(options.seed ^ 0x636f_6e73_6967_6e61);
    let mut stats = GeneratorStats {
        employees: options.employees,
        ..Default::default()
    };
    let mut contract_no: u64 = 100_000;
    for n in 1..=options.employees {
        let m = format!("{n:07}");
        let damaged = options.damaged_rows && rng.chance(1);
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        // Salaries: the minimum wage (1 518,00) up to ~25 000, skewed low like a real payroll.
        let u = rng.below(1000);
        let salary = 151_800 + u * u * u / 40_000 + rng.below(50_000);
        let category = if rng.chance(5) { 901 } else { 101 };
        let inconsistent = rng.chance(10);
        let email = if inconsistent && rng.chance(500) {
            String::new()
        } else {
            format!(
                "{}.{}{}@empresa.com.br",
                first.to_lowercase(),
                last.to_lowercase(),
                n
            )
        };
        let (ddd, phone) = if inconsistent && email.contains('@') {
            ("0", "123".to_owned())
        } else {
            (rng.pick(DDDS), format!("9{:08}", rng.below(100_000_000)))
        };
        let salary_text = if damaged && rng.chance(250) {
            "12,3.45".to_owned()
        } else {
            cents(salary)
        };
        let cpf = cpf(&mut rng);
        let admission = if ct {
            format!(
                "{:02}/{:02}/{}",
                1 + ct_rng.below(28),
                1 + ct_rng.below(12),
                2005 + ct_rng.below(20)
            )
        } else {
            String::new()
        };
        write!(
            employees,
            "{m};{};{first} {last};{category};{salary_text};{ddd};{phone};{email};{:02}/{:02}/{};{};{};{:02}/{:02}/{};{} {}",
            cpf,
            1 + rng.below(28),
            1 + rng.below(12),
            1960 + rng.below(45),
            10_000_000 + rng.below(89_999_999),
            rng.pick(ISSUERS),
            1 + rng.below(28),
            1 + rng.below(12),
            1990 + rng.below(30),
            rng.pick(FIRST),
            rng.pick(LAST),
        )?;
        if ct {
            write!(employees, ";{admission}")?;
        }
        writeln!(employees)?;

        // Ficha financeira: previous month (LIQUIDOFF) and the competência.
        let net_prev = salary * (70 + rng.below(15)) / 100;
        let net_cur = salary * (70 + rng.below(15)) / 100;
        if let Some(w) = government.as_mut() {
            let name = format!("{} {}", first.to_uppercase(), last.to_uppercase());
            let month = super::generator_ct::EmployeeMonth {
                matricula: &m,
                cpf: &cpf,
                name: &name,
                salary,
                admission: &admission,
                competencia: &ci,
                competencia_br: &format!("{:02}/{}", c.month(), c.year()),
            };
            // The month's movement from rubrics: its líquido and remuneração disponível.
            let (rd, net) = super::generator_ct::write_events(&mut ct_rng, &month, &mut events)?;
            writeln!(ficha, "{m};{pi};1;{};", cents(net_prev))?;
            writeln!(
                ficha,
                "{m};{ci};1;{};{}",
                super::generator_ct::cents(net),
                super::generator_ct::cents(rd)
            )?;
            stats.platform_records += super::generator_ct::write_contracts(
                &mut ct_rng,
                &month,
                &mut ct_contract,
                &mut ct_first,
                w,
            )?;
        } else {
            writeln!(ficha, "{m};{pi};1;{}", cents(net_prev))?;
            writeln!(ficha, "{m};{ci};1;{}", cents(net_cur))?;
        }
        stats.history_rows += 2;

        // Contracts: 0 (40 %), 1 (35 %), 2 (17 %), 3 (8 %); some installments above the cap.
        let k = match rng.below(100) {
            0..=39 => 0,
            40..=74 => 1,
            75..=91 => 2,
            _ => 3,
        };
        let mut institutions_used = Vec::with_capacity(3);
        for _ in 0..k {
            let inst = rng.below(3) as usize;
            contract_no += 1;
            let spread = if rng.chance(150) { 40 } else { 15 };
            let share = 5 + rng.below(spread);
            let installment = (salary * share / 100).max(5_000);
            let start = format!(
                "{:02}/{:02}/{}",
                1 + rng.below(28),
                1 + rng.below(12),
                2021 + rng.below(4)
            );
            let (inst_text, value_text) = if damaged && rng.chance(300) {
                ("banco_x", cents(installment))
            } else if damaged && rng.chance(400) {
                (INSTITUTIONS[inst], "1.234".to_owned())
            } else {
                (INSTITUTIONS[inst], cents(installment))
            };
            writeln!(
                parcelas,
                "{m};{inst_text};{contract_no};{start};{ci};{value_text}"
            )?;
            stats.installment_rows += 1;
            institutions_used.push((inst, installment));
        }

        if rng.chance(20) {
            let line = match rng.below(3) {
                0 => [("banco_a", "50"), ("banco_b", "25"), ("coop_c", "25")],
                1 => [("banco_a", "60"), ("banco_b", "40"), ("coop_c", "0")],
                _ => [("banco_a", "34"), ("banco_b", "33"), ("coop_c", "33")],
            };
            for (inst, p) in line.iter().filter(|(_, p)| *p != "0") {
                writeln!(dist, "{m};{inst};{p}")?;
            }
        }

        if rng.chance(80) {
            // Vacation starting in the competência, 10 to 30 days, often crossing the month.
            let start_day = 1 + rng.below(days);
            let length = 10 + rng.below(21);
            let start = chrono::NaiveDate::from_ymd_opt(c.year(), c.month(), start_day as u32);
            if let Some(start) = start {
                // With 10 days of abono, at most 20 of gozo (CLT art. 143).
                let abono = if rng.chance(200) { 10 } else { 0 };
                let length = length.min(30 - abono);
                let end = start + chrono::Days::new(length - 1);
                let end_text = if damaged && rng.chance(500) {
                    "31/02/2025".to_owned()
                } else {
                    end.format("%d/%m/%Y").to_string()
                };
                writeln!(
                    ferias,
                    "{m};{};{end_text};{abono}",
                    start.format("%d/%m/%Y")
                )?;
                for (inst, installment) in &institutions_used {
                    writeln!(
                        events,
                        "{m};{pi};1;{};desconto;{}",
                        EVENTS_438[*inst],
                        cents(*installment)
                    )?;
                }
            }
        }

        if rng.chance(15) {
            let day = 1 + rng.below(days);
            let net = salary * (120 + rng.below(200)) / 100;
            write!(
                resc,
                "{m};{:02}/{:02}/{};{}",
                day,
                c.month(),
                c.year(),
                cents(net)
            )?;
            if ct {
                // The rescission's remuneração disponível: its INSS-incident pay less taxes.
                write!(resc, ";{}", cents(net * 85 / 100))?;
            }
            if esocial {
                // Dismissed by the employer (02); every other one with the notice paid.
                let (next_month, next_year) = if c.month() == 12 {
                    (1, c.year() + 1)
                } else {
                    (c.month() + 1, c.year())
                };
                if day.is_multiple_of(2) {
                    write!(resc, ";02;S;{day:02}/{next_month:02}/{next_year};;")?;
                } else {
                    write!(resc, ";02;N;;;")?;
                }
            }
            writeln!(resc)?;
        }

        if rng.chance(40) {
            if let Some((inst, installment)) = institutions_used.first() {
                writeln!(
                    prov,
                    "{m};{};{pi};{ci};{}",
                    INSTITUTIONS[*inst],
                    cents(installment * (1 + rng.below(15)) / 30)
                )?;
            }
        }

        if damaged && rng.chance(200) {
            writeln!(
                parcelas,
                "9{m};banco_a;{contract_no}9;01/01/2024;{ci};100.00"
            )?;
            stats.installment_rows += 1;
        }
    }
    for w in [
        &mut employees,
        &mut ficha,
        &mut events,
        &mut parcelas,
        &mut dist,
        &mut ferias,
        &mut resc,
        &mut prov,
    ] {
        w.flush()?;
    }
    if let Some(mut w) = government {
        w.write_all(b"\n]\n")?;
        w.flush()?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpfs_are_valid() {
        let mut rng = Rng(7);
        for _ in 0..200 {
            assert!(crate::domain::consistency::valid_cpf(&cpf(&mut rng)));
        }
    }

    #[test]
    fn the_configuration_compiles() {
        let c = crate::domain::CompiledConfig::from_toml_str(CONFIG_TOML);
        assert!(c.is_ok(), "{:?}", c.err());
    }
}
