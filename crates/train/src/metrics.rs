//! BLEU and chrF with sacreBLEU's definitions (sacreBLEU 2.x defaults), so our numbers can be
//! compared with published ones:
//!
//! - BLEU: corpus statistics, n-grams 1–4, brevity penalty, `smooth_method="exp"`, on tokens from
//!   the `13a` tokenizer (English) or the `zh` tokenizer (Chinese: every CJK character is a token,
//!   the rest as 13a).
//! - chrF: character n-grams 1–6, β = 2, whitespace removed, no word n-grams, corpus statistics
//!   summed over sentences, precision and recall averaged over the orders that occur.
//!
//! `tests/sacrebleu.rs` checks both against numbers sacreBLEU itself printed for a fixture.

use std::collections::HashMap;

/// Which sacreBLEU tokenizer BLEU uses: `13a` for English, `zh` for Chinese.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BleuTokenizer {
    Tok13a,
    Zh,
}

impl BleuTokenizer {
    pub fn for_language(lang: seq2seq_core::tokenizer::Language) -> Self {
        match lang {
            seq2seq_core::tokenizer::Language::En => BleuTokenizer::Tok13a,
            seq2seq_core::tokenizer::Language::Zh => BleuTokenizer::Zh,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            BleuTokenizer::Tok13a => "13a",
            BleuTokenizer::Zh => "zh",
        }
    }

    pub fn tokenize(self, line: &str) -> Vec<String> {
        match self {
            BleuTokenizer::Tok13a => tokenize_13a(line),
            BleuTokenizer::Zh => tokenize_zh(line),
        }
    }
}

/// sacreBLEU's `TokenizerRegexp` (shared by 13a and zh): four substitutions, then whitespace split.
fn regexp_post(line: &str) -> Vec<String> {
    // 1. ([\{-\~\[-\` -\&\(-\+\:-\@\/]) → " \1 "
    let punct =
        |c: char| matches!(c, '{'..='~' | '['..='`' | ' '..='&' | '('..='+' | ':'..='@' | '/');
    let mut s = String::with_capacity(line.len() * 2);
    for c in line.chars() {
        if punct(c) {
            s.push(' ');
            s.push(c);
            s.push(' ');
        } else {
            s.push(c);
        }
    }
    let digit = |c: char| c.is_ascii_digit();
    let dot_comma = |c: char| c == '.' || c == ',';
    // A two-character pattern substituted left to right without overlaps, as `re.sub` does.
    let sub2 = |s: &str,
                first: &dyn Fn(char) -> bool,
                second: &dyn Fn(char) -> bool,
                write: &dyn Fn(&mut String, char, char)| {
        let cs: Vec<char> = s.chars().collect();
        let mut out = String::with_capacity(s.len() + 8);
        let mut i = 0;
        while i < cs.len() {
            if i + 1 < cs.len() && first(cs[i]) && second(cs[i + 1]) {
                write(&mut out, cs[i], cs[i + 1]);
                i += 2;
            } else {
                out.push(cs[i]);
                i += 1;
            }
        }
        out
    };
    // 2. ([^0-9])([\.,]) → "\1 \2 "
    let s = sub2(&s, &|c| !digit(c), &dot_comma, &|o, a, b| {
        o.push(a);
        o.push(' ');
        o.push(b);
        o.push(' ');
    });
    // 3. ([\.,])([^0-9]) → " \1 \2"
    let s = sub2(&s, &dot_comma, &|c| !digit(c), &|o, a, b| {
        o.push(' ');
        o.push(a);
        o.push(' ');
        o.push(b);
    });
    // 4. ([0-9])(-) → "\1 \2 "
    let s = sub2(&s, &digit, &|c| c == '-', &|o, a, b| {
        o.push(a);
        o.push(' ');
        o.push(b);
        o.push(' ');
    });
    s.split_whitespace().map(str::to_string).collect()
}

/// sacreBLEU `13a` (mteval-v13a): unescape a few entities, then the regexp tokenizer.
pub fn tokenize_13a(line: &str) -> Vec<String> {
    let mut l = line
        .trim_end()
        .replace("<skipped>", "")
        .replace("-\n", "")
        .replace('\n', " ");
    if l.contains('&') {
        l = l
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
    }
    regexp_post(&format!(" {l} "))
}

/// sacreBLEU's `_is_chinese_char`. Its table writes two 5-hex-digit code points as `'\u20000'` and
/// `'\u2f800'`, which Python reads as two-character strings; compared with one character they
/// behave as the ranges U+2001..=U+2A6D and U+2F81..=U+2FA1. We reproduce that exactly.
fn is_chinese_char(c: char) -> bool {
    const RANGES: [(u32, u32); 22] = [
        (0x3400, 0x4db5),
        (0x4e00, 0x9fa5),
        (0x9fa6, 0x9fbb),
        (0xf900, 0xfa2d),
        (0xfa30, 0xfa6a),
        (0xfa70, 0xfad9),
        (0x2001, 0x2a6d),
        (0x2f81, 0x2fa1),
        (0xff00, 0xffef),
        (0x2e80, 0x2eff),
        (0x3000, 0x303f),
        (0x31c0, 0x31ef),
        (0x2f00, 0x2fdf),
        (0x2ff0, 0x2fff),
        (0x3100, 0x312f),
        (0x31a0, 0x31bf),
        (0xfe10, 0xfe1f),
        (0xfe30, 0xfe4f),
        (0x2600, 0x26ff),
        (0x2700, 0x27bf),
        (0x3200, 0x32ff),
        (0x3300, 0x33ff),
    ];
    let u = c as u32;
    RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

/// sacreBLEU `zh`: every Chinese character becomes a token; the rest goes through the regexp
/// tokenizer.
pub fn tokenize_zh(line: &str) -> Vec<String> {
    let mut s = String::with_capacity(line.len() * 3);
    for c in line.trim_end().trim().chars() {
        if is_chinese_char(c) {
            s.push(' ');
            s.push(c);
            s.push(' ');
        } else {
            s.push(c);
        }
    }
    regexp_post(&s)
}

/// BLEU sufficient statistics: matches and totals per order, hypothesis and reference lengths.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BleuStats {
    pub correct: [u64; 4],
    pub total: [u64; 4],
    pub sys_len: u64,
    pub ref_len: u64,
}

impl BleuStats {
    pub fn add_sentence(&mut self, hyp: &[String], reference: &[String]) {
        self.sys_len += hyp.len() as u64;
        self.ref_len += reference.len() as u64;
        for n in 1..=4 {
            let mut counts: HashMap<&[String], i64> = HashMap::new();
            for g in reference.windows(n) {
                *counts.entry(g).or_default() += 1;
            }
            if hyp.len() >= n {
                self.total[n - 1] += (hyp.len() + 1 - n) as u64;
            }
            for g in hyp.windows(n) {
                if let Some(c) = counts.get_mut(g) {
                    if *c > 0 {
                        *c -= 1;
                        self.correct[n - 1] += 1;
                    }
                }
            }
        }
    }

    /// The BLEU score (0–100) with sacreBLEU's default `exp` smoothing.
    pub fn score(&self) -> f64 {
        let bp = if self.sys_len < self.ref_len {
            if self.sys_len > 0 {
                (1.0 - self.ref_len as f64 / self.sys_len as f64).exp()
            } else {
                0.0
            }
        } else {
            1.0
        };
        if self.correct.iter().all(|&c| c == 0) {
            return 0.0;
        }
        let mut precisions = [0.0f64; 4];
        let mut smooth = 1.0f64;
        for n in 0..4 {
            if self.total[n] == 0 {
                break;
            }
            precisions[n] = if self.correct[n] == 0 {
                smooth *= 2.0;
                100.0 / (smooth * self.total[n] as f64)
            } else {
                100.0 * self.correct[n] as f64 / self.total[n] as f64
            };
        }
        let log = |p: f64| if p > 0.0 { p.ln() } else { -9_999_999_999.0 };
        bp * (precisions.iter().map(|&p| log(p)).sum::<f64>() / 4.0).exp()
    }
}

/// Corpus BLEU of hypotheses against one reference each.
pub fn corpus_bleu(hyps: &[String], refs: &[String], tok: BleuTokenizer) -> f64 {
    let mut stats = BleuStats::default();
    for (h, r) in hyps.iter().zip(refs) {
        stats.add_sentence(&tok.tokenize(h), &tok.tokenize(r));
    }
    stats.score()
}

const CHRF_ORDER: usize = 6;
const CHRF_BETA: f64 = 2.0;

fn char_ngrams(line: &str, n: usize) -> HashMap<&str, u64> {
    let idx: Vec<usize> = line
        .char_indices()
        .map(|(i, _)| i)
        .chain([line.len()])
        .collect();
    let chars = idx.len() - 1;
    let mut m = HashMap::new();
    if chars >= n {
        for i in 0..=chars - n {
            *m.entry(&line[idx[i]..idx[i + n]]).or_default() += 1;
        }
    }
    m
}

/// chrF statistics of one sentence: [hyp, ref, match] per order 1..=6.
fn chrf_stats(hyp: &str, reference: &str) -> [u64; 3 * CHRF_ORDER] {
    let h: String = hyp.split_whitespace().collect();
    let r: String = reference.split_whitespace().collect();
    let mut stats = [0u64; 3 * CHRF_ORDER];
    for n in 1..=CHRF_ORDER {
        let hn = char_ngrams(&h, n);
        let rn = char_ngrams(&r, n);
        let (mut hyp_count, mut matches) = (0, 0);
        for (g, &c) in &hn {
            hyp_count += c;
            if let Some(&rc) = rn.get(g) {
                matches += c.min(rc);
            }
        }
        stats[3 * (n - 1)] = if rn.is_empty() { 0 } else { hyp_count };
        stats[3 * (n - 1) + 1] = rn.values().sum();
        stats[3 * (n - 1) + 2] = matches;
    }
    stats
}

fn chrf_from_stats(stats: &[u64; 3 * CHRF_ORDER]) -> f64 {
    let eps = 1e-16;
    let factor = CHRF_BETA * CHRF_BETA;
    let (mut avg_prec, mut avg_rec, mut effective) = (0.0, 0.0, 0);
    for n in 0..CHRF_ORDER {
        let (nh, nr, nm) = (stats[3 * n], stats[3 * n + 1], stats[3 * n + 2]);
        let prec = if nh > 0 { nm as f64 / nh as f64 } else { eps };
        let rec = if nr > 0 { nm as f64 / nr as f64 } else { eps };
        if nh > 0 && nr > 0 {
            avg_prec += prec;
            avg_rec += rec;
            effective += 1;
        }
    }
    if effective == 0 {
        return 0.0;
    }
    avg_prec /= effective as f64;
    avg_rec /= effective as f64;
    if avg_prec + avg_rec > 0.0 {
        100.0 * (1.0 + factor) * avg_prec * avg_rec / (factor * avg_prec + avg_rec)
    } else {
        0.0
    }
}

/// Corpus chrF (sacreBLEU `CHRF()` defaults: chrF2, character 6-grams, whitespace ignored).
pub fn corpus_chrf(hyps: &[String], refs: &[String]) -> f64 {
    let mut total = [0u64; 3 * CHRF_ORDER];
    for (h, r) in hyps.iter().zip(refs) {
        for (t, s) in total.iter_mut().zip(chrf_stats(h, r)) {
            *t += s;
        }
    }
    chrf_from_stats(&total)
}

/// Source-length buckets (in words: whitespace-separated for English, characters for Chinese).
pub const BUCKETS: [(&str, usize, usize); 4] = [
    ("1-5", 1, 5),
    ("6-10", 6, 10),
    ("11-15", 11, 15),
    ("16+", 16, usize::MAX),
];

/// Finer buckets for the length ladder's joined inputs, up to 40+ words.
pub const LADDER_BUCKETS: [(&str, usize, usize); 7] = [
    ("1-5", 1, 5),
    ("6-10", 6, 10),
    ("11-15", 11, 15),
    ("16-20", 16, 20),
    ("21-30", 21, 30),
    ("31-40", 31, 40),
    ("41+", 41, usize::MAX),
];

/// The index of `words` in `buckets` (0 for an empty source).
pub fn bucket_in(buckets: &[(&str, usize, usize)], words: usize) -> usize {
    buckets
        .iter()
        .position(|&(_, lo, hi)| (lo..=hi).contains(&words))
        .unwrap_or(0)
}

/// The number of source "words": English words split by whitespace, Chinese characters (without
/// punctuation and spaces) for Chinese.
pub fn source_words(text: &str, lang: seq2seq_core::tokenizer::Language) -> usize {
    match lang {
        seq2seq_core::tokenizer::Language::En => text.split_whitespace().count(),
        seq2seq_core::tokenizer::Language::Zh => text
            .chars()
            .filter(|c| c.is_alphanumeric() && !c.is_whitespace())
            .count(),
    }
}

/// The bucket index of a source length.
pub fn bucket_of(words: usize) -> usize {
    bucket_in(&BUCKETS, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenize_13a_splits_punctuation_but_not_numbers() {
        assert_eq!(
            tokenize_13a("Hello, world! It costs 3.50 dollars-ish (1-2)."),
            [
                "Hello",
                ",",
                "world",
                "!",
                "It",
                "costs",
                "3.50",
                "dollars-ish",
                "(",
                "1",
                "-",
                "2",
                ")",
                "."
            ]
        );
    }

    #[test]
    fn tokenize_zh_splits_characters() {
        assert_eq!(
            tokenize_zh("我喜欢iPhone 12。"),
            ["我", "喜", "欢", "iPhone", "12", "。"]
        );
    }

    #[test]
    fn perfect_and_empty() {
        let h = vec!["the cat sat on the mat".to_string()];
        assert!((corpus_bleu(&h, &h, BleuTokenizer::Tok13a) - 100.0).abs() < 1e-9);
        assert!((corpus_chrf(&h, &h) - 100.0).abs() < 1e-9);
        let e = vec![String::new()];
        assert_eq!(corpus_bleu(&e, &h, BleuTokenizer::Tok13a), 0.0);
        assert_eq!(corpus_chrf(&e, &h), 0.0);
    }

    #[test]
    fn buckets() {
        assert_eq!(bucket_of(1), 0);
        assert_eq!(bucket_of(5), 0);
        assert_eq!(bucket_of(6), 1);
        assert_eq!(bucket_of(15), 2);
        assert_eq!(bucket_of(40), 3);
    }
}
