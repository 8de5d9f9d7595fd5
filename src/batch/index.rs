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
        let mut map: HashMap<&str, u32, BuildHasherDefault<Fnv>> =
            HashMap::with_capacity_and_hasher(order.len(), Default::default());
        for &row in &order {
            let m = employees.field(row as usize, COL_MATRICULA);
            match slots.last() {
                Some(&last) if employees.field(last as usize, COL_MATRICULA) == m => {
                    duplicates.push((slots.len() as u32 - 1, row));
                }
                _ => {
                    map.insert(m, slots.len() as u32);
                    slots.push(row);
                }
            }
        }
        drop(order);

        // Each table is grouped on its own thread; its unknown rows are rejected afterwards,
        // in table order, so the rejects do not depend on the schedule.
        let grouped: Vec<(Groups, Vec<usize>)> = tables
            .par_iter()
            .map(|table| {
                if table.file == InputFile::Funcionarios {
                    return (Groups::default(), Vec::new());
                }
                group(table, &map, slots.len())
            })
            .collect();
        let mut groups = Vec::with_capacity(tables.len());
        for (table, (g, unknown)) in tables.iter().zip(grouped) {
            for r in unknown {
                let m = table.field(r, COL_MATRICULA);
                let reason = if m.is_empty() {
                    "matrícula vazia".to_owned()
                } else {
                    format!("matrícula '{m}' não está em funcionarios.csv")
                };
                rejects.table_row(table, r, "matricula", "L002", reason);
            }
            groups.push(g);
        }
        Index {
            slots,
            duplicates,
            groups,
        }
    }
}

/// Groups the rows of `table` by employee slot (counting sort, file order kept within a slot);
/// also returns the rows whose matrícula is empty or unknown.
fn group(
    table: &Table,
    map: &HashMap<&str, u32, BuildHasherDefault<Fnv>>,
    employees: usize,
) -> (Groups, Vec<usize>) {
    let owner: Vec<u32> = (0..table.len())
        .into_par_iter()
        .map(|r| {
            map.get(table.field(r, COL_MATRICULA))
                .copied()
                .unwrap_or(NONE)
        })
        .collect();
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
