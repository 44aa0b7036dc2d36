//! What the measured rows say, computed from them (never a conclusion written in advance): how
//! each encoder's chain of dependent steps changes from the shortest to the longest T, and where
//! on this device the GPU overtakes the CPU, if anywhere.

use crate::protocol::{BackendKind, ParallelRow};
use crate::route::Family;

/// One family's chain at the shortest and the longest T measured (shipped widths).
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub family: Family,
    pub first: (usize, usize),
    pub last: (usize, usize),
}

impl Chain {
    pub fn grows(&self) -> bool {
        self.last.1 > self.first.1
    }
}

/// Where the GPU's median time first beats the CPU's, per encoder (None: never, at the T
/// measured on both).
#[derive(Clone, Debug, PartialEq)]
pub struct Crossover {
    pub family: Family,
    pub doubled: bool,
    /// Lengths measured on both backends.
    pub compared: usize,
    pub gpu_faster_from: Option<usize>,
}

fn rows_of(
    rows: &[ParallelRow],
    backend: BackendKind,
    family: Family,
    doubled: bool,
) -> Vec<&ParallelRow> {
    let mut v: Vec<&ParallelRow> = rows
        .iter()
        .filter(|r| r.backend == backend && r.row.family == family && r.row.doubled == doubled)
        .collect();
    v.sort_by_key(|r| r.row.count.tokens);
    v
}

/// The chains, from whichever backend measured (the count is the same model code on both).
pub fn chains(rows: &[ParallelRow]) -> Vec<Chain> {
    Family::ALL
        .iter()
        .filter_map(|&family| {
            let counted: Vec<_> = [BackendKind::Cpu, BackendKind::Gpu]
                .iter()
                .map(|&b| rows_of(rows, b, family, false))
                .find(|v| v.len() >= 2)?;
            let (a, z) = (counted.first()?, counted.last()?);
            Some(Chain {
                family,
                first: (a.row.count.tokens, a.row.count.dependent_steps),
                last: (z.row.count.tokens, z.row.count.dependent_steps),
            })
        })
        .collect()
}

pub fn crossovers(rows: &[ParallelRow]) -> Vec<Crossover> {
    let mut out = Vec::new();
    for &family in &Family::ALL {
        for doubled in [false, true] {
            let gpu = rows_of(rows, BackendKind::Gpu, family, doubled);
            let cpu = rows_of(rows, BackendKind::Cpu, family, doubled);
            let pairs: Vec<(usize, f64, f64)> = gpu
                .iter()
                .filter_map(|g| {
                    let c = cpu
                        .iter()
                        .find(|c| c.row.count.tokens == g.row.count.tokens)?;
                    Some((
                        g.row.count.tokens,
                        g.row.time.median_ms,
                        c.row.time.median_ms,
                    ))
                })
                .collect();
            if pairs.is_empty() {
                continue;
            }
            out.push(Crossover {
                family,
                doubled,
                compared: pairs.len(),
                gpu_faster_from: pairs.iter().find(|(_, g, c)| g < c).map(|p| p.0),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use seq2seq_core::sequential::EncoderCount;
    use seq2seq_gpu::bench::sequential::SequentialRow;
    use seq2seq_gpu::bench::Timing;

    fn row(
        backend: BackendKind,
        family: Family,
        tokens: usize,
        steps: usize,
        ms: f64,
    ) -> ParallelRow {
        ParallelRow {
            backend,
            row: SequentialRow {
                family,
                doubled: false,
                width: 8,
                count: EncoderCount {
                    tokens,
                    dependent_steps: steps,
                    operations: steps,
                },
                time: Timing::from_samples(vec![ms]),
            },
        }
    }

    #[test]
    fn chains_report_first_and_last_length() {
        let rows = vec![
            row(BackendKind::Cpu, Family::Rnn, 8, 10, 1.0),
            row(BackendKind::Cpu, Family::Rnn, 64, 66, 5.0),
            row(BackendKind::Cpu, Family::Transformer, 8, 25, 2.0),
            row(BackendKind::Cpu, Family::Transformer, 64, 25, 9.0),
        ];
        let c = chains(&rows);
        assert_eq!(c.len(), 2);
        assert!(c[0].grows() && c[0].family == Family::Rnn);
        assert_eq!((c[0].first, c[0].last), ((8, 10), (64, 66)));
        assert!(!c[1].grows());
    }

    #[test]
    fn the_crossover_is_the_first_length_where_the_gpu_wins() {
        let rows = vec![
            row(BackendKind::Cpu, Family::Transformer, 8, 25, 1.0),
            row(BackendKind::Gpu, Family::Transformer, 8, 25, 3.0),
            row(BackendKind::Cpu, Family::Transformer, 64, 25, 9.0),
            row(BackendKind::Gpu, Family::Transformer, 64, 25, 4.0),
            row(BackendKind::Cpu, Family::Rnn, 8, 10, 1.0),
            row(BackendKind::Gpu, Family::Rnn, 8, 10, 2.0),
        ];
        let c = crossovers(&rows);
        let t = c.iter().find(|c| c.family == Family::Transformer).unwrap();
        assert_eq!((t.compared, t.gpu_faster_from), (2, Some(64)));
        let r = c.iter().find(|c| c.family == Family::Rnn).unwrap();
        assert_eq!(r.gpu_faster_from, None);
    }
}
