//! Sequence-level distillation (Kim & Rush 2016; issue 14's distillation lever): a teacher's
//! beam translations of the train split replace the references of the training pairs, so that a
//! small student learns the teacher's more regular outputs. `train --distilled <tsv>` reads the
//! file that `scripts/distill.sh` writes from `seq2seq-train translate` (English<TAB>Chinese,
//! one train pair per line, the target side the teacher's). Only the train split is translated,
//! so no dev or test sentence is seen; a teacher line that is empty (refused) or a near-copy of
//! one of the page's examples (`crate::near_copies`) leaves the pair's reference in place.
//! `--keep-references` keeps the references the teacher changed as extra examples beside its
//! translations (a source with two targets) instead of dropping them.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use seq2seq_core::tokenizer::Language;

use crate::data::Pair;
use crate::evaluate::read_split;
use crate::near_copies;

/// How many training pairs took the teacher's target, and why the others did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistillStats {
    pub replaced: usize,
    pub no_teacher_line: usize,
    pub example_copies: usize,
}

/// Replaces the targets of `pairs` (for a direction whose source is `source`) by the teacher's
/// translations in `path`; returns the counts and the references the teacher changed (the pairs
/// as they were, kept as extra examples by `train --keep-references`).
pub fn replace_targets(
    pairs: &mut [Pair],
    path: &Path,
    source: Language,
    examples: &Path,
) -> Result<(DistillStats, Vec<Pair>)> {
    let teacher: Vec<Pair> = read_split(path)
        .with_context(|| format!("reading the teacher's translations {}", path.display()))?
        .into_iter()
        .map(|(en, zh)| Pair { en, zh })
        .collect();
    let examples = near_copies::read_examples(examples)?;
    Ok(apply(pairs, teacher, source, &examples))
}

/// `replace_targets` on pairs already read.
pub fn apply(
    pairs: &mut [Pair],
    teacher: Vec<Pair>,
    source: Language,
    examples: &[String],
) -> (DistillStats, Vec<Pair>) {
    let side = |p: &Pair, want_source: bool| -> String {
        match (source, want_source) {
            (Language::En, true) | (Language::Zh, false) => p.en.clone(),
            (Language::Zh, true) | (Language::En, false) => p.zh.clone(),
        }
    };
    let read = teacher.len();
    let (teacher, _) = near_copies::drop_near_copies(teacher, examples);
    let example_copies = read - teacher.len();
    let target_of: HashMap<String, String> = teacher
        .iter()
        .map(|p| (side(p, true), side(p, false)))
        .filter(|(_, target)| !target.trim().is_empty())
        .collect();
    let mut stats = DistillStats {
        replaced: 0,
        no_teacher_line: 0,
        example_copies,
    };
    let mut changed_references = Vec::new();
    for p in pairs.iter_mut() {
        match target_of.get(&side(p, true)) {
            Some(target) => {
                let reference = p.clone();
                match source {
                    Language::En => p.zh = target.clone(),
                    Language::Zh => p.en = target.clone(),
                }
                if *p != reference {
                    changed_references.push(reference);
                }
                stats.replaced += 1;
            }
            None => stats.no_teacher_line += 1,
        }
    }
    (stats, changed_references)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teacher_targets_replace_references_except_empty_lines_and_example_copies() {
        let mut pairs = vec![
            Pair::new("Who are you?", "你是谁？"),
            Pair::new("Run.", "你用跑的。"),
            Pair::new("Stay.", "待著。"),
            Pair::new("I like eating apples.", "我喜欢吃苹果。"),
        ];
        // The teacher's zh→en lines: English (its output) <TAB> Chinese (the source).
        let teacher = vec![
            Pair::new("Who are you?", "你是谁？"),
            Pair::new("Run!", "你用跑的。"),
            Pair::new("", "待著。"),
            Pair::new("I like eating apples.", "我喜欢吃苹果。"),
        ];
        let examples = vec!["I like eating apples.".to_owned()];
        let (stats, _) = apply(&mut pairs, teacher, Language::Zh, &examples);
        assert_eq!(pairs[1], Pair::new("Run!", "你用跑的。"));
        assert_eq!(pairs[2], Pair::new("Stay.", "待著。"));
        assert_eq!(
            stats,
            DistillStats {
                replaced: 2,
                no_teacher_line: 2,
                example_copies: 1,
            }
        );
    }

    #[test]
    fn only_references_the_teacher_changed_are_kept_beside_it() {
        let mut pairs = vec![
            Pair::new("Run.", "你用跑的。"),
            Pair::new("Stay.", "待著。"),
        ];
        let teacher = vec![Pair::new("Run.", "跑！"), Pair::new("Stay.", "待著。")];
        let (_, changed_references) = apply(&mut pairs, teacher, Language::En, &[]);
        assert_eq!(changed_references, vec![Pair::new("Run.", "你用跑的。")]);
    }

    #[test]
    fn en_zh_replaces_the_chinese_side() {
        let mut pairs = vec![Pair::new("Run.", "你用跑的。")];
        let teacher = vec![Pair::new("Run.", "跑！")];
        let (stats, _) = apply(&mut pairs, teacher, Language::En, &[]);
        assert_eq!(pairs[0], Pair::new("Run.", "跑！"));
        assert_eq!(stats.replaced, 1);
    }
}
