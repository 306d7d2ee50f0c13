//! Starting chromedriver and Chromium, and the polling helpers the scenarios use.

use crate::common::{TestServer, spawn_with};
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::future::Future;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// How long any one wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);

/// Phone and desktop windows.
pub const PHONE: (u32, u32) = (390, 844);
pub const DESKTOP: (u32, u32) = (1280, 900);

/// Browsers are heavy on two cores: one test drives one at a time.
static ONE_AT_A_TIME: std::sync::LazyLock<tokio::sync::Mutex<()>> =
    std::sync::LazyLock::new(|| tokio::sync::Mutex::new(()));

/// A chromedriver process, killed when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts chromedriver on a free port and waits until it answers. Fails (never
/// skips) when it is not installed: CI installs it.
pub async fn start_driver() -> Driver {
    assert!(
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
        "the browser tests need Chromium and ChromeDriver: install them with `apt-get install -y chromium chromium-driver` ({CHROMEDRIVER} or {CHROMIUM} is missing)"
    );
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromedriver");
    let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
    let client = reqwest::Client::new();
    poll("chromedriver to answer", || async {
        client.get(format!("{}/status", driver.url)).send().await.is_ok_and(|r| r.status().is_success())
    })
    .await;
    driver
}

/// A test's world: the server with the demo data, chromedriver, and a browser whose
/// window is `size` and whose languages are `accept_languages`.
pub struct World {
    pub server: TestServer,
    pub client: Client,
    _driver: Driver,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl World {
    pub async fn new(size: (u32, u32), accept_languages: &str) -> World {
        let turn = ONE_AT_A_TIME.lock().await;
        let server = spawn_with(|settings| settings.demo = true).await;
        let driver = start_driver().await;
        let mut caps = Capabilities::new();
        let mut options = json!({
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--hide-scrollbars", format!("--window-size={},{}", size.0, size.1),
                         format!("--lang={accept_languages}")],
                "prefs": {"intl.accept_languages": accept_languages}
        });
        if size.0 < 500 {
            // A desktop window cannot be narrower than 500 px: a phone is emulated,
            // with the viewport of the size given (and one pixel per CSS pixel).
            options["mobileEmulation"] =
                json!({"deviceMetrics": {"width": size.0, "height": size.1, "pixelRatio": 1.0, "touch": true}});
        }
        caps.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client =
            ClientBuilder::new(connector).capabilities(caps).connect(&driver.url).await.expect("a browser session");
        World { server, client, _driver: driver, _turn: turn }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&self.url(path)).await.unwrap();
    }

    pub async fn close(self) {
        let World { client, .. } = self;
        let _ = client.close().await;
    }

    /// Waits for an element matching `css` and returns it.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.client.find_all(Locator::Css(css)).await.unwrap() {
            out.push(e.text().await.unwrap());
        }
        out
    }

    /// The `lang` of the page's `<html>`.
    pub async fn html_lang(&self) -> String {
        self.client.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap().unwrap_or_default()
    }

    /// Waits until the page's path (and query) is `expected`.
    pub async fn wait_path(&self, expected: &str) {
        poll(&format!("the page {expected}"), || async {
            self.client.current_url().await.is_ok_and(|u| {
                let path = match u.query() {
                    Some(q) => format!("{}?{q}", u.path()),
                    None => u.path().to_string(),
                };
                path == expected
            })
        })
        .await;
    }

    /// Waits until the page's `<html lang>` is `lang`.
    pub async fn wait_lang(&self, lang: &str) {
        poll(&format!("the page in {lang}"), || async { self.html_lang().await == lang }).await;
    }

    /// Fills the input `#id` with `text`.
    pub async fn fill(&self, id: &str, text: &str) {
        let input = self.find(&format!("#{id}")).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// Waits until the page's text contains `needle`.
    pub async fn wait_text(&self, needle: &str) {
        poll(&format!("the text {needle:?}"), || async {
            match self.client.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.is_ok_and(|t| t.contains(needle)),
                Err(_) => false,
            }
        })
        .await;
    }

    /// Whether the page is wider than the window (something would scroll sideways).
    pub async fn overflows(&self) -> bool {
        let wider = self
            .client
            .execute("return document.documentElement.scrollWidth > window.innerWidth;", vec![])
            .await
            .unwrap();
        wider.as_bool().unwrap()
    }

    /// Writes the window as `docs/screenshots/{name}.png` (the directory must exist).
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let path = screenshots_dir().join(format!("{name}.png"));
        std::fs::write(&path, &png).unwrap();
        println!("{} ({} KB)", path.display(), png.len() / 1024);
    }
}

/// docs/screenshots/, where the `--ignored` screenshot tests write.
pub fn screenshots_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
}

/// Polls `condition` every 50 ms until it holds, failing after [`WAIT`].
pub async fn poll<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while !condition().await {
        assert!(started.elapsed() < WAIT, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
