//! Our BLEU and chrF against the numbers sacreBLEU itself printed for a committed fixture
//! (fixtures/sacrebleu/: references, hypotheses, and expected.txt with the exact commands).

use seq2seq_train::metrics::{corpus_bleu, corpus_chrf, BleuTokenizer};

fn lines(name: &str) -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/sacrebleu/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .map(str::to_string)
        .collect()
}

fn expected(lang: &str, metric: &str) -> f64 {
    lines("expected.txt")
        .iter()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 3 && f[0] == lang && f[1] == metric).then(|| f[2].parse().expect("number"))
        })
        .unwrap_or_else(|| panic!("no {lang} {metric} in expected.txt"))
}

fn check(lang: &str, tok: BleuTokenizer) {
    let (hyps, refs) = (lines(&format!("{lang}.hyp")), lines(&format!("{lang}.ref")));
    assert_eq!(hyps.len(), refs.len());
    let bleu = corpus_bleu(&hyps, &refs, tok);
    let chrf = corpus_chrf(&hyps, &refs);
    println!("{lang}: BLEU {bleu:.4} chrF {chrf:.4}");
    // sacreBLEU printed 4 decimals.
    assert!(
        (bleu - expected(lang, "bleu")).abs() < 1e-4,
        "{lang} BLEU {bleu}"
    );
    assert!(
        (chrf - expected(lang, "chrf")).abs() < 1e-4,
        "{lang} chrF {chrf}"
    );
}

#[test]
fn english_bleu_13a_and_chrf_match_sacrebleu() {
    check("en", BleuTokenizer::Tok13a);
}

#[test]
fn chinese_bleu_zh_and_chrf_match_sacrebleu() {
    check("zh", BleuTokenizer::Zh);
}
