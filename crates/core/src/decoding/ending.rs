//! How a translation ended: with EOS, at the length limit, or in a loop (the same n-gram over and
//! over, what a model does on inputs longer than any it was trained on). The page marks the last
//! two, so a reader never takes a cut-off or looping output for a real translation.

use serde::{Deserialize, Serialize};

/// Why decoding stopped, and whether the output repeats itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ending {
    /// The model chose EOS and the output does not loop.
    Eos,
    /// `max_len` tokens without EOS: the output was cut off.
    LengthLimit,
    /// An n-gram of `ngram` tokens repeated `repeats` times in a row (with or without EOS).
    Loop { ngram: usize, repeats: usize },
}

/// Longest repeated unit looked for, in tokens.
const MAX_NGRAM: usize = 8;

/// The ending of `tokens` (EOS excluded) decoded with a limit of `max_len` tokens. A loop is an
/// n-gram (n ≤ 8) repeated back to back at least 3 times (4 times for a single token, so that
/// "哈哈哈" is not one); a loop wins over the length limit, which it usually causes.
pub fn ending(tokens: &[u32], max_len: usize) -> Ending {
    if let Some((ngram, repeats)) = longest_repeat(tokens) {
        return Ending::Loop { ngram, repeats };
    }
    if tokens.len() >= max_len {
        Ending::LengthLimit
    } else {
        Ending::Eos
    }
}

/// The repeated run that covers the most tokens: (n-gram length, repeats), if any run reaches
/// the thresholds of [`ending`].
fn longest_repeat(tokens: &[u32]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for n in 1..=MAX_NGRAM.min(tokens.len() / 2) {
        let needed = if n == 1 { 4 } else { 3 };
        for start in 0..tokens.len().saturating_sub(n) {
            let unit = &tokens[start..start + n];
            let repeats = 1 + tokens[start + n..]
                .chunks_exact(n)
                .take_while(|c| *c == unit)
                .count();
            let covers = repeats * n;
            if repeats >= needed && best.is_none_or(|(bn, br)| covers > bn * br) {
                best = Some((n, repeats));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings() {
        assert_eq!(ending(&[5, 6, 7], 10), Ending::Eos);
        assert_eq!(ending(&[5, 6, 7, 8], 4), Ending::LengthLimit);
        // "I am I am I am"
        assert_eq!(
            ending(&[9, 5, 6, 5, 6, 5, 6, 7], 20),
            Ending::Loop {
                ngram: 2,
                repeats: 3
            }
        );
        // A single token needs four in a row.
        assert_eq!(ending(&[1, 1, 1, 2], 20), Ending::Eos);
        assert_eq!(
            ending(&[1, 1, 1, 1, 2], 20),
            Ending::Loop {
                ngram: 1,
                repeats: 4
            }
        );
        // Twice is not a loop ("the cat, the cat").
        assert_eq!(ending(&[3, 4, 3, 4, 9], 20), Ending::Eos);
        // A loop that ran into the limit is called a loop.
        let looping: Vec<u32> = [7, 8, 9].repeat(10);
        assert_eq!(
            ending(&looping, 30),
            Ending::Loop {
                ngram: 3,
                repeats: 10
            }
        );
        assert_eq!(ending(&[], 5), Ending::Eos);
    }
}
