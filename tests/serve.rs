//! `sociale-kaart serve`: a running preview answers HTTP requests, reloads
//! open pages after a change, shows the errors of a broken file until it
//! is fixed, and refuses every path that tries to leave the site.
//! Timeouts here only bound how long a test waits; nothing is timed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::common::{TODAY_EPOCH, run_in};

/// Upper bound for anything to happen (debug builds on a busy machine).
const PATIENCE: Duration = Duration::from_secs(120);

/// A site made by `init`, and a preview of it on a free port.
struct Preview {
    _dir: tempfile::TempDir,
    site: PathBuf,
    child: Child,
    base: String,
    agent: ureq::Agent,
    /// What the preview tells the editor, line by line.
    log: Mutex<Receiver<String>>,
}

impl Preview {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(run_in(dir.path(), &["init", "kaart"]).code, 0);
        let site = dir.path().join("kaart");
        let mut child = Command::new(env!("CARGO_BIN_EXE_sociale-kaart"))
            .args(["serve", "--port", "0"])
            .current_dir(&site)
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = lines_of(child.stderr.take().unwrap());
        let base = wait_for(&log, |line| {
            line.split_once("draait op ")
                .map(|(_, url)| url.trim_end_matches('/').to_string())
        });
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(PATIENCE))
            .build()
            .into();
        Preview {
            _dir: dir,
            site,
            child,
            base,
            agent,
            log: Mutex::new(log),
        }
    }

    fn get(&self, path: &str) -> (u16, ureq::http::HeaderMap, String) {
        let mut response = self
            .agent
            .get(format!("{}{path}", self.base))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (
            status,
            headers,
            response.body_mut().read_to_string().unwrap(),
        )
    }

    /// The build ids the preview announces, as they arrive.
    fn builds(&self) -> Receiver<String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(None)
            .build()
            .into();
        let response = agent
            .get(format!("{}/__sociale-kaart/events", self.base))
            .call()
            .unwrap();
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let reader = BufReader::new(response.into_body().into_reader());
        let (sender, builds) = channel();
        std::thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if let Some(id) = line.strip_prefix("data: ")
                    && sender.send(id.to_string()).is_err()
                {
                    break;
                }
            }
        });
        builds
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.site.join(rel), text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.site.join(rel)).unwrap()
    }

    /// The raw answer to a request line sent as is, without a client that
    /// would clean up the path first.
    fn raw(&self, target: &str) -> (u16, String) {
        let address = self.base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, answer)
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines_of(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, lines) = channel();
    std::thread::spawn(move || {
        // Keep reading after the receiver is gone, so the server never
        // writes into a closed pipe.
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    lines
}

fn wait_for<T>(lines: &Receiver<String>, mut found: impl FnMut(&str) -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                if let Some(value) = found(&line) {
                    return value;
                }
                seen.push(line);
            }
            Err(_) => panic!("gave up waiting; seen:\n{}", seen.join("\n")),
        }
    }
}

/// A page as the preview serves it once it shows a change, and the builds
/// announced since the change.
struct AfterChange {
    status: u16,
    body: String,
    builds: Vec<String>,
}

impl AfterChange {
    /// The page reloads itself when a build newer than the change comes.
    fn reloads_after_a_new_build(&self) -> bool {
        self.carries_a_new_build(&self.body)
    }

    /// `page` carries one of the builds made since the change.
    fn carries_a_new_build(&self, page: &str) -> bool {
        self.builds.iter().any(|id| page.contains(&reload_tag(id)))
    }
}

/// Forgets the builds announced so far, so that those of the next change
/// stand apart.
fn forget(builds: &Receiver<String>) {
    builds.try_iter().for_each(drop);
}

/// Follows the builds announced after a change until the page at `path`
/// passes `shows`. On a busy machine one save may come in more than one
/// build, so the first build after it need not show all of it.
fn after_change(
    preview: &Preview,
    builds: &Receiver<String>,
    path: &str,
    shows: impl Fn(u16, &str) -> bool,
) -> AfterChange {
    let deadline = Instant::now() + PATIENCE;
    let mut since = Vec::new();
    let mut last = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(id) = builds.recv_timeout(left) else {
            panic!("no build showed the change at {path}; the last answer: {last:?}")
        };
        since.push(id);
        let (status, _, body) = preview.get(path);
        // The page may already carry a build whose announcement is on its way.
        since.extend(builds.try_iter());
        if shows(status, &body) {
            return AfterChange {
                status,
                body,
                builds: since,
            };
        }
        last = Some((status, body));
    }
}

fn reload_tag(id: &str) -> String {
    format!("<script src=\"/__sociale-kaart/reload.js\" data-build=\"{id}\" defer></script>")
}

const OFFER: &str = "content/aanbod/opvoedspreekuur.md";

#[test]
fn pages_are_served_with_the_reload_script_and_the_site_headers() {
    let preview = Preview::start();
    let builds = preview.builds();
    let id = builds.recv_timeout(PATIENCE).unwrap();

    let (status, headers, body) = preview.get("/aanbod/opvoedspreekuur/");
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(body.contains("Opvoedspreekuur"));
    assert!(body.contains(&reload_tag(&id)), "{body}");
    assert_eq!(body.matches("/__sociale-kaart/reload.js").count(), 1);
    // The theme's _headers apply, so the preview runs under the site's CSP,
    // which the external reload script satisfies.
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");

    let (status, headers, script) = preview.get("/__sociale-kaart/reload.js");
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.contains("EventSource('/__sociale-kaart/events')"));

    let (status, headers, _) = preview.get("/aanbod");
    assert_eq!(status, 308);
    assert_eq!(headers["location"], "/aanbod/");

    let (status, _, body) = preview.get("/aanbod/bestaat-niet/");
    assert_eq!(status, 404);
    assert!(
        body.contains("/__sociale-kaart/reload.js"),
        "the 404 page reloads too"
    );

    let sitemap = preview.get("/sitemap.xml");
    assert_eq!(sitemap.0, 200);
    assert!(sitemap.1["content-type"].to_str().unwrap().contains("xml"));
    assert!(
        !sitemap.2.contains("reload.js"),
        "only HTML gets the script"
    );
}

#[test]
fn paths_that_leave_the_site_are_refused() {
    let preview = Preview::start();
    for target in [
        "/../site.yaml",
        "/../../etc/passwd",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/%2e%2e%2fsite.yaml",
        "/aanbod/..%2f..%2fsite.yaml",
        "/aanbod/%2e%2e%2f%2e%2e%2fsite.yaml",
        "/..%5csite.yaml",
        "/..\\site.yaml",
        "//etc/passwd",
        "/etc/passwd",
        "/content/aanbod/opvoedspreekuur.md",
        "/site.yaml",
        "/C:/Windows/win.ini",
        "/%00/site.yaml",
        "http://127.0.0.1/../site.yaml",
    ] {
        let (status, answer) = preview.raw(target);
        assert!(
            status == 400 || status == 404,
            "{target}: {status}\n{answer}"
        );
        assert!(!answer.contains("basis_url"), "{target} leaked site.yaml");
        assert!(!answer.contains("root:"), "{target} leaked a system file");
    }
    let (status, _) = preview.raw("/aanbod/opvoedspreekuur/");
    assert_eq!(
        status, 200,
        "plain paths still work over the raw connection"
    );
}

#[test]
fn many_concurrent_requests_are_answered() {
    let preview = Preview::start();
    let paths = [
        "/",
        "/aanbod/",
        "/aanbod/opvoedspreekuur/",
        "/aanbieders/welzijn-voorbeeld/",
        "/over/",
        "/sitemap.xml",
    ];
    std::thread::scope(|scope| {
        for worker in 0..16 {
            let preview = &preview;
            scope.spawn(move || {
                for n in 0..20 {
                    let path = paths[(worker + n) % paths.len()];
                    let (status, _, body) = preview.get(path);
                    assert_eq!(status, 200, "{path}");
                    assert!(!body.is_empty(), "{path}");
                }
            });
        }
    });
}

#[test]
fn a_saved_change_is_rebuilt_and_announced() {
    let preview = Preview::start();
    let builds = preview.builds();
    builds.recv_timeout(PATIENCE).unwrap();

    let text = preview.read(OFFER).replace(
        "titel: Opvoedspreekuur",
        "titel: Opvoedspreekuur op maandag",
    );
    forget(&builds);
    preview.write(OFFER, &text);
    let changed = after_change(&preview, &builds, "/aanbod/opvoedspreekuur/", |_, body| {
        body.contains("Opvoedspreekuur op maandag")
    });
    assert_eq!(changed.status, 200);
    assert!(changed.reloads_after_a_new_build(), "{}", changed.body);
    // Other pages that show the offer follow too.
    assert!(
        preview
            .get("/aanbod/")
            .2
            .contains("Opvoedspreekuur op maandag")
    );
    assert!(
        preview
            .get("/aanbieders/welzijn-voorbeeld/")
            .2
            .contains("Opvoedspreekuur op maandag")
    );

    // A new file appears, a deleted one disappears.
    forget(&builds);
    preview.write(
        "content/paginas/nieuw.md",
        "---\ntitel: Een nieuwe pagina\n---\nHallo.\n",
    );
    let added = after_change(&preview, &builds, "/nieuw/", |status, _| status == 200);
    assert!(added.body.contains("Een nieuwe pagina"), "{}", added.body);
    forget(&builds);
    std::fs::remove_file(preview.site.join("content/paginas/nieuw.md")).unwrap();
    let removed = after_change(&preview, &builds, "/nieuw/", |status, _| status == 404);
    assert!(!removed.body.contains("Een nieuwe pagina"));
}

#[test]
fn a_broken_file_shows_its_errors_until_it_is_fixed() {
    let preview = Preview::start();
    let builds = preview.builds();
    builds.recv_timeout(PATIENCE).unwrap();
    let good = preview.read(OFFER);

    forget(&builds);
    preview.write(
        OFFER,
        &good.replace("themas: [opvoeden]", "themas: [opvoedingen]"),
    );
    let broken = after_change(&preview, &builds, "/aanbod/opvoedspreekuur/", |_, body| {
        body.contains("themas: [opvoedingen]")
    });
    for page in ["/aanbod/opvoedspreekuur/", "/", "/over/"] {
        let (status, headers, body) = preview.get(page);
        assert_eq!(status, 500, "{page}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert!(
            body.contains("De sociale kaart kan niet worden bijgewerkt"),
            "{body}"
        );
        assert!(
            body.contains("<code>content/aanbod/opvoedspreekuur.md</code>"),
            "{body}"
        );
        let line = good.lines().position(|l| l.starts_with("themas:")).unwrap() + 1;
        assert!(body.contains(&format!("Regel {line}, kolom")), "{body}");
        assert!(
            body.contains("'opvoedingen' is geen bekend thema."),
            "{body}"
        );
        assert!(
            body.contains("themas: [opvoedingen]"),
            "the source line is shown: {body}"
        );
        assert!(
            broken.carries_a_new_build(&body),
            "the error page reloads itself"
        );
        assert!(
            !body.contains("<style") && !body.contains("style=\""),
            "no inline styles under the CSP"
        );
    }
    // Styles and scripts of the last good build still load.
    assert_eq!(preview.get("/__sociale-kaart/preview.css").0, 200);

    forget(&builds);
    preview.write(OFFER, &good);
    let fixed = after_change(
        &preview,
        &builds,
        "/aanbod/opvoedspreekuur/",
        |status, _| status == 200,
    );
    assert!(fixed.reloads_after_a_new_build(), "{}", fixed.body);
    assert!(!fixed.body.contains("kan niet worden bijgewerkt"));
}

#[test]
fn a_busy_port_is_explained() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_in(dir.path(), &["init", "kaart"]).code, 0);
    let run = run_in(&dir.path().join("kaart"), &["serve", "--port", &port]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(&format!("poort {port} is al in gebruik")),
        "{}",
        run.stderr
    );
}

#[test]
fn serve_needs_a_site() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["serve", "--port", "0"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("geen site.yaml"), "{}", run.stderr);
    assert!(!Path::new(&dir.path().join("public")).exists());
}

#[test]
fn the_complete_build_follows_a_content_change_in_the_background() {
    let preview = Preview::start();
    let builds = preview.builds();
    builds.recv_timeout(PATIENCE).unwrap();
    forget(&builds);
    preview.write(
        "content/paginas/nieuw.md",
        "---\ntitel: Een nieuwe pagina\n---\nHallo.\n",
    );
    after_change(&preview, &builds, "/nieuw/", |status, _| status == 200);
    // Files that are not pages (sitemap, search index, open data) come
    // with the complete build, which the preview announces in the terminal.
    wait_for(&preview.log.lock().unwrap(), |line| {
        line.contains("alle pagina's, de zoekindex en de open data bijgewerkt")
            .then_some(())
    });
    let (status, _, sitemap) = preview.get("/sitemap.xml");
    assert_eq!(status, 200);
    assert!(sitemap.contains("/nieuw/"), "{sitemap}");
}

#[test]
fn a_template_change_rebuilds_everything_and_a_broken_template_shows_its_error() {
    let preview = Preview::start();
    let builds = preview.builds();
    builds.recv_timeout(PATIENCE).unwrap();
    std::fs::create_dir_all(preview.site.join("templates")).unwrap();
    forget(&builds);
    preview.write(
        "templates/pagina.html",
        "<!doctype html><html lang=nl><title>{{ pagina.titel }}</title><h1>Eigen sjabloon: {{ pagina.titel }}</h1></html>",
    );
    let own = after_change(&preview, &builds, "/over/", |_, body| {
        body.contains("Eigen sjabloon")
    });
    assert_eq!(own.status, 200);
    assert!(
        own.body.contains("Eigen sjabloon: Over deze sociale kaart"),
        "{}",
        own.body
    );

    forget(&builds);
    preview.write("templates/pagina.html", "<h1>{{ pagina.titel </h1>");
    let broken = after_change(&preview, &builds, "/over/", |status, _| status == 500);
    assert!(
        broken.body.contains("<code>templates/pagina.html</code>"),
        "{}",
        broken.body
    );
    assert!(broken.reloads_after_a_new_build(), "{}", broken.body);

    forget(&builds);
    std::fs::remove_file(preview.site.join("templates/pagina.html")).unwrap();
    let restored = after_change(&preview, &builds, "/over/", |status, _| status == 200);
    assert!(
        !restored.body.contains("Eigen sjabloon"),
        "{}",
        restored.body
    );
}

#[test]
fn a_page_rendered_on_demand_equals_the_page_of_a_complete_build() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_in(dir.path(), &["init", "kaart"]).code, 0);
    let root = dir.path().join("kaart");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (site, _) = sociale_kaart::pipeline::load_site(&root, today);
    let site = site.expect("the new site is valid");
    let theme = sociale_kaart::render::Theme::load(&root, &site.config.thema).unwrap();
    let output = sociale_kaart::pipeline::render_with_theme(&site, &theme).unwrap();
    let mut pages = 0;
    // Embeds are exports, made with their own templates, not site pages.
    let site_pages = output
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".html") && !p.starts_with("embed/"));
    for (path, bytes) in site_pages {
        let page = sociale_kaart::render::render_page(&site, &theme, path).unwrap();
        assert_eq!(page.as_deref(), Some(bytes.as_slice()), "{path}");
        pages += 1;
    }
    assert!(pages > 10);
    assert_eq!(
        sociale_kaart::render::render_page(&site, &theme, "bestaat/niet/index.html").unwrap(),
        None
    );
    assert_eq!(
        sociale_kaart::render::render_page(&site, &theme, "css/site.css").unwrap(),
        None,
        "only pages"
    );
}
