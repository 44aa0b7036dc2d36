//! What the worker keeps between requests: the catalogue, downloaded model files, the GPU device
//! (or why there is none), and models loaded on each backend.
//!
//! Methods take `&Rc<RefCell<Hosting>>` and never hold the borrow across an `await`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use seq2seq_core::backend::{Backend, CpuBackend};
use seq2seq_core::models::ModelConfig;
use seq2seq_core::tokenizer::Tokenizer;
use seq2seq_core::translator::{Translator, TranslatorConfig};
use seq2seq_core::weights::Weights;
use seq2seq_gpu::measure::now_ms;
use seq2seq_gpu::GpuBackend;
use wasm_bindgen::JsValue;

use super::fetch::{self, ModelFiles};
use super::Reply;
use crate::catalog::{Catalog, INDEX_URL};
use crate::protocol::{
    BackendKind, BackendsInfo, Bilingual, DownloadProgress, Failure, FailureKind, ModelFacts,
    Response,
};

/// The GPU as far as this worker knows.
#[derive(Default)]
enum GpuSlot {
    #[default]
    Untried,
    Ready(GpuBackend),
    /// Why not: no WebGPU, no adapter, a refused device, or a lost one.
    Unavailable(Bilingual),
}

#[derive(Default)]
pub struct Hosting {
    catalog: Option<Rc<Catalog>>,
    files: HashMap<String, Rc<ModelFiles>>,
    gpu: GpuSlot,
    cpu_models: HashMap<String, Rc<Translator<CpuBackend>>>,
    gpu_models: HashMap<String, Rc<Translator<GpuBackend>>>,
    /// The reader was told why the GPU cannot be used (told once per worker, not per request).
    gpu_refusal_told: bool,
    /// Models whose `ModelFacts` the page has (sent once, whichever backend loads first).
    facts_sent: HashSet<String>,
    /// `auto`: the backend measured faster for each model, with both timings.
    pub auto_choice: HashMap<String, (BackendKind, Vec<(BackendKind, f64)>)>,
}

fn has_navigator_gpu() -> bool {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into());
    navigator
        .and_then(|n| js_sys::Reflect::get(&n, &"gpu".into()))
        .is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null() && gpu != JsValue::FALSE)
}

fn model_error(message: String) -> Failure {
    Failure {
        kind: FailureKind::ModelFile,
        message,
    }
}

impl Hosting {
    /// The GPU backend, created on first use; Err says why there is none.
    pub async fn gpu(this: &Rc<RefCell<Hosting>>) -> Result<GpuBackend, Bilingual> {
        match &this.borrow().gpu {
            GpuSlot::Ready(gpu) => return Ok(gpu.clone()),
            GpuSlot::Unavailable(why) => return Err(why.clone()),
            GpuSlot::Untried => {}
        }
        let result = if has_navigator_gpu() {
            GpuBackend::new().await.map_err(|e| match e {
                // wgpu's text here only lists the native backends this build lacks.
                seq2seq_gpu::GpuError::NoAdapter(_) => Bilingual::new(
                    "浏览器有 WebGPU，但没有提供 GPU 适配器（可能被禁用或驱动不受支持）",
                    "the browser has WebGPU but offers no GPU adapter (disabled, or an unsupported driver)",
                ),
                e => {
                    web_sys::console::warn_1(&format!("WebGPU is not usable here: {e}").into());
                    Bilingual::new(
                        "这里的 WebGPU 无法使用（浏览器的原文见控制台）",
                        format!("WebGPU is not usable here ({e})"),
                    )
                }
            })
        } else {
            Err(Bilingual::new(
                "这个浏览器没有 WebGPU（navigator.gpu 不存在）",
                "this browser has no WebGPU (navigator.gpu is missing)",
            ))
        };
        let mut hosting = this.borrow_mut();
        hosting.gpu = match &result {
            Ok(gpu) => GpuSlot::Ready(gpu.clone()),
            Err(why) => GpuSlot::Unavailable(why.clone()),
        };
        result
    }

    pub async fn probe(this: &Rc<RefCell<Hosting>>) -> BackendsInfo {
        match Hosting::gpu(this).await {
            Ok(gpu) => BackendsInfo {
                gpu_adapter: Some(gpu.gpu().context().adapter_info().name.clone()),
                gpu_unavailable: None,
                gpu_software: gpu.gpu().context().is_software(),
            },
            Err(why) => BackendsInfo {
                gpu_adapter: None,
                gpu_unavailable: Some(why),
                gpu_software: false,
            },
        }
    }

    /// Give up on the GPU for the rest of this worker's life (it failed or was lost).
    /// Why the GPU can no longer be used, wholly in each language: the driver's own words (English)
    /// go into the English text and the console, not into the Chinese one.
    pub fn gpu_failure_reason(lost: bool, while_doing: Bilingual, detail: &str) -> Bilingual {
        web_sys::console::warn_1(&format!("GPU failure ({}): {detail}", while_doing.en).into());
        let (zh, en) = if lost {
            (
                "GPU 设备丢失（驱动重置或设备被移除；驱动的原文见浏览器控制台）",
                "the GPU device was lost",
            )
        } else {
            ("GPU 出错（驱动的原文见浏览器控制台）", "the GPU failed")
        };
        Bilingual::new(
            format!("{}时 {zh}", while_doing.zh),
            format!("{en} during {} ({detail})", while_doing.en),
        )
    }

    pub fn gpu_failed(this: &Rc<RefCell<Hosting>>, why: Bilingual) {
        let mut hosting = this.borrow_mut();
        hosting.gpu = GpuSlot::Unavailable(why);
        // The caller sends the notice for this failure.
        hosting.gpu_refusal_told = true;
        hosting.gpu_models.clear();
        hosting.auto_choice.clear();
    }

    /// True the first time it is asked: a reader who asked for the GPU and cannot have it is told
    /// why once, in a notice; later runs say it in their badge only.
    pub fn first_gpu_refusal(this: &Rc<RefCell<Hosting>>) -> bool {
        !std::mem::replace(&mut this.borrow_mut().gpu_refusal_told, true)
    }

    /// Destroy the GPU device, as a driver reset would. Called when the message arrives, possibly
    /// while a job is between two awaits (no job holds a `borrow_mut` across an await).
    pub fn lose_gpu(this: &Rc<RefCell<Hosting>>) {
        let Ok(hosting) = this.try_borrow() else {
            return;
        };
        if let GpuSlot::Ready(gpu) = &hosting.gpu {
            gpu.gpu().device().destroy();
        }
    }

    pub fn forget_files(&mut self) {
        self.files.clear();
    }

    /// The catalogue, fetched once per worker (the page gets it from here: `Response::Catalog`).
    pub async fn catalog(this: &Rc<RefCell<Hosting>>) -> Result<Rc<Catalog>, Failure> {
        if let Some(catalog) = &this.borrow().catalog {
            return Ok(catalog.clone());
        }
        let json = fetch::fetch_text(INDEX_URL).await?;
        let catalog = Rc::new(Catalog::from_json(&json).map_err(model_error)?);
        this.borrow_mut().catalog = Some(catalog.clone());
        Ok(catalog)
    }

    /// The model's files, downloaded once (progress goes to the page).
    pub async fn files(
        this: &Rc<RefCell<Hosting>>,
        model_id: &str,
        reply: &Reply,
    ) -> Result<Rc<ModelFiles>, Failure> {
        if let Some(files) = this.borrow().files.get(model_id) {
            return Ok(files.clone());
        }
        let catalog = Hosting::catalog(this).await?;
        let entry = catalog.get(model_id).ok_or_else(|| Failure {
            kind: FailureKind::Input,
            message: format!("there is no model called {model_id:?} in {INDEX_URL}"),
        })?;
        let (source, target) = entry.direction.split_once('-').ok_or_else(|| {
            model_error(format!(
                "{model_id}: direction {:?} is not xx-yy",
                entry.direction
            ))
        })?;
        let mut last_sent = -1.0f64;
        let files = fetch::model_files(entry, source, target, &mut |loaded, total, cached| {
            // At most ~100 progress messages per model.
            let fraction = loaded as f64 / total.max(1) as f64;
            if fraction - last_sent >= 0.01 || loaded == total {
                last_sent = fraction;
                reply.send(Response::Download(DownloadProgress {
                    model_id: model_id.to_owned(),
                    loaded,
                    total,
                    cached,
                }));
            }
        })
        .await?;
        let files = Rc::new(files);
        this.borrow_mut()
            .files
            .insert(model_id.to_owned(), files.clone());
        Ok(files)
    }

    /// What the model is (family, sizes, vocabularies) without building it: for jobs that need
    /// its architecture only (sequential vs parallel runs random weights of these sizes).
    pub async fn config(
        this: &Rc<RefCell<Hosting>>,
        model_id: &str,
        reply: &Reply,
    ) -> Result<TranslatorConfig, Failure> {
        parse_config(model_id, &*Hosting::files(this, model_id, reply).await?)
    }

    pub async fn cpu_model(
        this: &Rc<RefCell<Hosting>>,
        model_id: &str,
        reply: &Reply,
    ) -> Result<Rc<Translator<CpuBackend>>, Failure> {
        if let Some(model) = this.borrow().cpu_models.get(model_id) {
            return Ok(model.clone());
        }
        let files = Hosting::files(this, model_id, reply).await?;
        let start = now_ms();
        let model = Rc::new(load(&CpuBackend, model_id, &files)?);
        Hosting::send_facts(this, &model, reply);
        reply.send(Response::ModelReady {
            model_id: model_id.to_owned(),
            backend: BackendKind::Cpu,
            millis: now_ms() - start,
        });
        this.borrow_mut()
            .cpu_models
            .insert(model_id.to_owned(), model.clone());
        Ok(model)
    }

    /// Err(None): there is no GPU (the reason is in `gpu()`); Err(Some(f)): the model failed.
    pub async fn gpu_model(
        this: &Rc<RefCell<Hosting>>,
        model_id: &str,
        reply: &Reply,
    ) -> Result<Rc<Translator<GpuBackend>>, Result<Bilingual, Failure>> {
        if let Some(model) = this.borrow().gpu_models.get(model_id) {
            return Ok(model.clone());
        }
        let gpu = Hosting::gpu(this).await.map_err(Ok)?;
        let files = Hosting::files(this, model_id, reply).await.map_err(Err)?;
        let start = now_ms();
        let model = Rc::new(load(&gpu, model_id, &files).map_err(Err)?);
        Hosting::send_facts(this, &model, reply);
        reply.send(Response::ModelReady {
            model_id: model_id.to_owned(),
            backend: BackendKind::Gpu,
            millis: now_ms() - start,
        });
        this.borrow_mut()
            .gpu_models
            .insert(model_id.to_owned(), model.clone());
        Ok(model)
    }

    /// Tell the page what `model` is, the first time any backend loads it.
    fn send_facts<B: Backend>(this: &Rc<RefCell<Hosting>>, model: &Translator<B>, reply: &Reply) {
        let id = &model.config.id;
        if this.borrow_mut().facts_sent.insert(id.clone()) {
            reply.send(Response::ModelFacts(facts(model)));
        }
    }
}

/// `model`'s facts for the page.
pub fn facts<B: Backend>(model: &Translator<B>) -> ModelFacts {
    let config = &model.config.model;
    let (source_vocab_size, _) = config.vocab_sizes();
    let (embed_dim, hidden_dim, layers, heads) = match config {
        ModelConfig::Rnn(c) | ModelConfig::Gru(c) | ModelConfig::Lstm(c) => {
            (c.embed_dim, c.hidden_dim, 1, 0)
        }
        ModelConfig::GruAttn(c) => (c.embed_dim, c.hidden_dim, 1, 0),
        ModelConfig::Transformer(c) => (c.dim, c.dim, c.decoder_layers, c.heads),
    };
    ModelFacts {
        model_id: model.config.id.clone(),
        family: config.family(),
        embed_dim,
        hidden_dim,
        layers,
        heads,
        source_vocab_size,
        target_vocab: Rc::new(
            (0..model.target.vocab_size() as u32)
                .map(|id| model.target.token(id).to_owned())
                .collect(),
        ),
    }
}

/// The model in `files` on backend `b`; config.json is parsed once, here.
/// `models/<id>/config.json`, checked to describe `model_id`.
fn parse_config(model_id: &str, files: &ModelFiles) -> Result<TranslatorConfig, Failure> {
    let config = TranslatorConfig::from_json(&files.config)
        .map_err(|e| model_error(format!("models/{model_id}/config.json: {e}")))?;
    if config.id != model_id {
        return Err(model_error(format!(
            "models/{model_id}/config.json describes {:?}, not {model_id:?}",
            config.id
        )));
    }
    Ok(config)
}

fn load<B: Backend>(b: &B, model_id: &str, files: &ModelFiles) -> Result<Translator<B>, Failure> {
    let config = parse_config(model_id, files)?;
    let parts = || {
        Ok::<_, seq2seq_core::Error>((
            Weights::from_safetensors(&files.weights)?,
            Tokenizer::from_json(&files.source_tokenizer)?,
            Tokenizer::from_json(&files.target_tokenizer)?,
        ))
    };
    parts()
        .and_then(|(weights, source, target)| Translator::new(b, config, weights, source, target))
        .map_err(|e| model_error(format!("models/{model_id}: {e}")))
}
