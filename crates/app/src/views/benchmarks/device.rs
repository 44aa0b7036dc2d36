//! The benchmark's device line: the GPU adapter (and an honest note when it is emulated in
//! software), or why there is no WebGPU and what "run" does instead.

use yew::prelude::*;

use crate::i18n::tr;
use crate::protocol::BackendsInfo;
use crate::route::UiLang;

#[derive(Properties, PartialEq)]
pub struct DeviceNoteProps {
    /// None while the worker is still looking for WebGPU.
    pub backends: Option<BackendsInfo>,
    pub lang: UiLang,
}

#[function_component]
pub fn DeviceNote(props: &DeviceNoteProps) -> Html {
    let lang = props.lang;
    match &props.backends {
        None => {
            html! { <p class="muted">{ tr(lang, "正在检测 WebGPU…", "Looking for WebGPU…") }</p> }
        }
        Some(b) => match &b.gpu_adapter {
            Some(adapter) => html! {
                <>
                    <p class="bench-device" data-adapter={adapter.clone()} data-software={b.gpu_software.to_string()}>
                        <strong>{ tr(lang, "GPU 适配器：", "GPU adapter: ") }</strong>
                        if adapter.trim().is_empty() {
                            <span class="muted">{ tr(lang, "（浏览器未提供名称；运行后下方会写明设备）", "(the browser does not name it; the run below names the device)") }</span>
                        } else {
                            { adapter.clone() }
                        }
                        if b.gpu_software { <span class="badge fallback">{ tr(lang, "软件模拟", "software-emulated") }</span> }
                    </p>
                    if b.gpu_software {
                        <p class="notice bench-honest" role="note">{ tr(lang,
                            "这个适配器在 CPU 上模拟 GPU（SwiftShader / lavapipe 一类）：结果正确，但很慢，这里 CPU 通常更快。同一次运行里的比值（分块 vs 朴素、Flash vs 朴素）仍有意义；绝对时间只有在真实 GPU 上才有意义。",
                            "This adapter emulates a GPU on the CPU (SwiftShader / lavapipe kind): correct, but slow, and here the CPU usually wins. Ratios measured in the same run (tiled vs naive, flash vs naive) still mean something; absolute times only mean something on a real GPU.") }</p>
                    }
                </>
            },
            None => html! {
                <p class="notice error bench-no-gpu" role="note">
                    { tr(lang, "这个浏览器没有可用的 WebGPU，GPU 性能测试无法运行。", "This browser has no usable WebGPU, so the GPU benchmark cannot run.") }
                    { " " }
                    if let Some(why) = &b.gpu_unavailable { <span class="small">{ format!("({})", why.get(lang)) }</span> }
                    { " " }
                    { tr(lang, "“运行”会在 CPU（WebAssembly，单线程）上测同样的运算，以作对照。",
                             "“Run” times the same operations on the CPU (WebAssembly, one thread) instead.") }
                </p>
            },
        },
    }
}
