//! Property tests of the domain layer's invariants (SPEC §2), with bounded money strategies.

use chrono::NaiveDate;
use consignado::domain::config::RateioSettings;
use consignado::domain::discount::{allocate, legal_cap, Claim};
use consignado::domain::rateio::apportion;
use consignado::domain::types::MarginShare;
use consignado::domain::vacation::{count_days, split};
use consignado::domain::{
    compute_month, ClosedMovement, Competencia, CompiledConfig, Config, Employee, EmployeeMonth,
    Event, EventKind, EventNature, Installment, LoanContract, Movement, OpenProvision,
    PersonalData, Termination, Vacation,
};
use consignado::money::{allocate_largest_remainder, RoundingMode, RoundingPolicy};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Money from −10 000 000.00 to 10 000 000.00.
fn money() -> impl Strategy<Value = Decimal> {
    (-1_000_000_000i64..1_000_000_000).prop_map(|c| Decimal::new(c, 2))
}

/// Non-negative money up to 1 000 000.00.
fn amount() -> impl Strategy<Value = Decimal> {
    (0i64..100_000_000).prop_map(|c| Decimal::new(c, 2))
}

/// Anything, including the extremes of `Decimal` (for the no-panic property).
fn wild() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        4 => money(),
        1 => Just(Decimal::MAX),
        1 => Just(Decimal::MIN),
        1 => (any::<i64>(), 0u32..28).prop_map(|(m, s)| Decimal::new(m, s)),
    ]
}

fn rounding() -> impl Strategy<Value = RoundingPolicy> {
    prop_oneof![
        Just(RoundingPolicy::money(RoundingMode::Down)),
        Just(RoundingPolicy::money(RoundingMode::HalfUp)),
        Just(RoundingPolicy::money(RoundingMode::HalfEven)),
    ]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..3650)
        .prop_map(|d| NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(d))
}

fn institutions(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("inst{i}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A complete percent distribution gives shares that add up to exactly the margin, each at
    /// most the margin.
    #[test]
    fn complete_distribution_adds_up_to_the_margin(
        margin in amount(),
        weights in prop::collection::vec(1u32..1000, 1..6),
    ) {
        let w: Vec<Decimal> = weights.iter().map(|x| Decimal::from(*x)).collect();
        let percents = allocate_largest_remainder(Decimal::ONE_HUNDRED, &w, 2).unwrap();
        prop_assume!(percents.iter().all(|p| *p > Decimal::ZERO));
        let ids = institutions(percents.len());
        let distribution: Vec<MarginShare> = ids.iter().zip(&percents)
            .map(|(id, p)| MarginShare { institution: id.clone(), percent: *p })
            .collect();
        let settings = RateioSettings { ativo: true, fator: Some(Decimal::TWO) };
        let r = apportion(margin, &settings, &ids, &distribution, RoundingPolicy::LEGAL_CAP).unwrap();
        let total: Decimal = r.shares.iter().map(|s| s.value).sum();
        prop_assert_eq!(total, margin);
        for s in &r.shares {
            prop_assert!(s.value >= Decimal::ZERO && s.value <= margin);
        }
    }

    /// Under a factor, each share is at most the margin; an incomplete distribution is rejected.
    #[test]
    fn factor_shares_never_exceed_the_margin(
        margin in amount(),
        factor in (100i64..100_000).prop_map(|c| Decimal::new(c, 2)),
        n in 1usize..5,
        policy in rounding(),
        missing in 1i64..9999,
    ) {
        let ids = institutions(n);
        let settings = RateioSettings { ativo: true, fator: Some(factor) };
        let r = apportion(margin, &settings, &ids, &[], policy).unwrap();
        for s in &r.shares {
            prop_assert!(s.value <= margin && s.value >= Decimal::ZERO);
            // F shares never add up to more than the margin, whatever the rounding (`docs/domain.md`, rateio).
            prop_assert!(s.value * factor <= margin, "{} × {} > {}", s.value, factor, margin);
        }
        let partial = vec![MarginShare { institution: ids[0].clone(), percent: Decimal::new(10_000 - missing, 2) }];
        prop_assert!(apportion(margin, &settings, &ids, &partial, policy).is_err());
    }

    /// Legal rule: each discount ≤ its installment, their sum ≤ the cap, discount + shortfall =
    /// installment, and a contract is served only after every older one is served in full.
    #[test]
    fn discounts_respect_installments_cap_and_seniority(
        cap in money(),
        claims in prop::collection::vec((amount(), prop::option::of(date())), 0..8),
    ) {
        let claims: Vec<Claim> = claims.into_iter().enumerate().map(|(i, (installment, start))| Claim {
            contract: format!("c{i}"),
            institution: format!("inst{}", i % 3),
            start,
            installment,
        }).collect();
        let out = allocate(cap, &claims).unwrap();
        prop_assert_eq!(out.len(), claims.len());
        let mut total = Decimal::ZERO;
        let mut saw_shortfall = false;
        for d in &out {
            prop_assert!(d.discount >= Decimal::ZERO && d.discount <= d.installment);
            prop_assert_eq!(d.discount + d.shortfall, d.installment);
            if saw_shortfall {
                prop_assert_eq!(d.discount, Decimal::ZERO);
            }
            saw_shortfall |= d.shortfall > Decimal::ZERO;
            total += d.discount;
        }
        prop_assert!(total <= cap.max(Decimal::ZERO));
    }

    /// The legal cap is never negative and, rounded down, never above percent × base.
    #[test]
    fn legal_cap_stays_within_the_percentage(base in money(), pct in (1i64..=100).prop_map(|p| Decimal::new(p, 2))) {
        let cap = legal_cap(base, pct, RoundingPolicy::LEGAL_CAP).unwrap();
        prop_assert!(cap >= Decimal::ZERO);
        prop_assert!(cap <= (pct * base).max(Decimal::ZERO));
    }

    /// 453 + 454 = round(base × (d1 + d2) / 30), both non-negative.
    #[test]
    fn provisions_carry_no_rounding_drift(base in amount(), d1 in 0u32..=30, d2 in 0u32..=30, policy in rounding()) {
        let s = split(base, d1, d2, policy).unwrap();
        let d1c = d1.min(30);
        let d2c = d2.min(30 - d1c);
        let total = policy.round(base * Decimal::from(d1c + d2c) / Decimal::from(30));
        prop_assert!(s.first >= Decimal::ZERO && s.second >= Decimal::ZERO);
        prop_assert_eq!(s.first + s.second, total);
    }

    /// Day counting: d1 ≥ 1 for any vacation, d1 + d2 ≤ 30, and without abono the days counted
    /// never exceed the calendar days of gozo except by the commercial-month rule.
    #[test]
    fn vacation_days_are_bounded(start in date(), len in 1i64..45, abono in 0u32..11, include in any::<bool>()) {
        let v = Vacation { start, end: start + chrono::Duration::days(len - 1), abono_days: abono };
        let days = count_days(&v, include).unwrap();
        prop_assert!(days.d1 >= 1);
        prop_assert!(days.d1 + days.d2 <= 30);
        prop_assert_eq!(days.first, Competencia::of_date(start).unwrap());
        if !include && len <= 30 && days.d1 < 30 {
            prop_assert_eq!(days.d1 + days.d2, len as u32);
        }
    }

    /// Parsing never panics.
    #[test]
    fn parsers_never_panic(text in "\\PC{0,40}") {
        let _ = text.parse::<Competencia>();
        let _ = Config::from_toml_str(&text);
    }

    /// `compute_month` never panics, whatever the numbers: it returns a result or issues.
    #[test]
    fn compute_month_never_panics(
        net in prop::option::of(wild()),
        rd in prop::option::of(wild()),
        salary in wild(),
        events in prop::collection::vec((0usize..4, 0usize..3, wild(), any::<bool>()), 0..6),
        contracts in prop::collection::vec((0usize..3, wild(), prop::option::of(date()), prop::option::of(wild())), 0..4),
        vacation in prop::option::of((date(), 1i64..40, 0u32..11)),
        history in prop::option::of(wild()),
        open in prop::option::of(wild()),
        terminate in any::<bool>(),
        distribution in prop::collection::vec((0usize..3, wild()), 0..3),
        base_rd in any::<bool>(),
        rateio in any::<bool>(),
    ) {
        let c = Competencia::new(2025, 6).unwrap();
        let codes = ["0001", "7439", "8439", "0900"];
        let kinds = [EventKind::Provento, EventKind::Desconto, EventKind::BaseDeCalculo];
        let natures = [EventNature::Comum, EventNature::Inss, EventNature::Irrf, EventNature::Compulsoria];
        let movement = Movement {
            competencia: c,
            periodo: 1,
            events: events.iter().map(|(code, kind, value, inss)| Event {
                code: codes[*code].to_owned(),
                kind: kinds[*kind],
                value: *value,
                inss_incidence: *inss,
                irrf_incidence: false,
                nature: natures[*code % 4],
                habitual: true,
            }).collect(),
            net_pay: net,
            available_remuneration: rd,
        };
        let ids = ["banco_a", "banco_b", "banco_c"];
        let month = EmployeeMonth {
            competencia: c,
            employee: Employee {
                matricula: "1".into(),
                cpf: "52998224725".into(),
                name: String::new(),
                category: 101,
                salary,
                personal: PersonalData::default(),
                margin_distribution: distribution.iter().map(|(i, p)| MarginShare {
                    institution: ids[*i].to_owned(),
                    percent: *p,
                }).collect(),
            },
            movement: movement.clone(),
            history: history.map(|v| ClosedMovement {
                competencia: Competencia::new(2025, 5).unwrap(),
                periodo: 1,
                net_pay: v,
                events: [("7438".to_owned(), v)].into_iter().collect(),
            }).into_iter().collect(),
            contracts: contracts.iter().enumerate().map(|(i, (inst, value, start, balance))| LoanContract {
                number: format!("k{i}"),
                institution: ids[*inst % 2].to_owned(),
                start: *start,
                installments: vec![Installment { competencia: c, value: *value }],
                outstanding_balance: *balance,
            }).collect(),
            vacations: vacation.map(|(s, len, abono)| Vacation {
                start: s,
                end: s + chrono::Duration::days(len - 1),
                abono_days: abono,
            }).into_iter().collect(),
            open_provisions: open.map(|v| OpenProvision {
                institution: "banco_a".into(),
                origin: Competencia::new(2025, 5).unwrap(),
                return_competencia: c,
                value: v,
            }).into_iter().collect(),
            termination: terminate.then(|| Termination {
                date: NaiveDate::from_ymd_opt(2025, 6, 20).unwrap(),
                movement: Movement { events: movement.events.clone(), ..movement.clone() },
            }),
        };
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/domain/config.example.toml")).unwrap();
        let mut config = Config::from_toml_str(&text).unwrap();
        config.instituicoes[0].formula_438 = Some("SE C('7439') >= L*0.3 ENTAO L*0.3 SENAO C('7439') FIMSE".into());
        config.rateio.ativo = rateio;
        if base_rd {
            config.margem.base = consignado::domain::config::MarginBase::RemuneracaoDisponivel;
        }
        let compiled = CompiledConfig::compile(config).unwrap();
        let _ = compute_month(&compiled, &month);
    }
}

#[test]
fn compiled_config_and_results_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CompiledConfig>();
    assert_send_sync::<EmployeeMonth>();
    assert_send_sync::<consignado::domain::EmployeeResult>();
}

/// `docs/domain.md`, rateio: 100,01 with F = 2 under half-up rules is 50,00 each, never 50,01 (which would hand
/// out one centavo more than the margin).
#[test]
fn a_factor_share_is_rounded_down_whatever_the_rules() {
    let ids = institutions(2);
    let settings = RateioSettings {
        ativo: true,
        fator: Some(Decimal::new(2, 0)),
    };
    for mode in [
        RoundingMode::HalfUp,
        RoundingMode::HalfEven,
        RoundingMode::Down,
    ] {
        let r = apportion(
            Decimal::new(10001, 2),
            &settings,
            &ids,
            &[],
            RoundingPolicy::money(mode),
        )
        .unwrap();
        assert!(
            r.shares.iter().all(|s| s.value == Decimal::new(5000, 2)),
            "{mode:?}"
        );
    }
}
