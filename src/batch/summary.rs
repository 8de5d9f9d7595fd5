//! The batch's summary (`resumo.txt`, printed on stdout) and its import messages
//! (`mensagens.txt`, TOTVS's messages of the monthly import of installments).

use super::{Company, FileCount, InstitutionTotals, Summary};
use crate::adapters::company::InputFile;
use crate::domain::Competencia;
use crate::money::format_money;
use std::fmt::Write as _;

pub(super) fn import_messages(
    company: &Company,
    c: Competencia,
    not_inserted: &mut [(u32, String)],
) -> Vec<String> {
    let mut out = Vec::new();
    let iso = c.to_iso();
    let found: usize = [InputFile::Parcelas, InputFile::ParcelasCredito]
        .iter()
        .map(|f| {
            let parcelas = &company.tables[f.index()];
            (0..parcelas.len())
                .filter(|&r| parcelas.field(r, 4) == iso)
                .count()
        })
        .sum();
    // `fixtures/README.md`, "Mensagens da importação": installments informed for the competência, and no institution with the events
    // (438 and 439) to receive them.
    let receivers = company
        .config
        .config()
        .instituicoes
        .iter()
        .any(|i| i.evento_438.is_some() && i.evento_439.is_some());
    if found > 0 && !receivers {
        out.push("Nenhum evento de folha cadastrado.".to_owned());
    }
    if found == 0 {
        out.push(format!(
            "Nenhuma parcela a ser consumida na competência {c}."
        ));
    } else {
        out.push(if found == 1 {
            format!("Foi encontrada 1 parcela para ser importada na competência {c}.")
        } else {
            format!("Foram encontradas {found} parcelas para serem importadas na competência {c}.")
        });
    }
    not_inserted.sort();
    out.extend(not_inserted.iter().map(|(_, m)| m.clone()));
    out
}

pub(super) fn render_summary(s: &Summary) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "Lote consignado — competência {}", s.competencia);
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "{:<34}{:>12}{:>12}{:>12}",
        "Linhas por arquivo", "lidas", "usadas", "rejeitadas"
    );
    let mut total = FileCount::default();
    for (f, n) in &s.files {
        let _ = writeln!(
            t,
            "  {:<32}{:>12}{:>12}{:>12}",
            f.file_name(),
            n.read,
            n.used,
            n.rejected
        );
        total.read += n.read;
        total.used += n.used;
        total.rejected += n.rejected;
    }
    let _ = writeln!(
        t,
        "  {:<32}{:>12}{:>12}{:>12}",
        "total", total.read, total.used, total.rejected
    );
    let _ = writeln!(
        t,
        "Conferência: lidas = usadas + rejeitadas em todos os arquivos."
    );
    let _ = writeln!(t);
    let x = &s.totals;
    let _ = writeln!(
        t,
        "Funcionários: {} {}, {} de funcionarios.csv {} (rejeitados.csv).",
        x.computed,
        if x.computed == 1 {
            "calculado"
        } else {
            "calculados"
        },
        crate::money::count(s.employees_rejected, "linha", "linhas"),
        if s.employees_rejected == 1 {
            "rejeitada"
        } else {
            "rejeitadas"
        }
    );
    let _ = writeln!(
        t,
        "  margem enviada: {}; não elegíveis: {}; dados inconsistentes: {}; distribuição inválida: {}; rescisões: {}",
        x.margin_sent, x.ineligible, x.inconsistent, x.invalid_distribution, x.rescissions
    );
    let _ = writeln!(t);
    // The table's columns are as wide as their widest value: a long total never runs into the
    // next column.
    let header = [
        "Por instituição",
        "margem enviada",
        "parcelas 439",
        "desconto 438",
        "não descontado",
        "desconto 442",
        "contratos",
    ];
    let row = |i: &InstitutionTotals| -> [String; 7] {
        [
            i.id.clone(),
            format_money(i.margin_sent),
            format_money(i.installments),
            format_money(i.discount_438),
            format_money(i.shortfall_438),
            format_money(i.discount_442),
            i.contracts.to_string(),
        ]
    };
    let mut rows: Vec<[String; 7]> = x.institutions.iter().map(row).collect();
    // The run refuses totals that do not fit (`Totals::overflow`): the sum always exists here.
    if let Some(sum) = x.institutions_sum() {
        rows.push(row(&sum));
    }
    let mut widths = [16usize, 16, 16, 16, 16, 16, 11];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count() + 2);
        }
    }
    let mut line = format!("{:<w$}", header[0], w = widths[0] + 2);
    for (h, w) in header.iter().zip(widths).skip(1) {
        let _ = write!(line, "{h:>w$}");
    }
    let _ = writeln!(t, "{line}");
    for r in &rows {
        let mut line = format!("  {:<w$}", r[0], w = widths[0]);
        for (cell, w) in r.iter().zip(widths).skip(1) {
            let _ = write!(line, "{cell:>w$}");
        }
        let _ = writeln!(t, "{line}");
    }
    let _ = writeln!(
        t,
        "  contratos: linhas de contratos.csv, um resultado por contrato (com fórmula própria, o total da fórmula repartido do contrato mais antigo ao mais novo)."
    );
    let _ = writeln!(t);
    let p = &x.provisions;
    let _ = writeln!(
        t,
        "Provisões de férias: 453 = {}; 454 = {}; 455 = {}; 456 = {}",
        format_money(p[0]),
        format_money(p[1]),
        format_money(p[2]),
        format_money(p[3])
    );
    let _ = writeln!(t, "Mensagens de importação: {} (mensagens.txt)", s.messages);
    if let Some(e) = &s.esocial {
        render_esocial(&mut t, e);
    }
    t
}

fn render_esocial(t: &mut String, e: &super::EsocialSummary) {
    use crate::adapters::esocial::month::SITUATIONS;
    let x = &e.totals;
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "eSocial: S-1010 = {}; S-1200 = {}; S-2299 = {} (pasta esocial/, {})",
        x.events[0],
        x.events[1],
        x.events[2],
        match &e.signed_by {
            Some(subject) => format!("assinados por {subject}"),
            None => "sem assinatura".to_owned(),
        }
    );
    let _ = writeln!(
        t,
        "  itens de consignado declarados: {}, total {} (esocial_itens.csv)",
        x.items,
        format_money(x.value)
    );
    let parts: Vec<String> = SITUATIONS
        .iter()
        .zip(x.situations)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    let _ = writeln!(
        t,
        "  conciliação por contrato: {} (conciliacao_esocial.csv)",
        if parts.is_empty() {
            "nenhum contrato".to_owned()
        } else {
            parts.join("; ")
        }
    );
    let _ = writeln!(
        t,
        "  advertências previstas do eSocial: 1988 (parcela sem item) = {}; 1989 (item sem parcela) = {}",
        x.warnings[0], x.warnings[1]
    );
    match e.s5003_files {
        Some(files) => {
            let _ = writeln!(
                t,
                "  S-5003 devolvidos: {} em esocial_retorno/; contratos que não conferem: {}",
                crate::money::count(files as u64, "arquivo", "arquivos"),
                x.s5003_mismatches
            );
        }
        None => {
            let _ = writeln!(
                t,
                "  S-5003: nenhum em esocial_retorno/ (a conciliação com o eSocial fica para quando houver)"
            );
        }
    }
    if x.other_left_out > 0 {
        let _ = writeln!(
            t,
            "  rubricas do mês fora do S-1200 (valor zero, negativo ou com mais de 2 casas): {}",
            x.other_left_out
        );
    }
}
