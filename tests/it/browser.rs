//! The language switcher in a real browser: headless Chromium driven over
//! WebDriver (chromedriver), on the built example, from `file://` and from an
//! HTTP server under a sub-path.

use crate::support::{copy_book, project_dir};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether the browser is here; `.ci/run` installs it and sets
/// `MDBOOK_TRANSLATE_REQUIRE_BROWSER=1` so that CI never skips.
fn browser_available() -> bool {
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

/// One HTTP/1.1 request to 127.0.0.1:port; returns the JSON body.
fn http_json(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write request");
    // Read the head, then exactly the body: the server may keep the connection open.
    let mut response = Vec::new();
    let mut buffer = [0u8; 65536];
    let head_end = loop {
        let n = stream.read(&mut buffer).expect("read response");
        assert!(n > 0, "{method} {path}: connection closed early");
        response.extend_from_slice(&buffer[..n]);
        if let Some(position) = response.windows(4).position(|w| w == b"\r\n\r\n") {
            break position + 4;
        }
    };
    let head = String::from_utf8_lossy(&response[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok());
    while length.is_none_or(|length| response.len() < head_end + length) {
        let n = stream.read(&mut buffer).expect("read response");
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..n]);
    }
    let body = String::from_utf8_lossy(&response[head_end..]).to_string();
    let body = if length.is_none() && head.contains("transfer-encoding: chunked") {
        dechunk(&body)
    } else {
        body
    };
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{method} {path}: {e}: {body}"))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

struct Driver {
    process: Child,
    port: u16,
    session: String,
}

impl Driver {
    fn start(profile: &Path) -> Driver {
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

    fn open(&self, url: &str) {
        self.session_call("POST", "/url", Some(&json!({ "url": url })));
    }

    fn click(&self, css: &str) {
        let element = self.session_call(
            "POST",
            "/element",
            Some(&json!({"using": "css selector", "value": css})),
        );
        let id = element
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("element id")
            .to_string();
        self.session_call("POST", &format!("/element/{id}/click"), Some(&json!({})));
    }

    fn script(&self, script: &str) -> Value {
        self.session_call("POST", "/execute/sync", Some(&json!({"script": script, "args": []})))
    }

    fn url(&self) -> String {
        self.session_call("GET", "/url", None)
            .as_str()
            .expect("url")
            .to_string()
    }

    fn screenshot(&self, path: &Path) {
        let data = self.session_call("GET", "/screenshot", None);
        let png = decode_base64(data.as_str().expect("base64"));
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(path, png).expect("write screenshot");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &c)| n | (u32::from(value(c)) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

fn answer(mut stream: TcpStream, root: &Path, prefix: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = [0u8; 8192];
    let n = stream.read(&mut request).unwrap_or(0);
    let request = String::from_utf8_lossy(&request[..n]);
    let path = request
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let file = path.strip_prefix(prefix).map(|p| {
        let p = if p.is_empty() || p.ends_with('/') {
            format!("{p}index.html")
        } else {
            p.to_string()
        };
        root.join(p)
    });
    let response = match file.and_then(|f| std::fs::read(f).ok()) {
        Some(body) => {
            let kind = match path.rsplit('.').next() {
                Some("js") => "text/javascript",
                Some("css") => "text/css",
                Some("svg") => "image/svg+xml",
                _ => "text/html; charset=utf-8",
            };
            let mut r = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend(body);
            r
        }
        None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    };
    let _ = stream.write_all(&response);
}

/// Serves `root` over HTTP under `/prefix/` from a thread; returns the port.
fn serve(root: PathBuf, prefix: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            // One thread per connection: browsers open connections they may never use.
            let root = root.clone();
            std::thread::spawn(move || answer(stream, &root, prefix));
        }
    });
    port
}

#[test]
fn the_switcher_leads_to_the_same_chapter_in_another_language() {
    if !browser_available() {
        return;
    }
    let book = copy_book(&project_dir().join("book-example"));
    let output = Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
        .arg("build")
        .arg(book.path())
        .output()
        .expect("build");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let site = book.path().join("book/html");
    let driver = Driver::start(&book.path().join("chromium-profile"));

    // From file://, English → Chinese.
    let page = site.join("crc/table.html");
    driver.open(&format!("file://{}", page.display()));
    assert_eq!(driver.script("return document.documentElement.lang"), json!("en"));
    driver.click("#mdbook-translate-language-toggle");
    driver.screenshot(&book.path().join("switcher-open.png"));
    driver.click("#mdbook-translate-language-list a[lang='zh']");
    assert_eq!(
        driver.url(),
        format!("file://{}", site.join("zh/crc/table.html").display())
    );
    assert_eq!(driver.script("return document.documentElement.lang"), json!("zh"));
    driver.screenshot(&book.path().join("zh-table.png"));

    // Over HTTP under a sub-path, Chinese → Spanish and back to English.
    let port = serve(site.clone(), "/docs/book/");
    driver.open(&format!("http://127.0.0.1:{port}/docs/book/zh/additive/adler32.html"));
    driver.click("#mdbook-translate-language-toggle");
    driver.click("#mdbook-translate-language-list a[lang='es']");
    assert_eq!(
        driver.url(),
        format!("http://127.0.0.1:{port}/docs/book/es/additive/adler32.html")
    );
    driver.click("#mdbook-translate-language-toggle");
    driver.click("#mdbook-translate-language-list a[lang='en']");
    assert_eq!(
        driver.url(),
        format!("http://127.0.0.1:{port}/docs/book/additive/adler32.html")
    );
    assert!(book.path().join("zh-table.png").metadata().expect("screenshot").len() > 1000);
}
