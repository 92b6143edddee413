//! The language switcher in a real browser: headless Chromium driven over
//! WebDriver (chromedriver), on a built test book, from `file://` and from an
//! HTTP server under a sub-path.

use crate::support::{TestBook, http_agent};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether the browser is here; `.ci/run` installs it and sets
/// `MDBOOK_TRANSLATE_REQUIRE_BROWSER=1` so that CI never skips.
pub(crate) fn browser_available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        assert!(
            std::env::var_os("MDBOOK_TRANSLATE_REQUIRE_BROWSER").is_none(),
            "{CHROMIUM} and {CHROMEDRIVER} are required (Debian packages chromium and chromium-driver)"
        );
        eprintln!("note: {CHROMIUM} or {CHROMEDRIVER} is absent; skipping the browser test");
    }
    present
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// How long one WebDriver call may take. A page load that hangs fails the
/// attempt.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Attempts with a fresh browser before the test fails.
const ATTEMPTS: usize = 3;

/// One WebDriver request to chromedriver on 127.0.0.1:port; returns the JSON body.
fn http_json(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let agent = http_agent(CALL_TIMEOUT);
    let url = format!("http://127.0.0.1:{port}{path}");
    let response = match (method, body) {
        ("POST", body) => agent.post(&url).send_json(body.unwrap_or(&json!({}))),
        ("GET", None) => agent.get(&url).call(),
        ("DELETE", None) => agent.delete(&url).call(),
        _ => panic!("{method} {path}: not a WebDriver request this test makes"),
    };
    let text = response
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"))
}

pub(crate) struct Driver {
    process: Child,
    port: u16,
    session: String,
}

impl Driver {
    pub(crate) fn start(profile: &Path) -> Driver {
        let port = free_port();
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Pages ask for MathJax from a CDN: never wait for it, and fail every
        // host name but loopback at once (this machine has no network).
        let capabilities = json!({"capabilities": {"alwaysMatch": {"pageLoadStrategy": "eager", "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1200,900", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", format!("--user-data-dir={}", profile.display())]
        }}}});
        let mut driver = Driver {
            process,
            port,
            session: String::new(),
        };
        let answer = driver.call("POST", "/session", Some(&capabilities));
        driver.session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {answer}"))
            .to_string();
        driver
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        http_json(self.port, method, path, body)
    }

    fn session_call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let answer = self.call(method, &format!("/session/{}{path}", self.session), body);
        assert!(answer["value"].get("error").is_none(), "{method} {path}: {answer}");
        answer["value"].clone()
    }

    pub(crate) fn open(&self, url: &str) {
        self.session_call("POST", "/url", Some(&json!({ "url": url })));
    }

    /// The WebDriver id of the element `css` selects.
    fn element(&self, css: &str) -> String {
        let element = self.session_call(
            "POST",
            "/element",
            Some(&json!({"using": "css selector", "value": css})),
        );
        element
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("element id")
            .to_string()
    }

    pub(crate) fn click(&self, css: &str) {
        let id = self.element(css);
        self.session_call("POST", &format!("/element/{id}/click"), Some(&json!({})));
    }

    /// Types `text` into the element `css` selects, key by key.
    pub(crate) fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.session_call("POST", &format!("/element/{id}/value"), Some(&json!({ "text": text })));
    }

    /// Presses and releases `key` on whatever has the focus.
    pub(crate) fn press(&self, key: &str) {
        let keys = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]});
        self.session_call("POST", "/actions", Some(&keys));
    }

    pub(crate) fn script(&self, script: &str) -> Value {
        self.session_call("POST", "/execute/sync", Some(&json!({"script": script, "args": []})))
    }

    pub(crate) fn url(&self) -> String {
        self.session_call("GET", "/url", None)
            .as_str()
            .expect("url")
            .to_string()
    }

    pub(crate) fn screenshot(&self, path: &Path) {
        let data = self.session_call("GET", "/screenshot", None);
        let png = BASE64.decode(data.as_str().expect("base64")).expect("base64");
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(path, png).expect("write screenshot");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Even after a failure (a browser left running would load the
        // machine), with a short wait: chromedriver may be what hangs.
        if !self.session.is_empty() {
            let url = format!("http://127.0.0.1:{}/session/{}", self.port, self.session);
            let _ = http_agent(Duration::from_secs(10)).delete(&url).call();
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Serves `root` over HTTP under `/prefix/` from a thread; returns the port.
/// hyper, as the emulator uses it: each connection is served on its own
/// task, so the several connections a browser opens at once are all
/// answered.
fn serve(root: PathBuf, prefix: &'static str) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("a non-blocking listener");
    let root = std::sync::Arc::new(root);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listen");
            while let Ok((stream, _)) = listener.accept().await {
                let root = std::sync::Arc::clone(&root);
                let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let response = static_file(&root, prefix, request.uri().path());
                    async move { Ok::<_, std::convert::Infallible>(response) }
                });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
                );
            }
        });
    });
    port
}

/// The answer for `path`: the file under `root` that it names below
/// `prefix` (a folder's `index.html`), or 404.
fn static_file(root: &Path, prefix: &str, path: &str) -> hyper::Response<http_body_util::Full<bytes::Bytes>> {
    let file = path.strip_prefix(prefix).map(|path| match path {
        "" => "index.html".to_string(),
        dir if dir.ends_with('/') => format!("{dir}index.html"),
        file => file.to_string(),
    });
    let Some((body, file)) = file.and_then(|file| Some((std::fs::read(root.join(&file)).ok()?, file))) else {
        let mut missing = hyper::Response::new(http_body_util::Full::default());
        *missing.status_mut() = hyper::StatusCode::NOT_FOUND;
        return missing;
    };
    let kind = match file.rsplit('.').next() {
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        _ => "text/html; charset=utf-8",
    };
    let mut response = hyper::Response::new(http_body_util::Full::new(bytes::Bytes::from(body)));
    response
        .headers_mut()
        .insert("content-type", hyper::header::HeaderValue::from_static(kind));
    response
}

#[test]
fn the_switcher_leads_to_the_same_chapter_in_another_language() {
    if !browser_available() {
        return;
    }
    let book = TestBook::new("site");
    book.run(&["build"]).assert_success();
    with_fresh_browsers(|attempt| switch_languages(&book, attempt));
}

/// Runs `scenario` (given the attempt's number, from 1) until it passes, up
/// to [`ATTEMPTS`] times: a browser that hangs is started again; the checks
/// themselves are the same each time.
pub(crate) fn with_fresh_browsers(scenario: impl Fn(usize) + std::panic::RefUnwindSafe) {
    for attempt in 1..ATTEMPTS {
        if std::panic::catch_unwind(|| scenario(attempt)).is_ok() {
            return;
        }
        eprintln!("note: browser attempt {attempt} failed; starting a fresh browser");
    }
    scenario(ATTEMPTS);
}

/// Opens a chapter, switches English → Chinese from `file://`, then
/// Chinese → Spanish → English over HTTP under a sub-path.
fn switch_languages(book: &TestBook, attempt: usize) {
    let site = book.path().join("book/html");
    let driver = Driver::start(&book.path().join(format!("chromium-profile-{attempt}")));

    // From file://, English → Chinese.
    let page = site.join("sums/parity.html");
    driver.open(&format!("file://{}", page.display()));
    assert_eq!(driver.script("return document.documentElement.lang"), json!("en"));
    driver.click("#mdbook-translate-language-toggle");
    driver.screenshot(&book.path().join("switcher-open.png"));
    driver.click("#mdbook-translate-language-list a[lang='zh']");
    assert_eq!(
        driver.url(),
        format!("file://{}", site.join("zh/sums/parity.html").display())
    );
    assert_eq!(driver.script("return document.documentElement.lang"), json!("zh"));
    driver.screenshot(&book.path().join("zh-table.png"));

    // Over HTTP under a sub-path, Chinese → Spanish and back to English.
    let port = serve(site.clone(), "/docs/book/");
    driver.open(&format!("http://127.0.0.1:{port}/docs/book/zh/sums.html"));
    driver.click("#mdbook-translate-language-toggle");
    driver.click("#mdbook-translate-language-list a[lang='es']");
    assert_eq!(driver.url(), format!("http://127.0.0.1:{port}/docs/book/es/sums.html"));
    driver.click("#mdbook-translate-language-toggle");
    driver.click("#mdbook-translate-language-list a[lang='en']");
    assert_eq!(driver.url(), format!("http://127.0.0.1:{port}/docs/book/sums.html"));
    assert!(book.path().join("zh-table.png").metadata().expect("screenshot").len() > 1000);
}
