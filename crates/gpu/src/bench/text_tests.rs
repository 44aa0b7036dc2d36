//! The tables' text in both languages, without a GPU: one table of each kind built from fixed
//! numbers (every branch of the cell texts: a failed check, the CPU winning, a time below the
//! timer, naive refused, sampled rows, an unknown peak).

use seq2seq_core::layers::CellKind;

use super::config::BenchConfig;
use super::lang::Lang;
use super::layer_label::layer_label;
use super::table::*;
use super::timing::Timing;

fn ms(median_ms: f64, min_ms: f64) -> Timing {
    Timing {
        median_ms,
        min_ms,
        samples: 5,
    }
}

const OK: Check = Check {
    max_diff: 1.25e-6,
    ok: true,
};
const BAD: Check = Check {
    max_diff: 3.5e-2,
    ok: false,
};

/// One table of each kind, in the order of [`Table`]'s variants.
fn one_of_each() -> Vec<Table> {
    vec![
        Table::Matmul {
            peak_gflops: Some(100.0),
            rows: vec![
                MatmulRow {
                    n: 64,
                    tiled: ms(0.5, 0.4),
                    naive: ms(1.0, 0.9),
                    cpu: ms(0.0, 0.0),
                    tiled_check: OK,
                    naive_check: OK,
                },
                MatmulRow {
                    n: 128,
                    tiled: ms(2.0, 1.5),
                    naive: ms(6.2, 6.0),
                    cpu: ms(1.0, 0.8),
                    tiled_check: OK,
                    naive_check: BAD,
                },
            ],
        },
        Table::Linear {
            rows: vec![
                LinearRow {
                    label: "GRU recurrent gates, batch 1 (3·128 × 128)".into(),
                    m: 1,
                    n: 384,
                    k: 128,
                    path: LinearPath::Matvec,
                    path_time: ms(0.1, 0.09),
                    tiled: ms(0.3, 0.2),
                    naive: ms(0.31, 0.3),
                    cpu: ms(0.05, 0.04),
                    path_check: OK,
                    naive_check: OK,
                },
                LinearRow {
                    label: "Transformer FFN up (T 32, d 256 → 1024)".into(),
                    m: 32,
                    n: 1024,
                    k: 256,
                    path: LinearPath::Tiled,
                    path_time: ms(0.0, 0.0),
                    tiled: ms(0.2, 0.2),
                    naive: ms(0.9, 0.8),
                    cpu: ms(4.0, 3.9),
                    path_check: OK,
                    naive_check: OK,
                },
            ],
        },
        Table::Attention {
            causal: false,
            binding_limit: 128 << 20,
            cpu_max_n: 256,
            rows: vec![
                AttentionRow {
                    batch: 1,
                    n: 256,
                    flash: ms(1.5, 1.4),
                    flash_bytes: 4 * 256 * 512 * 4 + 8 * 256 * 8,
                    naive_bytes: 4 * 256 * 512 * 4 + 2 * 8 * 256 * 256 * 4,
                    naive: NaiveAttention::Ran {
                        time: ms(4.5, 4.0),
                        check: Some(OK),
                    },
                    cpu: Some(ms(3.0, 2.9)),
                    flash_check: OK,
                    checked_rows: None,
                },
                AttentionRow {
                    batch: 8,
                    n: 4096,
                    flash: ms(80.0, 79.0),
                    flash_bytes: 4 * 8 * 4096 * 512 * 4,
                    naive_bytes: 8 << 30,
                    naive: NaiveAttention::Refused {
                        scores_bytes: 4 << 30,
                    },
                    cpu: None,
                    flash_check: OK,
                    checked_rows: Some(16),
                },
            ],
        },
        Table::Attention {
            causal: true,
            binding_limit: 2 << 30,
            cpu_max_n: 1024,
            rows: vec![AttentionRow {
                batch: 1,
                n: 128,
                flash: ms(0.8, 0.7),
                flash_bytes: 300_000,
                naive_bytes: 900_000,
                naive: NaiveAttention::Ran {
                    time: ms(1.6, 1.5),
                    check: None,
                },
                cpu: Some(ms(0.4, 0.35)),
                flash_check: BAD,
                checked_rows: None,
            }],
        },
        Table::Cells {
            rows: vec![
                CellRow {
                    cell: CellKind::Gru,
                    hidden: 64,
                    steps: 16,
                    batch: 1,
                    gpu: ms(2.0, 1.8),
                    cpu: ms(0.1, 0.1),
                    check: OK,
                },
                CellRow {
                    cell: CellKind::Lstm,
                    hidden: 512,
                    steps: 128,
                    batch: 64,
                    gpu: ms(10.0, 9.0),
                    cpu: ms(400.0, 390.0),
                    check: OK,
                },
            ],
        },
        Table::CpuMatmul {
            rows: vec![CpuMatmulRow {
                n: 128,
                cpu: ms(1.2, 1.1),
            }],
        },
        Table::CpuAttention {
            rows: vec![
                CpuAttentionRow {
                    n: 128,
                    causal: false,
                    cpu: ms(0.0, 0.0),
                },
                CpuAttentionRow {
                    n: 256,
                    causal: true,
                    cpu: ms(2.5, 2.4),
                },
            ],
        },
        Table::CpuCells {
            rows: vec![CpuCellRow {
                cell: CellKind::Rnn,
                hidden: 64,
                steps: 16,
                batch: 8,
                cpu: ms(0.3, 0.25),
            }],
        },
    ]
}

/// Each table as Markdown, then its picked ratios: what BENCHMARKS.md and the app show.
fn english_text() -> String {
    let mut s = String::new();
    for t in one_of_each() {
        s += &format!("{}\n", t.to_markdown());
        for h in t.highlights(Lang::En) {
            s += &format!(
                "HL {:?} | {} | {} | {}\n",
                h.pick, h.at, h.value.text, h.value.strong
            );
        }
        s += "=====\n";
    }
    s
}

/// `text_tests_en.txt` is this output from before the tables were bilingual, with one deliberate
/// change: a ratio over a time below the timer reads "∞×", no longer Rust's "inf×".
#[test]
fn the_english_text_is_unchanged() {
    let want = include_str!("text_tests_en.txt");
    let got = english_text();
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "line {}", i + 1);
    }
    assert_eq!(got, want);
}

/// Names that stay as they are in Chinese text: units, processors, the cells and families.
const NAMES: [&str; 12] = [
    "GPU", "CPU", "ms", "GFLOP", "KiB", "MiB", "GiB", "Flash", "rnn", "gru", "lstm", "GRU",
];
const MORE_NAMES: [&str; 2] = ["LSTM", "Transformer"];
/// What the notes cite: seq2seq-core's functions, a WebGPU limit, the weights' layout.
const CODE: [&str; 12] = [
    "seq2seq-core",
    "GpuBackend::linear",
    "maxStorageBufferBindingSize",
    "scaled_dot_product_attention",
    "rnn_cell",
    "gru_cell",
    "lstm_cell",
    "rnn_step",
    "gru_step",
    "lstm_step",
    "WebAssembly",
    "PyTorch",
];

/// The English words in `text`: runs of two or more ASCII letters that are not a name (single
/// letters are sizes and symbols: N, d, H, T, x, W, e in 1.2e-6).
fn english_words(text: &str) -> Vec<String> {
    let text = CODE.iter().fold(text.to_owned(), |s, c| s.replace(c, " "));
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2 && !NAMES.contains(w) && !MORE_NAMES.contains(w))
        .map(str::to_owned)
        .collect()
}

/// Every text a table shows in `lang`: title, note, columns, cells, picked ratios.
fn texts(t: &Table, lang: Lang) -> Vec<String> {
    let mut all = vec![t.title(lang), t.note(lang)];
    all.extend(t.columns(lang).iter().map(|c| c.name.to_owned()));
    all.extend(t.cells(lang).into_iter().flatten().map(|c| c.text));
    for h in t.highlights(lang) {
        all.push(h.at);
        all.push(h.value.text);
    }
    all
}

#[test]
fn the_chinese_text_has_no_english_words() {
    for t in one_of_each() {
        for text in texts(&t, Lang::Zh) {
            assert_eq!(english_words(&text), Vec::<String>::new(), "{text}");
        }
    }
    // The checker sees English.
    assert_eq!(english_words("GPU 3.10× faster"), ["faster"]);
}

#[test]
fn every_layer_label_of_every_size_set_is_translated() {
    for config in [
        BenchConfig::full(),
        BenchConfig::quick(),
        BenchConfig::browser(),
    ] {
        for (label, ..) in config.linear {
            let zh = layer_label(Lang::Zh, label);
            assert_eq!(english_words(&zh), Vec::<String>::new(), "{label} → {zh}");
            assert_eq!(layer_label(Lang::En, label), label);
        }
    }
}

/// The runs of digits and dots in `text`, in order.
fn numbers(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect()
}

/// Numbers are formatted once: each cell and picked ratio holds the same numbers, in the same
/// order, in both languages, and the same emphasis.
#[test]
fn both_languages_show_the_same_numbers() {
    for t in one_of_each() {
        let (zh, en) = (t.cells(Lang::Zh), t.cells(Lang::En));
        assert_eq!(zh.len(), en.len());
        for (z, e) in zh.iter().flatten().zip(en.iter().flatten()) {
            assert_eq!(
                numbers(&z.text),
                numbers(&e.text),
                "{} / {}",
                z.text,
                e.text
            );
            assert_eq!(z.strong, e.strong, "{} / {}", z.text, e.text);
        }
        for (z, e) in t.highlights(Lang::Zh).iter().zip(t.highlights(Lang::En)) {
            assert_eq!(numbers(&z.at), numbers(&e.at));
            assert_eq!(numbers(&z.value.text), numbers(&e.value.text));
            assert_eq!(z.value.strong, e.value.strong);
        }
    }
}
