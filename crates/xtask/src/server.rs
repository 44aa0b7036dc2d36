//! A small static file server for dist/ (tiny_http): correct MIME types (application/wasm
//! included), no caching, nothing outside the served folder.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::{anyhow, bail, Context, Result};
use tiny_http::{Header, Method, Request, Response, Server};

const THREADS: usize = 4;

/// A running server; dropping it stops it.
pub struct StaticServer {
    server: Arc<Server>,
    threads: Vec<JoinHandle<()>>,
    pub url: String,
}

impl StaticServer {
    /// Serve `root` on `host:port` (port 0: any free port), logging requests when `log`.
    pub fn start(root: &Path, host: &str, port: u16, log: bool) -> Result<Self> {
        let root = root
            .canonicalize()
            .with_context(|| format!("{} does not exist: build first", root.display()))?;
        if !root.join("index.html").is_file() {
            bail!("{} has no index.html: build first", root.display());
        }
        let server = Server::http((host, port))
            .map_err(|err| anyhow!("cannot listen on {host}:{port}: {err}"))?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|addr| addr.port())
            .context("the server has no IP address")?;
        let shown_host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
        let url = format!("http://{shown_host}:{port}/");
        let server = Arc::new(server);
        let threads = (0..THREADS)
            .map(|_| {
                let server = Arc::clone(&server);
                let root = root.clone();
                std::thread::spawn(move || {
                    for request in server.incoming_requests() {
                        handle(&root, request, log);
                    }
                })
            })
            .collect();
        Ok(Self {
            server,
            threads,
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

/// `cargo xtask serve`: serve until interrupted.
pub fn serve_forever(root: &Path, host: &str, port: u16) -> Result<()> {
    let server = StaticServer::start(root, host, port, true)?;
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

fn handle(root: &Path, request: Request, log: bool) {
    let url = request.url().to_owned();
    let method = request.method().clone();
    let status = respond(root, request, &method, &url);
    if log {
        println!("{method} {url} {status}");
    }
}

fn respond(root: &Path, request: Request, method: &Method, url: &str) -> u16 {
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
        let path = url.split(['?', '#']).next().unwrap_or("/");
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
            .with_header(header("X-Content-Type-Options", "nosniff"));
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
