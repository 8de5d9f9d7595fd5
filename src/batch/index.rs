//! Grouping: which rows of each table belong to which employee.
//!
//! Employees are put in matrícula order (byte order of the text: `"000123"` before `"123"`), and
//! every other table's rows are grouped per employee with a counting sort that keeps file order
//! within an employee. Memory: four bytes per row and per employee, plus the matrícula map.
//! Rows whose matrícula is empty or unknown are rejected here, with their line.

use super::RejectSink;
use crate::adapters::company::{InputFile, Table, COL_MATRICULA};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const NONE: u32 = u32::MAX;

/// FNV-1a: matrículas are short, and the standard SipHash costs more than the whole lookup.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Rows of one table grouped per employee slot (compressed sparse rows).
#[derive(Debug, Default)]
pub(crate) struct Groups {
    offsets: Vec<u32>,
    rows: Vec<u32>,
}

impl Groups {
    /// The rows of employee `slot`, in file order.
    pub fn of(&self, slot: usize) -> &[u32] {
        match (self.offsets.get(slot), self.offsets.get(slot + 1)) {
            (Some(&a), Some(&b)) => &self.rows[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// The employees in matrícula order and every table's rows grouped by employee.
#[derive(Debug)]
pub(crate) struct Index {
    /// Row of `funcionarios.csv` of each employee slot, in matrícula order.
    pub slots: Vec<u32>,
    /// Slots whose matrícula appears on more than one line, with the extra rows (sorted).
    pub duplicates: Vec<(u32, u32)>,
    /// Slots whose matrícula is also on a line of the wrong width, with that line (sorted).
    pub short_duplicates: Vec<(u32, u32)>,
    /// Rows of `provisoes_abertas.csv` of employees whose only line has the wrong width
    /// (rejected), grouped by matrícula in file order: carried to the output unchanged.
    pub orphan_provisions: Vec<u32>,
    /// Per table (by [`InputFile::index`]); the employees table's entry is unused.
    pub groups: Vec<Groups>,
}

impl Index {
    /// The other rows of `funcionarios.csv` with the same matrícula as `slot`.
    pub fn duplicate_rows(&self, slot: u32) -> impl Iterator<Item = u32> + '_ {
        let start = self.duplicates.partition_point(|(s, _)| *s < slot);
        self.duplicates[start..]
            .iter()
            .take_while(move |(s, _)| *s == slot)
            .map(|(_, r)| *r)
    }

    /// The lines of the wrong width of `funcionarios.csv` with the same matrícula as `slot`.
    pub fn short_duplicates(&self, slot: u32) -> impl Iterator<Item = u32> + '_ {
        let start = self.short_duplicates.partition_point(|(s, _)| *s < slot);
        self.short_duplicates[start..]
            .iter()
            .take_while(move |(s, _)| *s == slot)
            .map(|(_, l)| *l)
    }

    /// Builds the index; rows that belong to no employee go to `rejects`.
    pub fn build(tables: &[Table], rejects: &mut RejectSink) -> Index {
        let employees = &tables[InputFile::Funcionarios.index()];
        let mut order: Vec<u32> = (0..employees.len() as u32)
            .filter(|&r| {
                let empty = employees.field(r as usize, COL_MATRICULA).is_empty();
                if empty {
                    rejects.row(
                        InputFile::Funcionarios,
                        employees.line(r as usize),
                        "matricula",
                        "",
                        "L002",
                        "matrícula vazia".to_owned(),
                    );
                }
                !empty
            })
            .collect();
        // Exports usually come in matrícula order already: then there is nothing to sort (the
        // rows are in file order, the tie-break of the sort).
        let sorted = order.par_windows(2).all(|w| {
            employees.field(w[0] as usize, COL_MATRICULA)
                <= employees.field(w[1] as usize, COL_MATRICULA)
        });
        if !sorted {
            order.par_sort_unstable_by(|&a, &b| {
                employees
                    .field(a as usize, COL_MATRICULA)
                    .cmp(employees.field(b as usize, COL_MATRICULA))
                    .then(a.cmp(&b))
            });
        }
        let mut slots: Vec<u32> = Vec::with_capacity(order.len());
        let mut duplicates = Vec::new();
        for &row in &order {
            let m = employees.field(row as usize, COL_MATRICULA);
            match slots.last() {
                Some(&last) if employees.field(last as usize, COL_MATRICULA) == m => {
                    duplicates.push((slots.len() as u32 - 1, row));
                }
                _ => slots.push(row),
            }
        }
        drop(order);

        // Each table is grouped on its own thread; its unknown rows are rejected afterwards,
        // in table order, so the rejects do not depend on the schedule.
        let lookup = Lookup {
            employees,
            slots: &slots,
            map: std::sync::OnceLock::new(),
        };
        let grouped: Vec<(Groups, Vec<usize>)> = tables
            .par_iter()
            .map(|table| {
                if table.file == InputFile::Funcionarios {
                    return (Groups::default(), Vec::new());
                }
                group(table, &lookup)
            })
            .collect();
        drop(lookup);
        // A line of the wrong width (rejected, L007) whose matrícula is an employee's makes
        // that employee repeated; any other is an employee rejected with it: their other rows
        // say so, rather than that the matrícula is unknown.
        let mut short_duplicates = Vec::new();
        let mut broken: HashMap<&str, &crate::adapters::company::ShortRow> = HashMap::new();
        for short in employees
            .short_rows
            .iter()
            .filter(|r| !r.matricula.is_empty())
        {
            let m = short.matricula.as_str();
            let at = slots.partition_point(|&row| employees.field(row as usize, COL_MATRICULA) < m);
            match slots.get(at) {
                Some(&row) if employees.field(row as usize, COL_MATRICULA) == m => {
                    short_duplicates.push((at as u32, short.line));
                }
                _ => {
                    broken.entry(m).or_insert(short);
                }
            }
        }
        short_duplicates.sort_unstable();
        let mut orphan_provisions: Vec<(&str, u32)> = Vec::new();
        let mut groups = Vec::with_capacity(tables.len());
        for (table, (g, unknown)) in tables.iter().zip(grouped) {
            for r in unknown {
                let m = table.field(r, COL_MATRICULA);
                if let Some(short) = broken.get(m) {
                    let reason = format!(
                        "funcionário rejeitado (funcionarios.csv linha {}: linha com {} campos)",
                        short.line, short.fields
                    );
                    rejects.table_row(table, r, "", "L008", reason);
                    if table.file == InputFile::ProvisoesAbertas {
                        orphan_provisions.push((m, r as u32));
                    }
                    continue;
                }
                let reason = if m.is_empty() {
                    "matrícula vazia".to_owned()
                } else {
                    format!("matrícula '{m}' não está em funcionarios.csv")
                };
                rejects.table_row(table, r, "matricula", "L002", reason);
            }
            groups.push(g);
        }
        // By matrícula, file order within one (the sort is stable).
        orphan_provisions.sort_by_key(|&(m, _)| m);
        Index {
            slots,
            duplicates,
            short_duplicates,
            orphan_provisions: orphan_provisions.into_iter().map(|(_, r)| r).collect(),
            groups,
        }
    }
}

/// Finds the employee slot of a matrícula.
struct Lookup<'a> {
    employees: &'a Table,
    /// Rows of `funcionarios.csv` in matrícula order, one per matrícula.
    slots: &'a [u32],
    /// Matrícula → slot, built on first need (a table not in matrícula order).
    map: std::sync::OnceLock<HashMap<&'a str, u32, BuildHasherDefault<Fnv>>>,
}

impl<'a> Lookup<'a> {
    fn key(&self, slot: usize) -> &'a str {
        self.employees
            .field(self.slots[slot] as usize, COL_MATRICULA)
    }

    fn map(&self) -> &HashMap<&'a str, u32, BuildHasherDefault<Fnv>> {
        self.map.get_or_init(|| {
            let mut map = HashMap::with_capacity_and_hasher(self.slots.len(), Default::default());
            for slot in 0..self.slots.len() {
                map.insert(self.key(slot), slot as u32);
            }
            map
        })
    }

    /// The slot of every row of `table` (`NONE` for an empty or unknown matrícula). A table
    /// in matrícula order (the usual export) is merged with the slots, block by block in
    /// parallel; any other goes through the hash map.
    fn owners(&self, table: &Table) -> Vec<u32> {
        let n = table.len();
        let sorted = (1..n)
            .into_par_iter()
            .all(|r| table.field(r - 1, COL_MATRICULA) <= table.field(r, COL_MATRICULA));
        if !sorted {
            let map = self.map();
            return (0..n)
                .into_par_iter()
                .map(|r| {
                    map.get(table.field(r, COL_MATRICULA))
                        .copied()
                        .unwrap_or(NONE)
                })
                .collect();
        }
        const BLOCK: usize = 1 << 14;
        let mut owner = vec![NONE; n];
        owner
            .par_chunks_mut(BLOCK)
            .enumerate()
            .for_each(|(block, out)| {
                let first = block * BLOCK;
                let start = table.field(first, COL_MATRICULA);
                let mut j = self.slots.partition_point(|&row| {
                    self.employees.field(row as usize, COL_MATRICULA) < start
                });
                for (i, o) in out.iter_mut().enumerate() {
                    let m = table.field(first + i, COL_MATRICULA);
                    while j < self.slots.len() && self.key(j) < m {
                        j += 1;
                    }
                    if !m.is_empty() && j < self.slots.len() && self.key(j) == m {
                        *o = j as u32;
                    }
                }
            });
        owner
    }
}

/// Groups the rows of `table` by employee slot (counting sort, file order kept within a slot);
/// also returns the rows whose matrícula is empty or unknown.
fn group(table: &Table, lookup: &Lookup<'_>) -> (Groups, Vec<usize>) {
    let employees = lookup.slots.len();
    let owner = lookup.owners(table);
    let mut unknown = Vec::new();
    let mut offsets = vec![0u32; employees + 1];
    for (r, &o) in owner.iter().enumerate() {
        if o == NONE {
            unknown.push(r);
        } else {
            offsets[o as usize + 1] += 1;
        }
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let mut fill = offsets.clone();
    let mut rows = vec![0u32; offsets[employees] as usize];
    for (r, &o) in owner.iter().enumerate() {
        if o != NONE {
            let at = &mut fill[o as usize];
            rows[*at as usize] = r as u32;
            *at += 1;
        }
    }
    (Groups { offsets, rows }, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn table(file: InputFile, text: &str) -> Table {
        Table::from_reader(text.as_bytes(), file, Path::new(file.file_name())).unwrap()
    }

    /// The merge of a table in matrícula order and the hash map give the same owners,
    /// including empty, unknown and repeated matrículas and rows past the last employee.
    #[test]
    fn merge_and_map_agree() {
        let employees = table(
            InputFile::Funcionarios,
            "matricula;cpf;salario\n004;1;1\n002;1;1\n009;1;1\n002;1;1\n",
        );
        let mut rejects = RejectSink::new(crate::domain::Competencia::new(2025, 7).unwrap());
        let tables: Vec<Table> = InputFile::ALL
            .iter()
            .map(|&f| match f {
                InputFile::Funcionarios => table(
                    f,
                    "matricula;cpf;salario\n004;1;1\n002;1;1\n009;1;1\n002;1;1\n",
                ),
                _ => Table::empty(f),
            })
            .collect();
        let index = Index::build(&tables, &mut rejects);
        let lookup = Lookup {
            employees: &employees,
            slots: &index.slots,
            map: std::sync::OnceLock::new(),
        };
        let sorted = table(
            InputFile::Distribuicoes,
            "matricula;instituicao;percentual\n;a;1\n001;a;1\n002;a;1\n002;b;1\n003;a;1\n004;a;1\n009;a;1\n010;a;1\n",
        );
        let owners = lookup.owners(&sorted);
        let map = lookup.map();
        let by_map: Vec<u32> = (0..sorted.len())
            .map(|r| {
                map.get(sorted.field(r, COL_MATRICULA))
                    .copied()
                    .unwrap_or(NONE)
            })
            .collect();
        assert_eq!(owners, by_map);
        assert_eq!(owners, vec![NONE, NONE, 0, 0, NONE, 1, 2, NONE]);
        assert_eq!(index.duplicate_rows(0).collect::<Vec<_>>(), vec![3]);
        let unsorted = table(
            InputFile::Distribuicoes,
            "matricula;instituicao;percentual\n009;a;1\n002;a;1\n010;a;1\n;a;1\n004;a;1\n",
        );
        assert_eq!(lookup.owners(&unsorted), vec![2, 0, NONE, NONE, 1]);
    }
}
