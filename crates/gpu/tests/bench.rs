//! The benchmark suite end to end at tiny sizes: every table runs, every GPU result matches the
//! CPU reference, the typed rows render to cells (one per column) and to Markdown; the CPU-only
//! suite fills its three tables shape by shape.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{block_on, gpu};
use seq2seq_gpu::bench::{Bench, BenchConfig, CpuOnly, Lang, Pick, Step, Table};

fn tiny() -> BenchConfig {
    BenchConfig {
        warmups: 1,
        samples: 2,
        square: vec![17],
        linear: vec![("batch 1", 1, 33, 20), ("batch 9", 9, 33, 20)],
        attention_n: vec![24],
        attention_batch8_max_n: 24,
        attention_cpu_max: 16,
        cell_hidden: vec![8],
        cell_steps: vec![3],
        cell_batch: vec![1, 2],
        peak_gflops: Some(100.0),
    }
}

#[test]
fn every_table_runs_matches_the_cpu_and_renders() {
    let Some(g) = gpu("every_table_runs_matches_the_cpu_and_renders") else {
        return;
    };
    let report = block_on(Bench::new(g, tiny()).run()).expect("the suite runs");
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.tables.len(), Step::ALL.len());
    let kinds: Vec<&str> = report.tables.iter().map(Table::kind).collect();
    assert_eq!(
        kinds,
        ["matmul", "linear", "attention", "attention", "cells"]
    );
    for t in &report.tables {
        assert!(!t.is_empty(), "{}", t.title(Lang::En));
        for row in t.cells(Lang::En) {
            assert_eq!(
                row.len(),
                t.columns(Lang::En).len(),
                "{}",
                t.title(Lang::En)
            );
            assert!(
                row.iter().all(|c| !c.strong || c.text.contains("CPU")),
                "{row:?}"
            );
        }
    }
    // 3 cells × 2 batches; attention N = 24 > cpu max 16: sampled rows, no CPU time
    assert_eq!(report.tables[4].len(), 6);
    let Table::Attention { rows, .. } = &report.tables[2] else {
        panic!("table 3 is attention")
    };
    assert!(rows
        .iter()
        .all(|r| r.cpu.is_none() && r.checked_rows == Some(16)));
    let picks: Vec<Pick> = report
        .tables
        .iter()
        .flat_map(|t| t.highlights(Lang::En))
        .map(|h| h.pick)
        .collect();
    assert_eq!(
        picks,
        [
            Pick::MatmulTiledVsNaive,
            Pick::MatmulGpuVsCpu,
            Pick::AttentionFlashVsNaive,
            Pick::AttentionGpuVsCpu,
            Pick::EncoderGpuVsCpu
        ]
    );
    let md = report.to_markdown();
    for t in &report.tables {
        assert!(md.contains(&format!("### {}\n", t.title(Lang::En))), "{md}");
    }
    assert!(md.contains("| lstm | 8 | 3 | 2 |"), "{md}");
    assert!(
        md.ends_with("Every GPU result matched the CPU reference.\n"),
        "{md}"
    );
}

#[test]
fn the_cpu_only_suite_fills_three_tables_shape_by_shape() {
    let mut suite = CpuOnly::new(tiny());
    let shapes = suite.shapes();
    // 1 matmul, 2 attention (causal and not), 3 cells × 2 batches
    assert_eq!(shapes.len(), 1 + 2 + 6);
    for (i, &shape) in shapes.iter().enumerate() {
        suite.run(shape);
        let done: usize = suite.tables().iter().map(Table::len).sum();
        assert_eq!(done, i + 1);
        assert_eq!(suite.tables().len(), shape.table() + 1);
    }
    let kinds: Vec<&str> = suite.tables().iter().map(Table::kind).collect();
    assert_eq!(kinds, ["matmul", "attention", "cells"]);
    for t in suite.tables() {
        for row in t.cells(Lang::En) {
            assert_eq!(row.len(), t.columns(Lang::En).len());
        }
    }
}
