//! The layout of a company folder: its tables, their file names and columns (documented
//! column by column in `fixtures/README.md`).

use std::fmt;

/// A column of an input table: its header name and whether it must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Header name (lower case, as documented).
    pub name: &'static str,
    /// Must the header name it?
    pub required: bool,
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// The CSV tables of a company folder, in the order the summary lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputFile {
    /// `funcionarios.csv`: one row per employee (required file).
    Funcionarios,
    /// `ficha_financeira.csv`: closed movements (líquido per competência and period).
    FichaFinanceira,
    /// `eventos.csv`: event values of the movements of the ficha financeira.
    Eventos,
    /// `parcelas.csv`: installments informed by the institutions (439), per contract.
    Parcelas,
    /// `distribuicoes.csv`: an employee's own distribution of the margin.
    Distribuicoes,
    /// `ferias.csv`: vacation periods.
    Ferias,
    /// `rescisoes.csv`: terminations in the competência.
    Rescisoes,
    /// `provisoes_abertas.csv`: 454 provisions still to be returned (456).
    ProvisoesAbertas,
    /// `parcelas_credito_trabalhador.csv`: the installments of the Crédito do Trabalhador
    /// platform, written by `consignado importar credito-trabalhador` (same first columns as
    /// `parcelas.csv`; `instituicao` is the institution's 3-digit code).
    ParcelasCredito,
    /// `rubricas.csv`: the company's rubric table (its S-1010 data), read once for the whole
    /// run (not a per-employee table: it is not in [`InputFile::ALL`]).
    Rubricas,
}

/// Column positions of `funcionarios.csv` (in [`InputFile::columns`] order).
pub mod col_funcionarios {
    #![allow(missing_docs)]
    pub const MATRICULA: usize = 0;
    pub const CPF: usize = 1;
    pub const NOME: usize = 2;
    pub const CATEGORIA: usize = 3;
    pub const SALARIO: usize = 4;
    pub const DDD: usize = 5;
    pub const TELEFONE: usize = 6;
    pub const EMAIL: usize = 7;
    pub const NASCIMENTO: usize = 8;
    pub const RG_NUMERO: usize = 9;
    pub const RG_ORGAO: usize = 10;
    pub const RG_EMISSAO: usize = 11;
    pub const NOME_MAE: usize = 12;
    pub const DATA_ADMISSAO: usize = 13;
}

/// Every table's first column is the matrícula.
pub const COL_MATRICULA: usize = 0;

impl InputFile {
    /// Every table, in summary order.
    pub const ALL: [InputFile; 9] = [
        InputFile::Funcionarios,
        InputFile::FichaFinanceira,
        InputFile::Eventos,
        InputFile::Parcelas,
        InputFile::Distribuicoes,
        InputFile::Ferias,
        InputFile::Rescisoes,
        InputFile::ProvisoesAbertas,
        InputFile::ParcelasCredito,
    ];

    /// File name inside the company folder.
    pub fn file_name(self) -> &'static str {
        match self {
            InputFile::Funcionarios => "funcionarios.csv",
            InputFile::FichaFinanceira => "ficha_financeira.csv",
            InputFile::Eventos => "eventos.csv",
            InputFile::Parcelas => "parcelas.csv",
            InputFile::Distribuicoes => "distribuicoes.csv",
            InputFile::Ferias => "ferias.csv",
            InputFile::Rescisoes => "rescisoes.csv",
            InputFile::ProvisoesAbertas => "provisoes_abertas.csv",
            InputFile::ParcelasCredito => "parcelas_credito_trabalhador.csv",
            InputFile::Rubricas => "rubricas.csv",
        }
    }

    /// Must the folder have this file? Only `funcionarios.csv`; an absent optional file has no rows.
    pub fn required(self) -> bool {
        self == InputFile::Funcionarios
    }

    /// Position in [`InputFile::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The columns, in the order the `col_*` constants and the row decoders use.
    pub fn columns(self) -> &'static [Column] {
        match self {
            InputFile::Funcionarios => COLS_FUNCIONARIOS,
            InputFile::FichaFinanceira => COLS_FICHA,
            InputFile::Eventos => COLS_EVENTOS,
            InputFile::Parcelas => COLS_PARCELAS,
            InputFile::Distribuicoes => COLS_DISTRIBUICOES,
            InputFile::Ferias => COLS_FERIAS,
            InputFile::Rescisoes => COLS_RESCISOES,
            InputFile::ProvisoesAbertas => COLS_PROVISOES,
            InputFile::ParcelasCredito => COLS_PARCELAS_CREDITO,
            InputFile::Rubricas => COLS_RUBRICAS,
        }
    }
}

const COLS_FUNCIONARIOS: &[Column] = &[
    req("matricula"),
    req("cpf"),
    opt("nome"),
    opt("categoria"),
    req("salario"),
    opt("ddd"),
    opt("telefone"),
    opt("email_funcional"),
    opt("data_nascimento"),
    opt("rg_numero"),
    opt("rg_orgao_emissor"),
    opt("rg_data_emissao"),
    opt("nome_mae"),
    opt("data_admissao"),
];
const COLS_FICHA: &[Column] = &[
    req("matricula"),
    req("competencia"),
    opt("periodo"),
    req("liquido"),
    opt("remuneracao_disponivel"),
];
const COLS_EVENTOS: &[Column] = &[
    req("matricula"),
    req("competencia"),
    opt("periodo"),
    req("evento"),
    req("tipo"),
    req("valor"),
];
const COLS_PARCELAS: &[Column] = &[
    req("matricula"),
    req("instituicao"),
    req("contrato"),
    opt("inicio"),
    req("competencia"),
    req("valor"),
    opt("saldo_devedor"),
];
/// The columns of `parcelas_credito_trabalhador.csv` (its first seven are those of
/// `parcelas.csv`, so one decoder reads both; the rest identify the platform's record).
pub const COLS_PARCELAS_CREDITO: &[Column] = &[
    req("matricula"),
    req("instituicao"),
    req("contrato"),
    opt("inicio"),
    req("competencia"),
    req("valor"),
    opt("saldo_devedor"),
    req("cpf"),
    req("cnpj_raiz"),
    opt("instituicao_nome"),
    opt("fim"),
    opt("total_parcelas"),
    opt("categoria"),
    opt("estabelecimento"),
    opt("data_admissao"),
];
/// The columns of `rubricas.csv`.
const COLS_RUBRICAS: &[Column] = &[
    req("evento"),
    opt("descricao"),
    req("natureza"),
    req("tipo"),
    req("cod_inc_cp"),
    req("cod_inc_irrf"),
    req("cod_inc_fgts"),
    opt("habitual"),
];
const COLS_DISTRIBUICOES: &[Column] = &[req("matricula"), req("instituicao"), req("percentual")];
const COLS_FERIAS: &[Column] = &[
    req("matricula"),
    req("inicio"),
    req("fim"),
    opt("dias_abono"),
];
const COLS_RESCISOES: &[Column] = &[
    req("matricula"),
    req("data"),
    req("liquido"),
    opt("remuneracao_disponivel"),
    opt("motivo_desligamento"),
    opt("aviso_indenizado"),
    opt("fim_aviso_projetado"),
    opt("fgts_consignataria"),
    opt("fgts_contrato"),
];
const COLS_PROVISOES: &[Column] = &[
    req("matricula"),
    req("instituicao"),
    req("competencia_origem"),
    req("competencia_retorno"),
    req("valor"),
];

impl fmt::Display for InputFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}
