//! The page's whole state as a URL query, so a link reproduces what was seen:
//! `?view=translate&dir=en-zh&text=I+like+eating+apple&models=gru-attn,transformer&beam=4`.
//!
//! Parsing is total: any query string gives a valid [`UrlState`]; unknown keys are ignored and
//! a value that does not parse (or is out of range) falls back to its default, with a note in
//! [`UrlState::warnings`] so the page can say what it ignored. `to_query` writes only values that
//! differ from the defaults, and `from_query(to_query(s)) == s` (tested, and fuzzed in fuzz/).
//!
//! Pure Rust, no browser types.

use std::fmt::Write as _;

/// Longest text a URL may carry, in characters (the models accept at most this much too).
pub const MAX_TEXT_CHARS: usize = 500;
/// Most models shown side by side.
pub const MAX_MODELS: usize = 5;
/// Widest beam the UI offers.
pub const MAX_BEAM: usize = 8;
/// Largest sequence length the FlashAttention lab may be asked for.
pub const MAX_LAB_N: usize = 16_384;

/// The views, in the order of the article.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum View {
    #[default]
    Translate,
    Step,
    Context,
    Memory,
    Parallel,
    Qkv,
    Flash,
    Bench,
}

impl View {
    pub const ALL: [View; 8] = [
        View::Translate,
        View::Step,
        View::Context,
        View::Memory,
        View::Parallel,
        View::Qkv,
        View::Flash,
        View::Bench,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            View::Translate => "translate",
            View::Step => "step",
            View::Context => "context",
            View::Memory => "memory",
            View::Parallel => "parallel",
            View::Qkv => "qkv",
            View::Flash => "flash",
            View::Bench => "bench",
        }
    }

    pub fn from_slug(slug: &str) -> Option<View> {
        View::ALL.into_iter().find(|view| view.slug() == slug)
    }
}

/// Language of the interface (not of the translation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UiLang {
    #[default]
    Zh,
    En,
}

/// Colour scheme: follow the system unless a blog asks for one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// Which backend the reader asked for.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum BackendPref {
    /// Measure both once and use the faster (WebGPU only where present).
    #[default]
    Auto,
    Gpu,
    Cpu,
}

impl BackendPref {
    pub fn slug(self) -> &'static str {
        match self {
            BackendPref::Auto => "auto",
            BackendPref::Gpu => "gpu",
            BackendPref::Cpu => "cpu",
        }
    }
}

/// Translation direction.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Direction {
    #[default]
    EnZh,
    ZhEn,
}

impl Direction {
    pub fn slug(self) -> &'static str {
        match self {
            Direction::EnZh => "en-zh",
            Direction::ZhEn => "zh-en",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Direction> {
        match slug {
            "en-zh" => Some(Direction::EnZh),
            "zh-en" => Some(Direction::ZhEn),
            _ => None,
        }
    }

    pub fn flipped(self) -> Direction {
        match self {
            Direction::EnZh => Direction::ZhEn,
            Direction::ZhEn => Direction::EnZh,
        }
    }
}

/// The five model families (core's one type; its slug is the URL's `models=` value).
pub use seq2seq_core::family::Family;

/// The direction's slug, so that `family.model_id(direction)` names a shipped model.
impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.slug())
    }
}

/// Everything a link reproduces.
#[derive(Clone, Debug, PartialEq)]
pub struct UrlState {
    pub view: View,
    pub lang: UiLang,
    pub theme: Theme,
    /// `embed=1`: no page chrome, for an iframe in a blog post.
    pub embed: bool,
    pub backend: BackendPref,
    pub direction: Direction,
    /// The sentence to translate (at most [`MAX_TEXT_CHARS`] characters).
    pub text: String,
    /// Models side by side (Translate, Context) or the one model inspected (Step: the first).
    pub models: Vec<Family>,
    /// 1 = greedy.
    pub beam: usize,
    /// Selected decoder step (Step view; the memory view's context c_i), 0-based.
    pub step: usize,
    /// Memory view: the teacher-forced target (`ref=`); empty: each model's own translation.
    pub reference: String,
    /// Selected Transformer layer and head; `head: None` = all heads / their mean.
    pub layer: usize,
    pub head: Option<usize>,
    /// Selected source token (Q/K/V explorer), 0-based; a target position with `qkv_decoder`.
    pub token: usize,
    /// Q/K/V explorer: the decoder's masked self-attention (`part=decoder`) instead of the
    /// encoder's self-attention.
    pub qkv_decoder: bool,
    /// Largest N the FlashAttention lab runs up to (`n=`); None: chosen from the adapter
    /// (`views::flash_lab::default_lab_n`).
    pub lab_n: Option<usize>,
    /// FlashAttention lab: causal mask on (`causal=1`).
    pub lab_causal: bool,
    /// Sequential vs parallel: the longest source the encoders are timed on (`tmax=`).
    pub parallel_tmax: usize,
    /// What the parser ignored, for a notice (never written back).
    pub warnings: Vec<String>,
}

/// The article's first example sentence.
pub const DEFAULT_TEXT: &str = "I like eating apple";
const DEFAULT_MODELS: [Family; 2] = [Family::GruAttn, Family::Transformer];
const DEFAULT_BEAM: usize = 1;
/// Long enough to see the RNN's chain grow, short enough for a software GPU (seconds).
const DEFAULT_PARALLEL_TMAX: usize = 256;
/// The sweep's bounds (`seq2seq_core::sequential::LENGTHS`).
pub const MIN_PARALLEL_TMAX: usize = 8;
pub const MAX_PARALLEL_TMAX: usize = 1024;

impl Default for UrlState {
    fn default() -> Self {
        Self {
            view: View::default(),
            lang: UiLang::default(),
            theme: Theme::default(),
            embed: false,
            backend: BackendPref::default(),
            direction: Direction::default(),
            text: DEFAULT_TEXT.to_owned(),
            models: DEFAULT_MODELS.to_vec(),
            beam: DEFAULT_BEAM,
            step: 0,
            reference: String::new(),
            layer: 0,
            head: None,
            token: 0,
            qkv_decoder: false,
            lab_n: None,
            lab_causal: false,
            parallel_tmax: DEFAULT_PARALLEL_TMAX,
            warnings: Vec::new(),
        }
    }
}

impl UrlState {
    /// Parse `location.search` (with or without the leading `?`). Never fails.
    pub fn from_query(query: &str) -> UrlState {
        let mut state = UrlState::default();
        let query = query.strip_prefix('?').unwrap_or(query);
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = value.as_ref();
            let ok = match key.as_ref() {
                "view" => set(&mut state.view, View::from_slug(value)),
                "lang" => set(
                    &mut state.lang,
                    match value {
                        "zh" => Some(UiLang::Zh),
                        "en" => Some(UiLang::En),
                        _ => None,
                    },
                ),
                "theme" => set(
                    &mut state.theme,
                    match value {
                        "system" => Some(Theme::System),
                        "light" => Some(Theme::Light),
                        "dark" => Some(Theme::Dark),
                        _ => None,
                    },
                ),
                "embed" => set(&mut state.embed, parse_bool(value)),
                "backend" => set(
                    &mut state.backend,
                    match value {
                        "auto" => Some(BackendPref::Auto),
                        "gpu" => Some(BackendPref::Gpu),
                        "cpu" => Some(BackendPref::Cpu),
                        _ => None,
                    },
                ),
                "dir" => set(&mut state.direction, Direction::from_slug(value)),
                "text" => {
                    if value.chars().count() <= MAX_TEXT_CHARS {
                        state.text = value.to_owned();
                        true
                    } else {
                        state.text = value.chars().take(MAX_TEXT_CHARS).collect();
                        state
                            .warnings
                            .push(format!("text: cut to {MAX_TEXT_CHARS} characters"));
                        continue;
                    }
                }
                "models" => set(&mut state.models, parse_models(value)),
                "ref" => {
                    state.reference = value.chars().take(MAX_TEXT_CHARS).collect();
                    value.chars().count() <= MAX_TEXT_CHARS
                }
                "beam" => set(&mut state.beam, parse_in(value, 1, MAX_BEAM)),
                "step" => set(&mut state.step, parse_in(value, 0, 4096)),
                "layer" => set(&mut state.layer, parse_in(value, 0, 64)),
                "head" => set(
                    &mut state.head,
                    if value == "all" {
                        Some(None)
                    } else {
                        parse_in(value, 0, 64).map(Some)
                    },
                ),
                "token" => set(&mut state.token, parse_in(value, 0, 4096)),
                "part" => set(
                    &mut state.qkv_decoder,
                    match value {
                        "encoder" => Some(false),
                        "decoder" => Some(true),
                        _ => None,
                    },
                ),
                "n" => set(&mut state.lab_n, parse_in(value, 1, MAX_LAB_N).map(Some)),
                "causal" => set(&mut state.lab_causal, parse_bool(value)),
                "tmax" => set(
                    &mut state.parallel_tmax,
                    parse_in(value, MIN_PARALLEL_TMAX, MAX_PARALLEL_TMAX),
                ),
                _ => true,
            };
            if !ok {
                state.warnings.push(format!("{key}: ignored {value:?}"));
            }
        }
        state
    }

    /// The query string (with `?`, or empty) that reproduces this state.
    pub fn to_query(&self) -> String {
        let d = UrlState::default();
        let mut q = form_urlencoded::Serializer::new(String::new());
        if self.view != d.view {
            q.append_pair("view", self.view.slug());
        }
        if self.lang != d.lang {
            q.append_pair("lang", "en");
        }
        if self.theme != d.theme {
            q.append_pair(
                "theme",
                match self.theme {
                    Theme::System => "system",
                    Theme::Light => "light",
                    Theme::Dark => "dark",
                },
            );
        }
        if self.embed {
            q.append_pair("embed", "1");
        }
        if self.backend != d.backend {
            q.append_pair("backend", self.backend.slug());
        }
        if self.direction != d.direction {
            q.append_pair("dir", self.direction.slug());
        }
        if self.text != d.text {
            q.append_pair("text", &self.text);
        }
        if self.reference != d.reference {
            q.append_pair("ref", &self.reference);
        }
        if self.models != d.models {
            let mut list = String::new();
            for (i, family) in self.models.iter().enumerate() {
                if i > 0 {
                    list.push(',');
                }
                let _ = write!(list, "{}", family.slug());
            }
            q.append_pair("models", &list);
        }
        for (key, value, default) in [
            ("beam", self.beam, d.beam),
            ("step", self.step, d.step),
            ("layer", self.layer, d.layer),
            ("token", self.token, d.token),
            ("tmax", self.parallel_tmax, d.parallel_tmax),
        ] {
            if value != default {
                q.append_pair(key, &value.to_string());
            }
        }
        if let Some(head) = self.head {
            q.append_pair("head", &head.to_string());
        }
        if let Some(n) = self.lab_n {
            q.append_pair("n", &n.to_string());
        }
        if self.qkv_decoder {
            q.append_pair("part", "decoder");
        }
        if self.lab_causal {
            q.append_pair("causal", "1");
        }
        let query = q.finish();
        if query.is_empty() {
            query
        } else {
            format!("?{query}")
        }
    }

    /// The same state without the parser's notes (what `to_query` round-trips).
    pub fn without_warnings(&self) -> UrlState {
        UrlState {
            warnings: Vec::new(),
            ..self.clone()
        }
    }
}

fn set<T>(slot: &mut T, value: Option<T>) -> bool {
    match value {
        Some(value) => {
            *slot = value;
            true
        }
        None => false,
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

fn parse_in(value: &str, min: usize, max: usize) -> Option<usize> {
    value
        .parse::<usize>()
        .ok()
        .filter(|v| (min..=max).contains(v))
}

/// `gru-attn,transformer` → families, de-duplicated, order kept; none valid → None.
fn parse_models(value: &str) -> Option<Vec<Family>> {
    let mut models = Vec::new();
    for slug in value.split(',') {
        let family = Family::from_slug(slug.trim())?;
        if !models.contains(&family) && models.len() < MAX_MODELS {
            models.push(family);
        }
    }
    (!models.is_empty()).then_some(models)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_write_an_empty_query() {
        assert_eq!(UrlState::default().to_query(), "");
        assert_eq!(UrlState::from_query(""), UrlState::default());
        assert_eq!(UrlState::from_query("?"), UrlState::default());
    }

    #[test]
    fn every_field_round_trips() {
        let state = UrlState {
            view: View::Step,
            lang: UiLang::En,
            theme: Theme::Dark,
            embed: true,
            backend: BackendPref::Cpu,
            direction: Direction::ZhEn,
            text: "我是谁 & a=b?#%+ 😀".to_owned(),
            models: vec![Family::Lstm, Family::Rnn],
            beam: 4,
            step: 3,
            reference: "汤姆 & 我?".to_owned(),
            layer: 1,
            head: Some(2),
            token: 5,
            qkv_decoder: true,
            lab_n: Some(4096),
            lab_causal: true,
            parallel_tmax: 512,
            warnings: Vec::new(),
        };
        let query = state.to_query();
        assert_eq!(UrlState::from_query(&query), state, "{query}");
    }

    #[test]
    fn bad_values_fall_back_with_a_warning() {
        let state = UrlState::from_query("view=nope&beam=99&models=gru,xyz&embed=maybe&extra=1");
        assert_eq!(state.view, View::Translate);
        assert_eq!(state.beam, DEFAULT_BEAM);
        assert_eq!(state.models, DEFAULT_MODELS.to_vec());
        assert!(!state.embed);
        assert_eq!(state.warnings.len(), 4, "{:?}", state.warnings);
    }

    #[test]
    fn long_text_is_cut_to_the_limit() {
        let long = "字".repeat(MAX_TEXT_CHARS + 10);
        let state = UrlState::from_query(&format!("text={long}"));
        assert_eq!(state.text.chars().count(), MAX_TEXT_CHARS);
        assert_eq!(state.warnings.len(), 1);
    }

    #[test]
    fn the_parallel_views_length_round_trips_within_its_bounds() {
        let state = UrlState::from_query("view=parallel&tmax=64");
        assert_eq!((state.view, state.parallel_tmax), (View::Parallel, 64));
        assert_eq!(state.to_query(), "?view=parallel&tmax=64");
        assert_eq!(UrlState::from_query("tmax=4096").warnings.len(), 1);
        assert_eq!(
            UrlState::from_query("tmax=4").parallel_tmax,
            DEFAULT_PARALLEL_TMAX
        );
    }

    #[test]
    fn the_flash_lab_state_round_trips() {
        let state = UrlState::from_query("view=flash&n=512&causal=1&step=3");
        assert_eq!(
            (state.view, state.lab_n, state.lab_causal, state.step),
            (View::Flash, Some(512), true, 3)
        );
        assert_eq!(state.to_query(), "?view=flash&step=3&n=512&causal=1");
        assert!(!UrlState::from_query("causal=0").lab_causal);
        assert_eq!(UrlState::from_query("causal=x").warnings.len(), 1);
    }

    #[test]
    fn the_memory_view_state_round_trips() {
        let state = UrlState::from_query(
            "view=memory&step=2&ref=%E6%B1%A4%E5%A7%86%E5%9C%A8%E7%9C%8B%E4%B9%A6",
        );
        assert_eq!(
            (state.view, state.step, state.reference.as_str()),
            (View::Memory, 2, "汤姆在看书")
        );
        assert!(state.warnings.is_empty());
        assert_eq!(UrlState::from_query(&state.to_query()), state);
        assert_eq!(View::from_slug("memory"), Some(View::Memory));
        let long = "字".repeat(MAX_TEXT_CHARS + 1);
        let cut = UrlState::from_query(&format!("ref={long}"));
        assert_eq!(cut.reference.chars().count(), MAX_TEXT_CHARS);
        assert_eq!(cut.warnings.len(), 1);
    }

    #[test]
    fn models_are_deduplicated_in_order() {
        let state = UrlState::from_query("models=transformer,rnn,transformer");
        assert_eq!(state.models, vec![Family::Transformer, Family::Rnn]);
    }
}
