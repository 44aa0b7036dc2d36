//! A small static file server for dist/ (tiny_http): correct MIME types (application/wasm
//! included), no caching, nothing outside the served folder. It can serve the folder under a
//! sub-path (`/playground/`), as a static host such as GitHub Pages does for a project site, so
//! the tests can check that the page uses relative URLs only.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::{anyhow, bail, Context, Result};
use tiny_http::{Header, Method, Request, Response, Server};

use self::accept_nudge::AcceptNudge;

mod accept_nudge;

const THREADS: usize = 4;

/// A running server; dropping it stops it.
pub struct StaticServer {
    server: Arc<Server>,
    threads: Vec<JoinHandle<()>>,
    /// Unsticks connections tiny_http left queued (see `accept_nudge`).
    _nudge: AcceptNudge,
    /// The page's URL, ending with the served prefix (`http://127.0.0.1:PORT/playground/`).
    pub url: String,
}

/// A URL prefix: `/`, or `/name/…/` with a slash at both ends.
pub fn normalize_prefix(prefix: &str) -> Result<String> {
    let inner = prefix.trim_matches('/');
    if inner.is_empty() {
        return Ok("/".to_owned());
    }
    let ok = inner.split('/').all(|part| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    });
    if !ok {
        bail!("bad URL prefix {prefix:?}: use letters, digits, '-', '_' or '.', like /playground/");
    }
    Ok(format!("/{inner}/"))
}

impl StaticServer {
    /// Serve `root` under the URL prefix `prefix` (e.g. `/playground/`): `prefix` + path names
    /// the file `root/path`, the prefix without its final slash redirects to it, and every
    /// other path is 404.
    pub fn start_at(root: &Path, host: &str, port: u16, log: bool, prefix: &str) -> Result<Self> {
        Self::start_inner(root, host, port, log, prefix, false)
    }

    /// Serve `root` at `/` and, for the browser tests, a faulty copy under [`FAULTS_PREFIX`]
    /// (see [`fault`]): a host that lost a file, or answers with an HTML page instead of weights;
    /// and one under [`SMALL_GPU_PREFIX`] whose worker meets a GPU below the kernels' needs.
    pub fn start_with_faults(root: &Path) -> Result<Self> {
        Self::start_inner(root, "127.0.0.1", 0, false, "/", true)
    }

    fn start_inner(
        root: &Path,
        host: &str,
        port: u16,
        log: bool,
        prefix: &str,
        faults: bool,
    ) -> Result<Self> {
        let prefix = normalize_prefix(prefix)?;
        let root = root
            .canonicalize()
            .with_context(|| format!("{} does not exist: build first", root.display()))?;
        if !root.join("index.html").is_file() {
            bail!("{} has no index.html: build first", root.display());
        }
        let server = Server::http((host, port))
            .map_err(|err| anyhow!("cannot listen on {host}:{port}: {err}"))?;
        let addr = server
            .server_addr()
            .to_ip()
            .context("the server has no IP address")?;
        let port = addr.port();
        let shown_host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
        let url = format!("http://{shown_host}:{port}{prefix}");
        let server = Arc::new(server);
        let threads = (0..THREADS)
            .map(|_| {
                let server = Arc::clone(&server);
                let root = root.clone();
                let prefix = prefix.clone();
                std::thread::spawn(move || {
                    for request in server.incoming_requests() {
                        let url = request.url().to_owned();
                        let url = match faults {
                            true => match fault(&root, request, &url) {
                                Some((request, url)) => {
                                    handle(&root, &prefix, request, &url, log);
                                    continue;
                                }
                                None => continue,
                            },
                            false => url,
                        };
                        handle(&root, &prefix, request, &url, log);
                    }
                })
            })
            .collect();
        Ok(Self {
            server,
            threads,
            _nudge: AcceptNudge::start(addr),
            url,
        })
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        for _ in &self.threads {
            self.server.unblock();
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// `cargo xtask serve`: serve until interrupted, under the URL prefix `base` (`/` or `/name/`).
pub fn serve_forever(root: &Path, host: &str, port: u16, base: &str) -> Result<()> {
    let server = StaticServer::start_at(root, host, port, true, base)?;
    crate::util::banner(&format!("serving {} at {}", root.display(), server.url));
    println!("Open {}  (Ctrl+C to stop)", server.url);
    loop {
        std::thread::park();
    }
}

pub fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape or invalid UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file a URL path names inside `root`, or `None` when it tries to leave `root`.
pub fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    let mut file = root.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if decoded.ends_with('/') || decoded.is_empty() {
        file.push("index.html");
    }
    Some(file)
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header is valid")
}

/// Where a request URL falls relative to the served prefix.
#[derive(Debug, PartialEq)]
pub enum Routed<'a> {
    /// Inside: the URL with the prefix replaced by `/`.
    Inside(&'a str),
    /// The prefix without its final slash (`/playground`): redirect to the prefix.
    Redirect,
    /// Outside the prefix.
    Outside,
}

pub fn route<'a>(prefix: &str, url: &'a str) -> Routed<'a> {
    if prefix == "/" {
        return Routed::Inside(url);
    }
    if let Some(rest) = url.strip_prefix(prefix) {
        // Keep the leading slash: "/playground/x" → "/x".
        debug_assert!(url.len() == prefix.len() + rest.len());
        return Routed::Inside(&url[prefix.len() - 1..]);
    }
    let bare = &prefix[..prefix.len() - 1];
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == bare {
        Routed::Redirect
    } else {
        Routed::Outside
    }
}

/// The page served under this prefix meets a broken host (browser tests of bad model files).
pub const FAULTS_PREFIX: &str = "/e2e-faults/";

/// The page served under this prefix runs its worker on a GPU with WebGPU "compatibility" limits
/// (128 threads per workgroup, 4 storage buffers per stage), below what the kernels need.
pub const SMALL_GPU_PREFIX: &str = "/e2e-small-gpu/";

/// Run first in the worker under [`SMALL_GPU_PREFIX`]: every `GPUSupportedLimits` (the adapter's
/// and the device's) reports compatibility-mode values for the limits the kernels depend on.
const SMALL_GPU_PATCH: &str = "// e2e: a GPU with WebGPU compatibility-mode limits.
(() => {
  const limits = self.GPUSupportedLimits && self.GPUSupportedLimits.prototype;
  if (!limits) return;
  const small = { maxComputeInvocationsPerWorkgroup: 128, maxComputeWorkgroupSizeX: 128, maxStorageBuffersPerShaderStage: 4 };
  for (const [name, value] of Object.entries(small)) {
    Object.defineProperty(limits, name, { get() { return value; }, configurable: true });
  }
})();
";

/// Under [`FAULTS_PREFIX`]: rnn-en-zh's weights are missing (404) and lstm-en-zh's weights are an
/// HTML page (200). Under [`SMALL_GPU_PREFIX`]: the worker's loader starts with
/// [`SMALL_GPU_PATCH`]. Everything else is served as usual (the prefix removed) from `root`.
/// Returns the request and the URL to serve when it is not answered here.
fn fault(root: &Path, request: Request, url: &str) -> Option<(Request, String)> {
    if let Some(inner) = url.strip_prefix(SMALL_GPU_PREFIX) {
        let path = inner.split(['?', '#']).next().unwrap_or("");
        if !(path.starts_with("worker-") && path.ends_with("_loader.js")) {
            return Some((request, format!("/{inner}")));
        }
        let answer = match std::fs::read_to_string(root.join(path)) {
            Ok(loader) => Response::from_string(format!("{SMALL_GPU_PATCH}{loader}"))
                .with_header(header("Content-Type", "text/javascript; charset=utf-8")),
            Err(_) => Response::from_string("not found").with_status_code(404),
        };
        let _ = request.respond(answer.with_header(header("Cache-Control", "no-cache")));
        return None;
    }
    let Some(inner) = url.strip_prefix(FAULTS_PREFIX) else {
        return Some((request, url.to_owned()));
    };
    let path = inner.split(['?', '#']).next().unwrap_or("");
    let answer = match path {
        "models/rnn-en-zh/model.safetensors" => {
            Response::from_string("not found").with_status_code(404)
        }
        "models/lstm-en-zh/model.safetensors" => {
            Response::from_string("<!doctype html><html><body>Oops, an error page</body></html>")
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
        }
        _ => return Some((request, format!("/{inner}"))),
    };
    let _ = request.respond(answer.with_header(header("Cache-Control", "no-cache")));
    None
}

fn handle(root: &Path, prefix: &str, request: Request, url: &str, log: bool) {
    let url = url.to_owned();
    let method = request.method().clone();
    let status = match route(prefix, &url) {
        Routed::Inside(inner) => respond(root, request, &method, inner, &url),
        Routed::Redirect => {
            let query = url.find('?').map_or("", |i| &url[i..]);
            let location = format!("{prefix}{query}");
            let _ =
                request.respond(Response::empty(301).with_header(header("Location", &location)));
            301
        }
        Routed::Outside => {
            let _ = request.respond(
                Response::from_string("not found (outside the served prefix)")
                    .with_status_code(404),
            );
            404
        }
    };
    if log {
        println!("{method} {url} {status}");
    }
}

/// `url`: the path inside the served folder; `original`: the URL as requested (for redirects).
fn respond(root: &Path, request: Request, method: &Method, url: &str, original: &str) -> u16 {
    if *method != Method::Get && *method != Method::Head {
        let _ = request.respond(Response::from_string("method not allowed").with_status_code(405));
        return 405;
    }
    let Some(file) = resolve(root, url) else {
        let _ = request.respond(Response::from_string("bad path").with_status_code(400));
        return 400;
    };
    if file.is_dir() {
        // Directory without a trailing slash: redirect so relative URLs resolve inside it.
        let path = original.split(['?', '#']).next().unwrap_or("/");
        let response = Response::empty(301).with_header(header("Location", &format!("{path}/")));
        let _ = request.respond(response);
        return 301;
    }
    match std::fs::read(&file) {
        Ok(bytes) => {
            let response = Response::from_data(if *method == Method::Head {
                Vec::new()
            } else {
                bytes
            })
            .with_header(header("Content-Type", mime_type(&file)))
            .with_header(header("Cache-Control", "no-cache"))
            .with_header(header("X-Content-Type-Options", "nosniff"))
            // As GitHub Pages sends: a page framed with sandbox="allow-scripts" has an opaque
            // origin, and its module scripts, wasm and models are then CORS requests.
            .with_header(header("Access-Control-Allow-Origin", "*"));
            let _ = request.respond(response);
            200
        }
        Err(_) => {
            let response = Response::from_string("not found")
                .with_status_code(404)
                .with_header(header("Content-Type", "text/plain; charset=utf-8"));
            let _ = request.respond(response);
            404
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_root_only() {
        let root = Path::new("/srv/dist");
        assert_eq!(resolve(root, "/"), Some(root.join("index.html")));
        assert_eq!(
            resolve(root, "/a%20b.wasm?v=1"),
            Some(root.join("a b.wasm"))
        );
        assert_eq!(
            resolve(root, "/models/"),
            Some(root.join("models/index.html"))
        );
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(resolve(root, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(root, "/bad%zz"), None);
    }

    #[test]
    fn prefixes_are_normalised() {
        assert_eq!(normalize_prefix("").unwrap(), "/");
        assert_eq!(normalize_prefix("/").unwrap(), "/");
        assert_eq!(normalize_prefix("playground").unwrap(), "/playground/");
        assert_eq!(normalize_prefix("/a/b-c_1.2/").unwrap(), "/a/b-c_1.2/");
        assert!(normalize_prefix("/../x/").is_err());
        assert!(normalize_prefix("/a//b/").is_err());
        assert!(normalize_prefix("/a b/").is_err());
    }

    #[test]
    fn routes_under_a_prefix() {
        let p = "/playground/";
        assert_eq!(route(p, "/playground/"), Routed::Inside("/"));
        assert_eq!(
            route(p, "/playground/app_bg.wasm?v=1"),
            Routed::Inside("/app_bg.wasm?v=1")
        );
        assert_eq!(
            route(p, "/playground/models/index.json"),
            Routed::Inside("/models/index.json")
        );
        assert_eq!(route(p, "/playground"), Routed::Redirect);
        assert_eq!(route(p, "/playground?view=step"), Routed::Redirect);
        assert_eq!(route(p, "/"), Routed::Outside);
        assert_eq!(route(p, "/index.html"), Routed::Outside);
        assert_eq!(route(p, "/playgroundx/"), Routed::Outside);
        assert_eq!(route("/", "/index.html"), Routed::Inside("/index.html"));
    }

    /// A real server under /playground/: files inside, redirects, 404 outside.
    #[test]
    fn serves_under_a_prefix() {
        use std::io::{Read, Write};
        let root = std::env::temp_dir().join(format!("xtask-prefix-{}", std::process::id()));
        std::fs::create_dir_all(root.join("models")).unwrap();
        std::fs::write(root.join("index.html"), "<p>page</p>").unwrap();
        std::fs::write(root.join("models/index.json"), "{}").unwrap();
        let server = StaticServer::start_at(&root, "127.0.0.1", 0, false, "playground").unwrap();
        assert!(server.url.ends_with("/playground/"), "{}", server.url);
        let addr = server.url["http://".len()..]
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let get = |path: &str| {
            let mut stream = std::net::TcpStream::connect(&addr).unwrap();
            write!(stream, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
            let mut text = String::new();
            stream.read_to_string(&mut text).unwrap();
            text
        };
        let page = get("/playground/?view=step");
        assert!(page.starts_with("HTTP/1.0 200"), "{page}");
        assert!(page.ends_with("<p>page</p>"), "{page}");
        assert!(page.contains("Access-Control-Allow-Origin: *"), "{page}");
        assert!(get("/playground/models/index.json").starts_with("HTTP/1.0 200"));
        let redirect = get("/playground?view=qkv");
        assert!(redirect.starts_with("HTTP/1.0 301"), "{redirect}");
        assert!(redirect.contains("/playground/?view=qkv"), "{redirect}");
        let dir = get("/playground/models");
        assert!(dir.contains("Location: /playground/models/"), "{dir}");
        assert!(get("/index.html").starts_with("HTTP/1.0 404"));
        assert!(get("/playground/../index.html").starts_with("HTTP/1.0 4"));
        drop(server);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn wasm_has_its_mime_type() {
        assert_eq!(mime_type(Path::new("app_bg.wasm")), "application/wasm");
        assert_eq!(
            mime_type(Path::new("app.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            mime_type(Path::new("model.safetensors")),
            "application/octet-stream"
        );
    }
}
