//! What the length-ladder numbers say, decided from the catalogue alone (never fixed text): how
//! much of its one-sentence test BLEU each family keeps at the ladder's longest rung, and whether
//! the attention families keep more than every fixed-c family.

use crate::catalog::{Catalog, Ladder};
use crate::route::{Direction, Family};

/// One family's share kept at the longest rung.
#[derive(Clone, Debug, PartialEq)]
pub struct Kept {
    pub family: Family,
    /// BLEU at the longest rung ÷ BLEU at one sentence.
    pub kept: f64,
    /// Sentences joined at the longest rung.
    pub sentences: usize,
    /// Most sentences joined in one training example of this model.
    pub trained_on: usize,
}

/// The reading of the numbers for one direction.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Some family has no ladder scores: nothing is claimed.
    Incomplete,
    /// Every attention family keeps more than every fixed-c family: (lowest attention share,
    /// highest fixed-c share).
    AttentionHolds { attention_min: f64, fixed_max: f64 },
    /// Some fixed-c family keeps as much as some attention family.
    NoClearGap { attention_min: f64, fixed_max: f64 },
}

/// Facts about the training inputs shared by the verdict's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Training {
    /// (fewest, most) sentences joined in the training examples of the five models.
    pub sentences: (usize, usize),
    /// Longest training input, in tokens, over the five models.
    pub max_tokens: usize,
}

pub fn ladder(catalog: &Catalog, family: Family, direction: Direction) -> Option<&Ladder> {
    catalog.model(family, direction)?.ladder.as_ref()
}

/// Every family's share kept (None when a family lacks ladder scores).
pub fn kept_by_family(catalog: &Catalog, direction: Direction) -> Option<Vec<Kept>> {
    Family::ALL
        .iter()
        .map(|&family| {
            let l = ladder(catalog, family, direction)?;
            Some(Kept {
                family,
                kept: l.kept()?,
                sentences: l.test.rungs.last()?.0,
                trained_on: l.trained_on_sentences,
            })
        })
        .collect()
}

pub fn training(catalog: &Catalog, direction: Direction) -> Option<Training> {
    let ladders: Vec<&Ladder> = Family::ALL
        .iter()
        .filter_map(|&f| ladder(catalog, f, direction))
        .collect();
    Some(Training {
        sentences: (
            ladders.iter().map(|l| l.trained_on_sentences).min()?,
            ladders.iter().map(|l| l.trained_on_sentences).max()?,
        ),
        max_tokens: ladders.iter().map(|l| l.trained_max_tokens).max()?,
    })
}

/// The families to compare: those trained on the longest joined inputs of the direction, when
/// they include both an attention and a fixed-c family (a model never trained on long inputs
/// collapses on them whatever its architecture); otherwise all of them.
pub fn compared(kept: &[Kept]) -> Vec<Kept> {
    let longest = kept.iter().map(|k| k.trained_on).max().unwrap_or(1);
    let group: Vec<Kept> = kept
        .iter()
        .filter(|k| k.trained_on == longest)
        .cloned()
        .collect();
    let both = group.iter().any(|k| k.family.has_fixed_context())
        && group.iter().any(|k| !k.family.has_fixed_context());
    if both {
        group
    } else {
        kept.to_vec()
    }
}

pub fn verdict(kept: Option<&[Kept]>) -> Verdict {
    let Some(kept) = kept else {
        return Verdict::Incomplete;
    };
    let share = |attention: bool| {
        kept.iter()
            .filter(move |k| k.family.has_fixed_context() != attention)
            .map(|k| k.kept)
    };
    let attention_min = share(true).fold(f64::INFINITY, f64::min);
    let fixed_max = share(false).fold(f64::NEG_INFINITY, f64::max);
    if !attention_min.is_finite() || !fixed_max.is_finite() {
        Verdict::Incomplete
    } else if attention_min > fixed_max {
        Verdict::AttentionHolds {
            attention_min,
            fixed_max,
        }
    } else {
        Verdict::NoClearGap {
            attention_min,
            fixed_max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(shares: [f64; 5]) -> Vec<Kept> {
        Family::ALL
            .iter()
            .zip(shares)
            .map(|(&family, kept)| Kept {
                family,
                kept,
                sentences: 4,
                trained_on: 4,
            })
            .collect()
    }

    #[test]
    fn the_verdict_follows_the_numbers() {
        let attention_share =
            |k: &[Kept], f: Family| k.iter().find(|x| x.family == f).unwrap().kept;
        // Attention ahead of every fixed-c family.
        let mut shares = [0.0; 5];
        for (i, f) in Family::ALL.iter().enumerate() {
            shares[i] = if f.has_fixed_context() { 0.3 } else { 0.8 };
        }
        let k = kept(shares);
        assert_eq!(
            verdict(Some(&k)),
            Verdict::AttentionHolds {
                attention_min: 0.8,
                fixed_max: 0.3
            }
        );
        // One fixed-c family as good as an attention family: no claim.
        let i = Family::ALL
            .iter()
            .position(|f| f.has_fixed_context())
            .unwrap();
        shares[i] = 0.8;
        let k = kept(shares);
        assert!(matches!(verdict(Some(&k)), Verdict::NoClearGap { .. }));
        assert_eq!(attention_share(&k, Family::ALL[i]), 0.8);
        assert_eq!(verdict(None), Verdict::Incomplete);
    }

    #[test]
    fn models_trained_on_long_inputs_are_compared_among_themselves() {
        let mut k = kept([0.1; 5]);
        for x in k.iter_mut() {
            x.trained_on = if matches!(x.family, Family::Gru | Family::GruAttn) {
                4
            } else {
                1
            };
        }
        let group: Vec<Family> = compared(&k).iter().map(|x| x.family).collect();
        assert_eq!(group, [Family::Gru, Family::GruAttn]);
        // Only attention families trained long: nothing to compare them with, so all five.
        for x in k.iter_mut() {
            x.trained_on = if x.family == Family::GruAttn { 4 } else { 1 };
        }
        assert_eq!(compared(&k).len(), 5);
    }

    #[test]
    fn the_shipped_catalogue_has_a_ladder_for_every_model() {
        let catalog =
            Catalog::from_json(include_str!("../../../../../www/models/index.json")).unwrap();
        for direction in [Direction::EnZh, Direction::ZhEn] {
            let k = kept_by_family(&catalog, direction).expect("ladder scores for all five");
            assert_eq!(k.len(), 5);
            assert!(k.iter().all(|x| x.sentences == 4 && x.kept > 0.0), "{k:?}");
            let t = training(&catalog, direction).unwrap();
            assert!(t.sentences.0 >= 1 && t.max_tokens >= 48, "{t:?}");
            assert_ne!(verdict(Some(&k)), Verdict::Incomplete);
            for f in Family::ALL {
                let l = ladder(&catalog, f, direction).unwrap();
                assert_eq!(l.examples.len(), 4, "{f:?}: one example per rung");
            }
        }
    }
}
