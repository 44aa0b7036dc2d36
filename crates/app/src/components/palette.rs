//! The figures' colours, in one place. Figures use explicit colours (no CSS variables) so that a
//! saved SVG/PNG looks like the screen; these read on both the light and the dark theme.

/// Values: heatmap cells, bars, flash attention's line.
pub const ACCENT: &str = "#2f6fde";
/// What is selected or chosen: the current row, the best beam, the active tile.
pub const HIGHLIGHT: &str = "#f59e0b";
/// The chosen beam hypothesis' labels (a darker highlight that reads as text).
pub const HIGHLIGHT_TEXT: &str = "#d97706";
/// Labels, axes and notes.
pub const LABEL: &str = "#7b8494";
/// Grid lines (LABEL, faint).
pub const GRID: &str = "#7b849433";
/// Edges and nodes that are not highlighted (beam tree).
pub const MUTED: &str = "#9aa4b5";
/// ACCENT's counterpart for negative values (the Q/K/V vectors).
pub const ACCENT_NEGATIVE: &str = "#dc4632";
/// Naive attention's line.
pub const NAIVE: &str = "#e8590c";
/// A device limit.
pub const LIMIT: &str = "#c92a2a";
/// The background of a PNG export (an SVG figure has none: it follows the page's theme), and
/// text on a dark cell (the flash lab's tiles).
pub const PAPER: &str = "#ffffff";
/// The centre line of a signed bar.
pub const INK_MUTED: &str = "#64748b";
/// The current position in a heat strip.
pub const MARKER: &str = "#111827";

/// Explicit colours (exports match the screen); fixed-c families dashed.
pub fn family_colour(family: crate::route::Family) -> &'static str {
    match family {
        crate::route::Family::Rnn => "#8b5cf6",
        crate::route::Family::Gru => "#0891b2",
        crate::route::Family::Lstm => "#16a34a",
        crate::route::Family::GruAttn => "#ea580c",
        crate::route::Family::Transformer => "#e11d48",
    }
}
