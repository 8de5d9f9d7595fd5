//! Adapters: file formats in and out of the engine. Thin by design: they turn text into the
//! library's types (and back) and report where the text is wrong; no rule lives here.

pub mod company;
pub mod context;
pub mod credito_trabalhador;
pub mod esocial;
pub mod fixture;
pub mod output;
pub mod rubrics;
