//! The top of every view: its title, what it shows, and "copy embed code" (an iframe snippet
//! that reproduces exactly this view with this state, sized 640×400 with `?embed=1`).

use yew::prelude::*;

use crate::components::chrome::view_title;
use crate::context::{href_of, use_app};
use crate::i18n::tr;

#[derive(Properties, PartialEq)]
pub struct ViewIntroProps {
    pub children: Html,
}

/// The iframe snippet for the current state (absolute URL of this page, `embed=1`). It carries
/// `allow="webgpu"`: the gpuweb design notes (design/AdapterIdentifiers.md, "Iframe controls")
/// propose a `webgpu` permissions-policy feature with the default allowlist `'self'`, which would
/// leave a cross-origin frame without an adapter; Chromium 148 does not know the feature yet
/// (frames get an adapter either way), so the attribute is harmless today and needed if it ships.
pub fn embed_snippet(page_url: &str, query_href: &str, title: &str) -> String {
    let base = page_url.split(['?', '#']).next().unwrap_or(page_url);
    let base = base.strip_suffix("index.html").unwrap_or(base);
    let query = query_href.trim_start_matches("./");
    format!(
        "<iframe src=\"{base}{query}\" title=\"{title}\" width=\"640\" height=\"400\" \
         style=\"border:0;max-width:100%\" loading=\"lazy\" sandbox=\"allow-scripts\" \
         allow=\"webgpu\"></iframe>"
    )
}

#[function_component]
pub fn ViewIntro(props: &ViewIntroProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let copied = use_state(|| false);
    let view = app.url().view;
    let title = view_title(lang, view);
    let copy = {
        let app = app.clone();
        let copied = copied.clone();
        Callback::from(move |_| {
            let mut url = app.url().without_warnings();
            url.embed = true;
            let page = web_sys::window()
                .and_then(|w| w.location().href().ok())
                .unwrap_or_default();
            let snippet = embed_snippet(&page, &href_of(&url), view_title(url.lang, url.view));
            if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                let _ = clipboard.write_text(&snippet);
            }
            if let Some(field) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("embed-code"))
            {
                field.set_text_content(Some(&snippet));
            }
            copied.set(true);
        })
    };
    if app.url().embed {
        // In an iframe the intro is not drawn (no room); its title stays for screen readers,
        // between the page's h1 and the view's h3s.
        return html! { <h2 class="sr-only">{ title }</h2> };
    }
    html! {
        <section class="intro">
            <div class="intro-head">
                <h2>{ title }</h2>
                <button class="small" onclick={copy} id="copy-embed">
                    { if *copied { tr(lang, "已复制嵌入代码 ✓", "Embed code copied ✓") } else { tr(lang, "复制嵌入代码", "Copy embed code") } }
                </button>
            </div>
            <div class="intro-text">{ props.children.clone() }</div>
            <code id="embed-code" class={classes!("embed-code", (!*copied).then_some("hidden"))}></code>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::embed_snippet;

    #[test]
    fn the_snippet_points_at_this_page_with_the_state() {
        let s = embed_snippet(
            "https://example.org/playground/index.html?view=step",
            "./?view=step&embed=1",
            "Step",
        );
        assert!(
            s.contains("src=\"https://example.org/playground/?view=step&embed=1\""),
            "{s}"
        );
        assert!(s.contains("sandbox=\"allow-scripts\""));
        assert!(s.contains("allow=\"webgpu\""), "{s}");
    }
}
