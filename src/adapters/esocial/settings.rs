//! `esocial.toml`: the employer's eSocial data, read from the company folder.
//!
//! The file lives beside `configuracao.toml` and not inside it: the rules' configuration stays
//! free of transmission data, and a company without this file runs its month as before (no
//! events). Every key, its eSocial tag and its default are listed in `docs/esocial.md`.

use crate::domain::platform::check_cnpj;
use serde::Deserialize;

/// The eSocial data of the employer, as written in `esocial.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EsocialFile {
    /// `tpAmb`: 1 produção, 2 produção restrita.
    pub ambiente: u8,
    /// `procEmi`: 1 = aplicativo do empregador (default).
    #[serde(default = "default_proc_emi")]
    pub processo_emissao: u8,
    /// `verProc`: the version of the program that wrote the event (default `consignado X.Y.Z`).
    #[serde(default)]
    pub versao_processo: Option<String>,
    /// `ideEmpregador/nrInsc`: 8 characters (CNPJ raiz), 14 (full CNPJ, public bodies) or 11
    /// digits (CPF). Default: the raiz of `[empresa] cnpj` of the configuration.
    #[serde(default)]
    pub inscricao: Option<String>,
    /// `ideEstabLot/nrInsc` (with `tpInsc` 1): the establishment's CNPJ. Default: `[empresa] cnpj`.
    #[serde(default)]
    pub estabelecimento: Option<String>,
    /// `ideEstabLot/codLotacao`: the lotação tributária (S-1020) of the workers.
    pub lotacao: String,
    /// `ideTabRubr`: the rubric table the consignado rubrics belong to (S-1010).
    pub tabela_rubricas: String,
    /// `iniValid` of the S-1010 (`AAAA-MM`). Default: the competência of the batch.
    #[serde(default)]
    pub inicio_validade: Option<String>,
    /// `codCateg` of a worker whose `categoria` is empty in `funcionarios.csv` (default 101,
    /// empregado geral).
    #[serde(default = "default_category")]
    pub categoria: String,
    /// How the events are written: `"lotes"` (default, lotes of the web service) or
    /// `"eventos"` (one file per event).
    #[serde(default)]
    pub arquivos: Option<String>,
    /// `ideTransmissor/nrInsc` of the lotes: the CNPJ (14 digits) or CPF (11) of who sends
    /// them. Default: the establishment.
    #[serde(default)]
    pub transmissor: Option<String>,
}

/// How the events are written ([`super::files`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileLayout {
    /// Lotes of at most 50 events (`envioLoteEventos`).
    Lotes,
    /// One file per event.
    Events,
}

fn default_proc_emi() -> u8 {
    1
}

fn default_category() -> String {
    "101".to_owned()
}

/// The settings after validation, every default resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsocialSettings {
    /// `tpAmb`.
    pub tp_amb: u8,
    /// `procEmi`.
    pub proc_emi: u8,
    /// `verProc`.
    pub ver_proc: String,
    /// `ideEmpregador/tpInsc`: 1 CNPJ, 2 CPF.
    pub tp_insc: u8,
    /// `ideEmpregador/nrInsc`.
    pub nr_insc: String,
    /// `ideEstabLot/nrInsc` (`tpInsc` 1).
    pub establishment: String,
    /// `codLotacao`.
    pub lotacao: String,
    /// `ideTabRubr`.
    pub ide_tab_rubr: String,
    /// `iniValid` (`AAAA-MM`), when set.
    pub ini_valid: Option<String>,
    /// Default `codCateg`.
    pub category: String,
    /// Lotes or one file per event.
    pub layout: FileLayout,
    /// `ideTransmissor` (`tpInsc`, `nrInsc`).
    pub transmitter: (u8, String),
}

/// Has `text` only characters an eSocial text field accepts and no spaces at its ends?
fn clean_text(text: &str) -> bool {
    !text.is_empty() && text.trim() == text && !text.chars().any(char::is_control)
}

/// Is `text` an `AAAA-MM` period of the 2000s (eSocial `TS_periodo_mensal`)?
pub fn is_period(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 7
        && b[0] == b'2'
        && b[1..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && matches!((b[5], b[6]), (b'0', b'1'..=b'9') | (b'1', b'0'..=b'2'))
}

impl EsocialSettings {
    /// Reads `esocial.toml` (`text`); `cnpj` is `[empresa] cnpj` of the configuration. Every
    /// problem is reported at once, each as `(place, message)` with `place` = `LINHA:COLUNA`
    /// or the key.
    pub fn parse(text: &str, cnpj: Option<&str>) -> Result<EsocialSettings, Vec<(String, String)>> {
        let file: EsocialFile = toml::from_str(text).map_err(|e| {
            let place = e.span().map_or_else(
                || "esocial".to_owned(),
                |span| {
                    let before = text.get(..span.start).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    format!("{line}:{col}")
                },
            );
            vec![(
                place,
                format!(
                    "esocial.toml ilegível: {} (confira o nome das chaves em docs/esocial.md)",
                    crate::domain::config::toml_message(e.message())
                ),
            )]
        })?;
        let mut problems = Vec::new();
        let mut bad = |key: &str, message: String| problems.push((key.to_owned(), message));

        if !matches!(file.ambiente, 1 | 2) {
            bad(
                "ambiente",
                format!(
                    "ambiente {} inválido: use 1 (produção) ou 2 (produção restrita)",
                    file.ambiente
                ),
            );
        }
        if !matches!(file.processo_emissao, 1..=4 | 22) {
            bad(
                "processo_emissao",
                format!(
                    "processo_emissao {} inválido: use 1 (aplicativo do empregador), 2, 3, 4 ou 22",
                    file.processo_emissao
                ),
            );
        }
        let ver_proc = file
            .versao_processo
            .clone()
            .unwrap_or_else(|| format!("consignado {}", env!("CARGO_PKG_VERSION")));
        if !clean_text(&ver_proc) || ver_proc.chars().count() > 20 {
            bad(
                "versao_processo",
                format!("versao_processo '{ver_proc}' inválida: de 1 a 20 caracteres, sem espaços nas pontas"),
            );
        }

        let inscricao = file
            .inscricao
            .clone()
            .or_else(|| cnpj.and_then(|c| c.get(..8)).map(str::to_owned));
        let (tp_insc, nr_insc) = match inscricao {
            None => {
                bad(
                    "inscricao",
                    "falta a inscrição do empregador: informe inscricao em esocial.toml ou cnpj em [empresa] da configuração".to_owned(),
                );
                (1, String::new())
            }
            Some(i) => {
                let alnum = |s: &str| {
                    s.bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                };
                if i.len() == 11 && i.bytes().all(|b| b.is_ascii_digit()) {
                    (2, i)
                } else if (i.len() == 8 && alnum(&i)) || (i.len() == 14 && check_cnpj(&i).is_ok()) {
                    (1, i)
                } else {
                    bad(
                        "inscricao",
                        format!("inscricao '{i}' inválida: a raiz do CNPJ (8 caracteres), o CNPJ completo (14) ou o CPF (11 dígitos)"),
                    );
                    (1, i)
                }
            }
        };

        let establishment = file
            .estabelecimento
            .clone()
            .or_else(|| cnpj.map(str::to_owned))
            .unwrap_or_default();
        if let Err(e) = check_cnpj(&establishment) {
            bad(
                "estabelecimento",
                if establishment.is_empty() {
                    "falta o CNPJ do estabelecimento: informe estabelecimento em esocial.toml ou cnpj em [empresa] da configuração".to_owned()
                } else {
                    format!("estabelecimento '{establishment}' inválido: {e}")
                },
            );
        } else if tp_insc == 1
            && !establishment.starts_with(nr_insc.get(..8).unwrap_or(nr_insc.as_str()))
        {
            bad(
                "estabelecimento",
                format!("o estabelecimento {establishment} não é do empregador {nr_insc} (a raiz do CNPJ difere)"),
            );
        }
        if !clean_text(&file.lotacao) || file.lotacao.chars().count() > 30 {
            bad(
                "lotacao",
                format!(
                    "lotacao '{}' inválida: de 1 a 30 caracteres, o código da lotação tributária do S-1020",
                    file.lotacao
                ),
            );
        }
        if !clean_text(&file.tabela_rubricas) || file.tabela_rubricas.chars().count() > 8 {
            bad(
                "tabela_rubricas",
                format!(
                    "tabela_rubricas '{}' inválida: de 1 a 8 caracteres (ideTabRubr do S-1010)",
                    file.tabela_rubricas
                ),
            );
        }
        if let Some(v) = &file.inicio_validade {
            if !is_period(v) {
                bad(
                    "inicio_validade",
                    format!("inicio_validade '{v}' inválido: use AAAA-MM"),
                );
            }
        }
        let cat = file.categoria.as_bytes();
        if cat.len() != 3 || !cat.iter().all(u8::is_ascii_digit) {
            bad(
                "categoria",
                format!(
                    "categoria '{}' inválida: o código de 3 dígitos da Tabela 01 do eSocial (101 = empregado geral)",
                    file.categoria
                ),
            );
        }
        let layout = match file.arquivos.as_deref() {
            None | Some("lotes") => FileLayout::Lotes,
            Some("eventos") => FileLayout::Events,
            Some(other) => {
                bad(
                    "arquivos",
                    format!("arquivos '{other}' inválido: use \"lotes\" (lotes de até 50 eventos do webservice) ou \"eventos\" (um arquivo por evento)"),
                );
                FileLayout::Lotes
            }
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let transmitter = match &file.transmissor {
            None => (1, establishment.clone()),
            Some(t) if t.len() == 11 && digits(t) => (2, t.clone()),
            Some(t) if t.len() == 14 && check_cnpj(t).is_ok() => (1, t.clone()),
            Some(t) => {
                bad(
                    "transmissor",
                    format!("transmissor '{t}' inválido: o CNPJ (14 dígitos) ou o CPF (11) de quem envia os lotes"),
                );
                (1, t.clone())
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        if layout == FileLayout::Lotes && !(digits(&nr_insc) && digits(&transmitter.1)) {
            return Err(vec![(
                "arquivos".to_owned(),
                "o lote do webservice (EnvioLoteEventos v1.1.1) aceita só inscrições numéricas: com CNPJ alfanumérico use arquivos = \"eventos\"".to_owned(),
            )]);
        }
        Ok(EsocialSettings {
            tp_amb: file.ambiente,
            proc_emi: file.processo_emissao,
            ver_proc,
            tp_insc,
            nr_insc,
            establishment,
            lotacao: file.lotacao,
            ide_tab_rubr: file.tabela_rubricas,
            ini_valid: file.inicio_validade,
            category: file.categoria,
            layout,
            transmitter,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_company_cnpj() {
        let s = EsocialSettings::parse(
            "ambiente = 2\nlotacao = \"LOT01\"\ntabela_rubricas = \"CONSIG\"\n",
            Some("11222333000181"),
        )
        .unwrap();
        assert_eq!((s.tp_insc, s.nr_insc.as_str()), (1, "11222333"));
        assert_eq!(s.establishment, "11222333000181");
        assert_eq!(s.category, "101");
        assert_eq!(s.proc_emi, 1);
        assert!(s.ver_proc.starts_with("consignado "));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let err = EsocialSettings::parse(
            "ambiente = 3\nlotacao = \" \"\ntabela_rubricas = \"TABELA_LONGA\"\ncategoria = \"1\"\ninicio_validade = \"2025-13\"\n",
            None,
        )
        .unwrap_err();
        let keys: Vec<&str> = err.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "ambiente",
                "inscricao",
                "estabelecimento",
                "lotacao",
                "tabela_rubricas",
                "inicio_validade",
                "categoria"
            ]
        );
        // A non-ASCII inscription is reported, never sliced inside a character.
        let err = EsocialSettings::parse(
            "ambiente = 2\nlotacao = \"L\"\ntabela_rubricas = \"T\"\ninscricao = \"4455566\u{e9}6\"\n",
            Some("44555666000181"),
        )
        .unwrap_err();
        assert_eq!(err[0].0, "inscricao", "{err:?}");
        let err = EsocialSettings::parse("ambiente = 2\nlotacao = 5\n", None).unwrap_err();
        assert_eq!(err[0].0, "2:11");
        assert!(err[0].1.contains("tipo inválido"), "{err:?}");
        let err = EsocialSettings::parse("ambiente = 2\nlotacoes = \"x\"\n", None).unwrap_err();
        assert!(err[0].1.contains("campo desconhecido"), "{err:?}");
        let err = EsocialSettings::parse(
            "ambiente = 2\nlotacao = \"L\"\ntabela_rubricas = \"T\"\nestabelecimento = \"99888777000100\"\n",
            Some("11222333000181"),
        )
        .unwrap_err();
        assert!(err[0].1.contains("raiz do CNPJ difere"), "{err:?}");
    }

    #[test]
    fn periods() {
        for ok in ["2025-05", "2026-12", "2099-01"] {
            assert!(is_period(ok), "{ok}");
        }
        for bad in [
            "2025-5", "1999-01", "2025-00", "2025-13", "2025/05", "202505",
        ] {
            assert!(!is_period(bad), "{bad}");
        }
    }
}
