//! Model files over the network, with byte progress, through the Cache API.
//!
//! Every file of a model is cached under `models/<id>/<file>?v=<sha256 of the weights>`, so a
//! re-exported model gets new keys: a stale copy is never used, and older versions of the same
//! model are deleted once the new one is stored. The weights are checked against the catalogue's
//! SHA-256 whether they came from the cache or the network (a server that answers with an HTML
//! page, a truncated download or a corrupted cache entry is caught here, with a clear message).
//! Where the Cache API is missing (insecure contexts), files are fetched every time.

use js_sys::{Reflect, Uint8Array};
use sha2::{Digest, Sha256};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, ReadableStreamDefaultReader, Response, WorkerGlobalScope};

use crate::catalog::ModelEntry;
use crate::protocol::{Failure, FailureKind};

/// Name of the Cache API store; bump when the key layout changes.
pub const CACHE_NAME: &str = "seq2seq-models-v1";

/// Progress callback: (bytes so far, total bytes, served from cache).
pub type OnProgress<'a> = &'a mut dyn FnMut(u64, u64, bool);

/// The bytes of one model's runtime files.
#[derive(Debug)]
pub struct ModelFiles {
    pub config: String,
    pub weights: Vec<u8>,
    pub source_tokenizer: String,
    pub target_tokenizer: String,
}

fn scope() -> WorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn js_error(what: &str, value: JsValue) -> Failure {
    let detail = value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"));
    Failure {
        kind: FailureKind::Network,
        message: format!("{what}: {detail}"),
    }
}

fn file_error(message: String) -> Failure {
    Failure {
        kind: FailureKind::ModelFile,
        message,
    }
}

/// Fetch a small text file (the catalogue) without caching beyond the HTTP cache.
pub async fn fetch_text(url: &str) -> Result<String, Failure> {
    let response = fetch(url).await?;
    let text = JsFuture::from(response.text().map_err(|e| js_error(url, e))?)
        .await
        .map_err(|e| js_error(url, e))?;
    Ok(text.as_string().unwrap_or_default())
}

/// Relative URLs resolve against the page's folder; a worker started from a blob (in a sandboxed
/// iframe) has no such base, so its loader sets `SEQ2SEQ_BASE`.
fn absolute(url: &str) -> String {
    match Reflect::get(&js_sys::global(), &"SEQ2SEQ_BASE".into())
        .ok()
        .and_then(|v| v.as_string())
    {
        Some(base) => format!("{base}{url}"),
        None => url.to_owned(),
    }
}

async fn fetch(url: &str) -> Result<Response, Failure> {
    let value = JsFuture::from(scope().fetch_with_str(&absolute(url)))
        .await
        .map_err(|e| js_error(&format!("could not download {url}"), e))?;
    let response: Response = value.unchecked_into();
    if !response.ok() {
        // 404/410: the file is not on the host (a model file missing); else the host or the
        // network failed.
        let kind = match response.status() {
            404 | 410 => FailureKind::ModelFile,
            _ => FailureKind::Network,
        };
        return Err(Failure {
            kind,
            message: format!("HTTP {} for {url}", response.status()),
        });
    }
    Ok(response)
}

/// The Cache API, where the context has one (an opaque origin, such as a sandboxed iframe's,
/// has `caches` undefined).
fn cache_storage() -> Option<web_sys::CacheStorage> {
    let caches = Reflect::get(&js_sys::global(), &"caches".into()).ok()?;
    if caches.is_undefined() || caches.is_null() {
        return None;
    }
    scope().caches().ok()
}

async fn open_cache() -> Option<Cache> {
    let caches = cache_storage()?;
    JsFuture::from(caches.open(CACHE_NAME))
        .await
        .ok()
        .map(JsCast::unchecked_into)
}

/// Delete every cached model file; returns how many entries there were.
pub async fn clear_cache() -> Result<usize, Failure> {
    let Some(cache) = open_cache().await else {
        return Ok(0);
    };
    let keys = JsFuture::from(cache.keys())
        .await
        .map_err(|e| js_error("cache", e))?;
    let count = js_sys::Array::from(&keys).length() as usize;
    if let Some(caches) = cache_storage() {
        JsFuture::from(caches.delete(CACHE_NAME))
            .await
            .map_err(|e| js_error("cache", e))?;
    }
    Ok(count)
}

/// Download (or read from the cache) and verify all runtime files of `entry`.
pub async fn model_files(
    entry: &ModelEntry,
    source_language: &str,
    target_language: &str,
    on_progress: OnProgress<'_>,
) -> Result<ModelFiles, Failure> {
    let cache = open_cache().await;
    let names = [
        "config.json".to_owned(),
        format!("tokenizer-{source_language}.json"),
        format!("tokenizer-{target_language}.json"),
        "model.safetensors".to_owned(),
    ];
    // The small files come first, so the total (their sizes + the weights' size from the
    // catalogue) is exact before the long download starts.
    let mut loaded = 0u64;
    let mut all_cached = true;
    let mut bytes = Vec::new();
    for name in &names {
        let url = format!("models/{}/{name}", entry.id);
        let key = format!("{url}?v={}", entry.sha256);
        let total = loaded + entry.bytes;
        let is_weights = name == "model.safetensors";
        let mut progress = |got: u64, _len: u64, cached: bool| {
            if is_weights {
                on_progress(loaded + got, total.max(loaded + got), cached);
            }
        };
        let (mut data, mut cached) = read_file(cache.as_ref(), &url, &key, &mut progress).await?;
        if is_weights {
            let mut digest = hex(&Sha256::digest(&data));
            if digest != entry.sha256 && cached {
                // A damaged cache entry: drop it and download afresh (stored again if good).
                if let Some(cache) = &cache {
                    let _ = JsFuture::from(cache.delete_with_str(&key)).await;
                }
                (data, cached) = read_file(cache.as_ref(), &url, &key, &mut progress).await?;
                digest = hex(&Sha256::digest(&data));
            }
            if digest != entry.sha256 {
                if let Some(cache) = &cache {
                    let _ = JsFuture::from(cache.delete_with_str(&key)).await;
                }
                return Err(file_error(format!(
                    "{url}: the file is not the one the catalogue lists ({} bytes, SHA-256 {}…, \
                     expected {} bytes, {}…); the server may have returned an error page, or the \
                     download was cut short. Reload to try again.",
                    data.len(),
                    &digest[..12],
                    entry.bytes,
                    &entry.sha256[..12.min(entry.sha256.len())]
                )));
            }
        }
        all_cached &= cached;
        loaded += data.len() as u64;
        bytes.push(data);
    }
    on_progress(loaded, loaded, all_cached);
    if let Some(cache) = &cache {
        prune_old_versions(cache, &entry.id, &entry.sha256).await;
    }
    let weights = bytes.pop().unwrap_or_default();
    let text = |data: Vec<u8>, name: &str| {
        String::from_utf8(data).map_err(|_| {
            file_error(format!(
                "models/{}/{name} is not UTF-8 text: not a model file",
                entry.id
            ))
        })
    };
    let target_tokenizer = text(bytes.pop().unwrap_or_default(), &names[2])?;
    let source_tokenizer = text(bytes.pop().unwrap_or_default(), &names[1])?;
    let config = text(bytes.pop().unwrap_or_default(), &names[0])?;
    Ok(ModelFiles {
        config,
        weights,
        source_tokenizer,
        target_tokenizer,
    })
}

/// One file from the cache, else from the network (streamed, reporting progress), then cached.
async fn read_file(
    cache: Option<&Cache>,
    url: &str,
    key: &str,
    on_progress: &mut dyn FnMut(u64, u64, bool),
) -> Result<(Vec<u8>, bool), Failure> {
    if let Some(cache) = cache {
        if let Ok(hit) = JsFuture::from(cache.match_with_str(key)).await {
            if let Some(response) = hit.dyn_ref::<Response>() {
                let data = read_body(response, &mut |got, len| on_progress(got, len, true)).await;
                if let Ok(data) = data {
                    return Ok((data, true));
                }
            }
        }
    }
    let response = fetch(url).await?;
    // Keep a clone for the cache before the body is consumed.
    let for_cache = response.clone().ok();
    let data = read_body(&response, &mut |got, len| on_progress(got, len, false)).await?;
    if let (Some(cache), Some(copy)) = (cache, for_cache) {
        // Quota errors and the like only cost the cache, never the translation.
        let _ = JsFuture::from(cache.put_with_str(key, &copy)).await;
    }
    Ok((data, false))
}

/// Read a body chunk by chunk so progress is byte-accurate.
async fn read_body(
    response: &Response,
    on_progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<u8>, Failure> {
    let url = response.url();
    let length: u64 = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let Some(body) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|e| js_error(&url, e.into()))?;
    let mut data = Vec::with_capacity(length as usize);
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| js_error(&format!("download of {url} was interrupted"), e))?;
        let done = Reflect::get(&chunk, &"done".into())
            .map(|v| v.is_truthy())
            .unwrap_or(true);
        if done {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
            data.extend_from_slice(&Uint8Array::new(&value).to_vec());
        }
        let got = data.len() as u64;
        on_progress(got, length.max(got));
    }
    if length > 0 && (data.len() as u64) < length {
        return Err(file_error(format!(
            "{url}: the download stopped after {} of {length} bytes",
            data.len()
        )));
    }
    let got = data.len() as u64;
    on_progress(got, got);
    Ok(data)
}

/// Delete cached files of `id` stored under another version.
async fn prune_old_versions(cache: &Cache, id: &str, sha256: &str) {
    let Ok(keys) = JsFuture::from(cache.keys()).await else {
        return;
    };
    let needle = format!("/models/{id}/");
    let current = format!("?v={sha256}");
    for request in js_sys::Array::from(&keys).iter() {
        let Some(request) = request.dyn_ref::<web_sys::Request>() else {
            continue;
        };
        let url = request.url();
        if url.contains(&needle) && !url.ends_with(&current) {
            let _ = JsFuture::from(cache.delete_with_request(request)).await;
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
