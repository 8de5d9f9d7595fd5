//! Rubric table → remuneração disponível: the worked examples of the vendors (Questor,
//! Alterdata, Domínio) built as S-1010 rubric tables plus the month's events, classified with
//! `classify`, and checked against the vendor's RD both with `available_remuneration` and with its
//! explanation part by part; and a property: the breakdown's total is the fast path's RD and the
//! sum of its parts.

use consignado::adapters::rubrics::{classify, parse_rubric_fields, RdPart, Rubric};
use consignado::domain::types::{Competencia, Movement, RdBreakdown};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

/// One row of a rubric table as a company would write it:
/// (código, natureza, tipo, codIncCP, codIncIRRF, codIncFGTS, habitual).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The rubrics the examples use (natures of Tabela 03, incidences of the S-1.3 XSD / Tabela 21).
const TABLE: &[Row] = &[
    ("0001", "1000", "1", "11", "11", "11", "sim"), // salário
    ("0010", "1211", "1", "11", "11", "11", "não"), // gratificação (bônus)
    ("0011", "1207", "1", "11", "11", "11", "sim"), // comissões
    ("0012", "1002", "1", "11", "11", "11", "sim"), // DSR sobre comissões
    ("0020", "1002", "1", "11", "11", "11", "não"), // reflexo de horas extras no DSR
    ("0021", "1003", "1", "11", "11", "11", "não"), // horas extras
    ("0300", "9209", "2", "11", "11", "11", "sim"), // faltas ou atrasos
    ("0301", "9210", "2", "11", "11", "11", "sim"), // DSR sobre faltas e atrasos
    ("0302", "9207", "2", "11", "11", "11", "sim"), // faltas
    ("0900", "9201", "2", "31", "41", "00", "sim"), // INSS
    ("0901", "9203", "2", "00", "31", "00", "sim"), // IRRF
    ("0902", "9213", "2", "00", "51", "00", "sim"), // pensão alimentícia
    ("0950", "9219", "2", "00", "67", "00", "sim"), // plano de saúde (voluntário)
    ("0951", "9216", "2", "00", "9", "00", "sim"),  // vale-transporte (voluntário)
    ("1438", "9253", "2", "00", "9", "31", "sim"),  // desconto do eConsignado
    ("0500", "5001", "1", "12", "12", "12", "sim"), // 13º salário
];

fn table() -> BTreeMap<&'static str, Rubric> {
    TABLE
        .iter()
        .map(|&(c, n, t, cp, ir, fg, h)| {
            let r = parse_rubric_fields(c, n, t, cp, ir, fg, h).expect("tabela válida");
            (c, r)
        })
        .collect()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The movement of the month: each (código, valor) classified through the table.
fn movement(lines: &[(&str, &str)]) -> Movement {
    let t = table();
    Movement {
        competencia: Competencia::new(2025, 7).unwrap(),
        periodo: 1,
        events: lines
            .iter()
            .map(|&(code, value)| {
                let class = classify(&t[code]).expect("rubrica classificável");
                class.to_event(code, dec(value))
            })
            .collect(),
        net_pay: None,
        available_remuneration: None,
    }
}

/// RD by both paths, which must agree; and the breakdown.
fn rd(m: &Movement, exclude_non_habitual: bool) -> (Decimal, RdBreakdown) {
    let fast = m
        .available_remuneration(exclude_non_habitual)
        .unwrap()
        .unwrap();
    let b = m
        .available_remuneration_parts(exclude_non_habitual)
        .unwrap()
        .unwrap();
    assert_eq!(b.total, fast);
    assert_eq!(
        b.total,
        b.earnings - b.incident_deductions - b.inss - b.irrf - b.other_compulsory
    );
    (fast, b)
}

fn cap(rd: Decimal) -> Decimal {
    (rd * dec("0.35")).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero)
}

#[test]
fn questor_ex1_salary_and_bonus_minus_inss() {
    let m = movement(&[("0001", "1800.00"), ("0010", "540.00"), ("0900", "187.83")]);
    let (total, b) = rd(&m, false);
    assert_eq!(total, dec("2152.17"));
    assert_eq!(total * dec("0.35"), dec("753.2595"));
    assert_eq!(b.earnings, dec("2340.00"));
    assert_eq!(b.inss, dec("187.83"));
    assert_eq!(
        b.irrf + b.incident_deductions + b.other_compulsory,
        Decimal::ZERO
    );
    // the bonus is marked non-habitual: the setting leaves it out
    let (total, b) = rd(&m, true);
    assert_eq!(total, dec("1612.17"));
    assert_eq!(b.lines.iter().filter(|l| l.code == "0010").count(), 0);
}

#[test]
fn alterdata_ex2_with_and_without_pension() {
    let base = [
        ("0001", "2000.00"),
        ("0011", "400.00"),
        ("0012", "163.64"),
        ("0900", "207.95"),
    ];
    let (total, b) = rd(&movement(&base), false);
    assert_eq!(total, dec("2355.69"));
    assert_eq!(b.earnings, dec("2563.64"));
    assert_eq!(cap(total), dec("824.49"));

    let mut with_pension = base.to_vec();
    with_pension.push(("0902", "706.71"));
    let (total, b) = rd(&movement(&with_pension), false);
    assert_eq!(total, dec("1648.98"));
    assert_eq!(b.other_compulsory, dec("706.71"));
    assert_eq!(cap(total), dec("577.14"));
    let last = b.lines.last().unwrap();
    assert_eq!(
        (last.code.as_str(), last.part, last.sign),
        ("0902", "outros_compulsorios", -1)
    );
}

#[test]
fn dominio_ex3a_full_and_ex3b_partial() {
    let (total, b) = rd(
        &movement(&[
            ("0001", "5000.00"),
            ("0300", "333.18"),
            ("0900", "462.93"),
            ("0901", "104.96"),
            ("0902", "876.43"),
        ]),
        false,
    );
    assert_eq!(total, dec("3222.50"));
    assert_eq!(
        (
            b.earnings,
            b.incident_deductions,
            b.inss,
            b.irrf,
            b.other_compulsory
        ),
        (
            dec("5000.00"),
            dec("333.18"),
            dec("462.93"),
            dec("104.96"),
            dec("876.43")
        )
    );
    assert_eq!(cap(total), dec("1127.87"));

    let (total, b) = rd(
        &movement(&[
            ("0001", "5000.00"),
            ("0302", "833.18"),
            ("0900", "393.42"),
            ("0901", "38.56"),
            ("0902", "888.61"),
        ]),
        false,
    );
    assert_eq!(total, dec("2846.23"));
    assert_eq!(b.incident_deductions, dec("833.18"));
    assert_eq!(cap(total), dec("996.18"));
}

#[test]
fn dominio_ex4_overtime_absences_and_dsr() {
    let m = movement(&[
        ("0001", "5000.00"),
        ("0020", "25.25"),
        ("0021", "170.45"),
        ("0300", "166.59"),
        ("0301", "166.59"),
        ("0900", "490.33"),
    ]);
    let (total, b) = rd(&m, false);
    assert_eq!(total, dec("4372.19"));
    assert_eq!(b.earnings, dec("5195.70"));
    assert_eq!(b.incident_deductions, dec("333.18"));
    assert_eq!(total * dec("0.35"), dec("1530.2665"));
    // without the non-habitual overtime (scenario m08)
    assert_eq!(rd(&m, true).0, dec("4176.49"));
}

#[test]
fn voluntary_deductions_the_13th_and_the_consignado_stay_out() {
    let plain = movement(&[("0001", "5000.00"), ("0900", "462.93")]);
    let noisy = movement(&[
        ("0001", "5000.00"),
        ("0950", "350.00"), // plano de saúde
        ("0951", "300.00"), // vale-transporte
        ("0900", "462.93"),
        ("1438", "1100.00"), // the consignado itself
        ("0500", "2500.00"), // 13º
    ]);
    let (a, _) = rd(&plain, false);
    let (b, parts) = rd(&noisy, false);
    assert_eq!(a, b);
    assert_eq!(parts.lines.len(), 2);
    let t = table();
    assert_eq!(classify(&t["0950"]).unwrap().part, RdPart::Fora);
    assert_eq!(classify(&t["1438"]).unwrap().part, RdPart::Fora);
    assert_eq!(classify(&t["0500"]).unwrap().part, RdPart::Fora);
}

// ---------------------------------------------------------------------------------------------
// Property: random rubric tables and event values.

const TP: [&str; 4] = ["1", "2", "3", "4"];
const CP: [&str; 12] = [
    "00", "11", "12", "13", "15", "21", "25", "31", "32", "34", "51", "91",
];
const IRRF: [&str; 12] = [
    "9", "11", "12", "13", "31", "32", "33", "41", "51", "52", "67", "9031",
];
const FGTS: [&str; 4] = ["00", "11", "12", "21"];
const NAT: [&str; 10] = [
    "1000", "1003", "9201", "9203", "9207", "9213", "9218", "9219", "9216", "5001",
];

fn rubric_strategy() -> impl Strategy<Value = Rubric> {
    (
        0..NAT.len(),
        0..TP.len(),
        0..CP.len(),
        0..IRRF.len(),
        0..FGTS.len(),
        any::<bool>(),
    )
        .prop_map(|(n, t, c, i, f, h)| {
            parse_rubric_fields(
                "R",
                NAT[n],
                TP[t],
                CP[c],
                IRRF[i],
                FGTS[f],
                if h { "s" } else { "n" },
            )
            .unwrap()
        })
}

proptest! {
    #[test]
    fn breakdown_total_is_the_fast_rd_and_the_sum_of_its_parts(
        rubrics in prop::collection::vec(rubric_strategy(), 1..12),
        lines in prop::collection::vec((0usize..12, -100_000_000_i64..100_000_000_i64), 0..30),
        exclude in any::<bool>(),
    ) {
        let classes: Vec<_> = rubrics.iter().map(|r| classify(r).unwrap()).collect();
        let m = Movement {
            competencia: Competencia::new(2025, 7).unwrap(),
            periodo: 1,
            events: lines
                .iter()
                .map(|&(i, cents)| {
                    let k = i % classes.len();
                    classes[k].to_event(&format!("E{k}"), Decimal::new(cents, 2))
                })
                .collect(),
            net_pay: None,
            available_remuneration: None,
        };
        let fast = m.available_remuneration(exclude).unwrap();
        let parts = m.available_remuneration_parts(exclude).unwrap();
        prop_assert_eq!(fast, parts.as_ref().map(|b| b.total));
        // by hand, from the classes: + proventos (habitual, or all), − every other part
        let mut by_hand = Decimal::ZERO;
        let mut known = false;
        for (&(i, cents), e) in lines.iter().zip(&m.events) {
            let class = &classes[i % classes.len()];
            let v = Decimal::new(cents, 2);
            known |= e.inss_incidence || e.nature != consignado::domain::types::EventNature::Comum;
            match class.part {
                RdPart::Proventos if class.habitual || !exclude => by_hand += v,
                RdPart::Proventos | RdPart::Fora => {}
                _ => by_hand -= v,
            }
        }
        if let Some(b) = parts {
            prop_assert!(known);
            prop_assert_eq!(b.total, by_hand);
            prop_assert_eq!(
                b.total,
                b.earnings - b.incident_deductions - b.inss - b.irrf - b.other_compulsory
            );
            let signed: Decimal = b.lines.iter().map(|l| Decimal::from(l.sign) * l.value).sum();
            prop_assert_eq!(signed, b.total);
        } else {
            prop_assert!(!known);
        }
    }
}
