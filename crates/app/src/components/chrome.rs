//! The page chrome (hidden with `?embed=1`): title, the six views, language, theme and backend
//! controls, the backend badge; the footer with the data's license and attribution, and the
//! Diagnostics (whose buttons call the owner's callbacks).

use yew::prelude::*;

use crate::components::BackendBadge;
use crate::context::use_app;
use crate::i18n::tr;
use crate::protocol::BackendsInfo;
use crate::route::{BackendPref, Theme, UiLang, View};

/// The page's name (the header's h1; an embed's screen-reader h1).
pub fn page_title(lang: UiLang) -> &'static str {
    tr(lang, "从 RNN 到 Attention", "From RNN to Attention")
}

/// The name of each view in the navigation.
pub fn view_title(lang: UiLang, view: View) -> &'static str {
    match view {
        View::Translate => tr(lang, "翻译", "Translate"),
        View::Step => tr(lang, "逐步解码", "Step through"),
        View::Context => tr(lang, "固定 c 与注意力", "Fixed c vs attention"),
        View::Memory => tr(lang, "记忆衰减", "Fading memory"),
        View::Parallel => tr(lang, "逐步 vs 并行", "Sequential vs parallel"),
        View::Qkv => tr(lang, "Q/K/V", "Q/K/V"),
        View::Flash => tr(lang, "FlashAttention", "FlashAttention"),
        View::Bench => tr(lang, "性能测试", "Benchmarks"),
    }
}

#[function_component]
pub fn Header() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();

    let nav = View::ALL.iter().map(|&view| {
        let href = app.href(view);
        let current = url.view == view;
        let onclick = {
            let app = app.clone();
            Callback::from(move |e: MouseEvent| {
                // Plain clicks stay in the page; modified clicks open a tab as usual.
                if !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0) {
                    e.prevent_default();
                    app.update_url(true, |u| u.view = view);
                }
            })
        };
        html! {
            <a {href} {onclick} class={classes!("tab", current.then_some("current"))}
               aria-current={current.then_some("page")}>{ view_title(lang, view) }</a>
        }
    });

    let toggle_lang = {
        let app = app.clone();
        Callback::from(move |_| {
            app.update_url(false, |u| {
                u.lang = match u.lang {
                    UiLang::Zh => UiLang::En,
                    UiLang::En => UiLang::Zh,
                }
            })
        })
    };
    let on_theme = app.on_select(|u, value| {
        u.theme = match value {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    });
    let on_backend = app.on_select(|u, value| {
        u.backend = match value {
            "gpu" => BackendPref::Gpu,
            "cpu" => BackendPref::Cpu,
            _ => BackendPref::Auto,
        }
    });
    let theme = url.theme;
    let backend = url.backend;
    html! {
        <header class="header">
            <div class="title-row">
                <div>
                    <h1>{ page_title(lang) }</h1>
                    <p class="subtitle">{ tr(lang,
                        "真实的翻译模型在你的浏览器里运行：看清每一步、每个门、每一处注意力。",
                        "Real translation models running in your browser: every step, gate and attention weight on screen.") }</p>
                </div>
                <div class="toolbar">
                    <button class="lang-toggle" onclick={toggle_lang} title="中文 / English">
                        { tr(lang, "English", "中文") }
                    </button>
                    <label class="compact">
                        <span class="sr-only">{ tr(lang, "配色", "Theme") }</span>
                        <select onchange={on_theme} aria-label={tr(lang, "配色", "Theme")}>
                            <option value="system" selected={theme == Theme::System}>{ tr(lang, "跟随系统", "System") }</option>
                            <option value="light" selected={theme == Theme::Light}>{ tr(lang, "浅色", "Light") }</option>
                            <option value="dark" selected={theme == Theme::Dark}>{ tr(lang, "深色", "Dark") }</option>
                        </select>
                    </label>
                    <label class="compact">
                        <span class="sr-only">{ tr(lang, "计算后端", "Backend") }</span>
                        <select onchange={on_backend} aria-label={tr(lang, "计算后端", "Backend")} id="backend-select">
                            <option value="auto" selected={backend == BackendPref::Auto}>{ tr(lang, "自动（测速后选择）", "Auto (measured)") }</option>
                            <option value="gpu" selected={backend == BackendPref::Gpu}>{ "WebGPU" }</option>
                            <option value="cpu" selected={backend == BackendPref::Cpu}>{ tr(lang, "CPU（WebAssembly）", "CPU (WebAssembly)") }</option>
                        </select>
                    </label>
                    <BackendBadge />
                </div>
            </div>
            <nav class="tabs" aria-label={tr(lang, "视图", "Views")}>{ for nav }</nav>
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct FooterProps {
    /// Which backends the worker found (None until it answered).
    pub backends: Option<BackendsInfo>,
    /// The data's attribution from the catalogue (None until it is read).
    pub attribution: Option<String>,
    pub on_clear_cache: Callback<()>,
    /// Diagnostics: destroy the GPU device, crash the worker.
    pub on_lose_gpu: Callback<()>,
    pub on_crash_worker: Callback<()>,
}

#[function_component]
pub fn Footer(props: &FooterProps) -> Html {
    let lang = use_app().lang();
    let click = |callback: &Callback<()>| callback.reform(|_: MouseEvent| ());
    // A bug in the page itself: the panic hook of `crate::report_page_panics` reports it.
    let crash_page =
        Callback::from(|_| panic!("a simulated crash (Diagnostics → Simulate a page crash)"));
    let adapter = match &props.backends {
        Some(info) => match (&info.gpu_adapter, &info.gpu_unavailable) {
            // Browsers may hide the adapter's description (Chromium does by default).
            (Some(name), _) if name.is_empty() => tr(
                lang,
                "可用（浏览器未公开名称）",
                "available (the browser hides its name)",
            )
            .to_owned(),
            (Some(name), _) => name.clone(),
            (None, Some(why)) => why.get(lang).to_owned(),
            (None, None) => "no WebGPU".to_owned(),
        },
        None => "…".to_owned(),
    };
    let attribution = props.attribution.clone().unwrap_or_else(|| {
        "English–Chinese sentence pairs from the Tatoeba Project (tatoeba.org), CC BY 2.0 FR."
            .to_owned()
    });
    html! {
        <footer class="footer">
            <p>
                { tr(lang, "训练数据：", "Training data: ") }{ attribution }
                { " " }<a href="https://creativecommons.org/licenses/by/2.0/fr/" rel="license noopener" target="_blank">{ "CC BY 2.0 FR" }</a>
                { tr(lang, "。模型与代码：MIT 或 Apache-2.0。", ". Models and code: MIT or Apache-2.0.") }
            </p>
            <p class="muted">
                { format!("Seq2Seq Playground v{}", env!("CARGO_PKG_VERSION")) }
                { " · " }
                <button class="link" onclick={click(&props.on_clear_cache)} id="clear-cache">{ tr(lang, "清除已缓存的模型", "Clear cached models") }</button>
                { " · " }
                <a href="embed-example.html">{ tr(lang, "嵌入到博客", "Embed in a blog") }</a>
            </p>
            <details class="diagnostics">
                <summary>{ tr(lang, "诊断", "Diagnostics") }</summary>
                <p>{ "WebGPU: " }<span id="adapter-name">{ adapter }</span></p>
                <p>
                    <button class="small" id="lose-gpu" onclick={click(&props.on_lose_gpu)}>{ tr(lang, "模拟 GPU 丢失", "Simulate a lost GPU") }</button>
                    { " " }{ tr(lang, "（销毁 GPU 设备：下一次 GPU 计算会失败，页面应改用 CPU 并说明原因）",
                        "(destroys the GPU device: the next GPU run fails, and the page should fall back to the CPU and say so)") }
                </p>
                <p>
                    <button class="small" id="crash-worker" onclick={click(&props.on_crash_worker)}>{ tr(lang, "模拟计算线程崩溃", "Simulate a worker crash") }</button>
                    { " " }
                    <button class="small" id="crash-page" onclick={crash_page}>{ tr(lang, "模拟页面崩溃", "Simulate a page crash") }</button>
                    { " " }{ tr(lang, "（页面应说明出了什么错，并提供重启或重新加载；输入的内容保存在链接里）",
                        "(the page should say what went wrong and offer a restart or a reload; what you typed is kept in the link)") }
                </p>
            </details>
        </footer>
    }
}
