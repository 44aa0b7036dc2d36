//! The five model families of the article, as one type. Its string form ("rnn", "gru", "lstm",
//! "gru-attn", "transformer") is the one config.json, index.json, model ids and URLs use.
//!
//! A sixth family starts here: add a variant and its slug, and the compiler lists every `match`
//! that must learn it (ARCHITECTURE.md, "Adding a family or a view").

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::layers::CellKind;

/// A model family, in the order of the article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Family {
    #[serde(rename = "rnn")]
    Rnn,
    #[serde(rename = "gru")]
    Gru,
    #[serde(rename = "lstm")]
    Lstm,
    #[serde(rename = "gru-attn")]
    GruAttn,
    #[serde(rename = "transformer")]
    Transformer,
}

impl Family {
    pub const ALL: [Family; 5] = [
        Family::Rnn,
        Family::Gru,
        Family::Lstm,
        Family::GruAttn,
        Family::Transformer,
    ];

    /// The string form: "rnn", "gru", "lstm", "gru-attn", "transformer".
    pub fn slug(self) -> &'static str {
        match self {
            Family::Rnn => "rnn",
            Family::Gru => "gru",
            Family::Lstm => "lstm",
            Family::GruAttn => "gru-attn",
            Family::Transformer => "transformer",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|family| family.slug() == slug)
    }

    /// A shipped model's id, `<family>-<direction>` (e.g. "gru-attn-en-zh"), as in index.json.
    pub fn model_id(self, direction: impl fmt::Display) -> String {
        format!("{}-{direction}", self.slug())
    }

    /// The decoder sees one fixed context vector c (no attention).
    pub fn has_fixed_context(self) -> bool {
        self.fixed_context_cell().is_some()
    }

    /// The cell of a fixed-context family (rnn, gru, lstm); None for the attention families.
    pub fn fixed_context_cell(self) -> Option<CellKind> {
        match self {
            Family::Rnn => Some(CellKind::Rnn),
            Family::Gru => Some(CellKind::Gru),
            Family::Lstm => Some(CellKind::Lstm),
            Family::GruAttn | Family::Transformer => None,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl std::str::FromStr for Family {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Family> {
        Family::from_slug(s).ok_or_else(|| {
            let known: Vec<&str> = Family::ALL.iter().map(|f| f.slug()).collect();
            crate::Error::Config(format!(
                "unknown model family `{s}`; expected one of {known:?}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_string_form_is_serde_slug_display_and_from_str() {
        for f in Family::ALL {
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.slug()));
            assert_eq!(serde_json::from_str::<Family>(&json).unwrap(), f);
            assert_eq!(f.to_string().parse::<Family>().unwrap(), f);
        }
        assert_eq!(Family::GruAttn.model_id("en-zh"), "gru-attn-en-zh");
        assert_eq!(crate::demo::FAMILIES, Family::ALL.map(Family::slug));
        assert!("gru_attn".parse::<Family>().is_err());
        let fixed: Vec<Family> = Family::ALL
            .into_iter()
            .filter(|f| f.has_fixed_context())
            .collect();
        assert_eq!(fixed, [Family::Rnn, Family::Gru, Family::Lstm]);
    }
}
