//! `sociale-kaart serve`: a live preview for editors. The site is built into
//! memory and served on loopback; a file watcher rebuilds it on every change
//! and tells open pages over Server-Sent Events to reload. While the site
//! does not build, every page shows the Dutch diagnostics instead of a stale
//! page, and the page returns by itself once the file is fixed.
//!
//! The preview adds one external script (`/__sociale-kaart/reload.js`) to
//! each page; it is never inline, so the site's Content-Security-Policy from
//! the theme's `_headers` file applies to the preview as it does online.

mod headers;
mod rebuild;
mod snapshot;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use percent_encoding::percent_decode_str;
use tokio::sync::watch;

pub use snapshot::Snapshot;

/// The port `serve` listens on unless `--port` says otherwise (as Zola's).
pub const DEFAULT_PORT: u16 = 1111;

/// Paths of the preview itself; site URLs cannot start with an underscore.
const PREVIEW_PREFIX: &str = "/__sociale-kaart/";
const RELOAD_SCRIPT: &str = include_str!("reload.js");
const PREVIEW_STYLES: &str = include_str!("preview.css");
/// The tab icon of the error page: a red sign that the site does not build.
const ERROR_ICON: &str = include_str!("icon.svg");

pub struct ServeOptions {
    /// The site folder (with site.yaml).
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the preview in the default browser once it runs.
    pub open: bool,
}

/// Builds the site, serves it and rebuilds on changes until Ctrl+C.
pub fn serve(options: ServeOptions) -> Result<()> {
    let root = std::fs::canonicalize(&options.root)
        .with_context(|| format!("kan de map {} niet openen", options.root.display()))?;
    // Claim the port before the first build, so that a busy port is told at once.
    let address = SocketAddr::new(options.bind, options.port);
    let listener = std::net::TcpListener::bind(address).map_err(|err| {
        if err.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "poort {} is al in gebruik (draait de voorvertoning al?). Kies een andere poort, bijvoorbeeld: sociale-kaart serve --port {}",
                options.port,
                options.port.saturating_add(1)
            )
        } else {
            anyhow::Error::new(err).context(format!("kan niet luisteren op {address}"))
        }
    })?;
    listener
        .set_nonblocking(true)
        .context("kan de webserver niet starten")?;
    let url = format!(
        "http://{}/",
        listener
            .local_addr()
            .context("kan het adres van de webserver niet lezen")?
    );

    let (builds, _) = watch::channel(Arc::new(Snapshot::empty()));
    let builds = Arc::new(builds);
    rebuild::Rebuilder::new(root, builds.clone()).start()?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("kan de webserver niet starten")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).context("kan de webserver niet starten")?;
        eprintln!("De voorvertoning draait op {url}");
        eprintln!("Wijzigingen in site.yaml, content/, templates/ en themes/ zijn direct te zien. Stoppen: Ctrl+C.");
        if !options.bind.is_loopback() {
            eprintln!("Let op: de voorvertoning is ook bereikbaar voor andere computers in het netwerk.");
        }
        if options.open
            && let Err(err) = open::that_detached(&url)
        {
            eprintln!("Kan de browser niet openen ({err}); open {url} zelf.");
        }
        let server = axum::serve(listener, router(builds));
        tokio::select! {
            result = server => result.context("de webserver is gestopt"),
            _ = tokio::signal::ctrl_c() => {
                eprintln!("Voorvertoning gestopt.");
                Ok(())
            }
        }
    })
}

type Builds = Arc<watch::Sender<Arc<Snapshot>>>;

fn router(builds: Builds) -> Router {
    Router::new()
        .route("/__sociale-kaart/events", get(events))
        .route(
            "/__sociale-kaart/reload.js",
            get(|| async { asset("text/javascript; charset=utf-8", RELOAD_SCRIPT) }),
        )
        .route(
            "/__sociale-kaart/preview.css",
            get(|| async { asset("text/css; charset=utf-8", PREVIEW_STYLES) }),
        )
        .route(
            "/__sociale-kaart/icon.svg",
            get(|| async { asset("image/svg+xml", ERROR_ICON) }),
        )
        .fallback(site_file)
        .with_state(builds)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// One `build` event on connecting and one after every rebuild; its data is
/// the build id, which the page compares with the build it was served from.
async fn events(
    State(builds): State<Builds>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = builds.subscribe();
    let stream =
        futures_util::stream::unfold((receiver, true), |(mut receiver, first)| async move {
            if !first {
                receiver.changed().await.ok()?;
            }
            let id = receiver.borrow_and_update().build_id.clone();
            Some((
                Ok(Event::default().event("build").data(id)),
                (receiver, false),
            ))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn site_file(State(builds): State<Builds>, uri: Uri) -> Response {
    let snapshot = builds.borrow().clone();
    let raw = uri.path();
    let Some(key) = output_key(raw) else {
        return with_headers(
            &snapshot,
            "/",
            (StatusCode::BAD_REQUEST, "Ongeldig webadres.").into_response(),
        );
    };
    let is_page = is_page(&key);
    if is_page && let Some(page) = &snapshot.error_page {
        return with_headers(&snapshot, raw, error_response(page.clone()));
    }
    let response = match lookup(&snapshot, &key).await {
        Ok(Some(bytes)) => file_response(&snapshot, &key, &bytes, StatusCode::OK),
        Ok(None)
            if !raw.ends_with('/')
                && is_page
                && matches!(
                    lookup(&snapshot, &format!("{key}/index.html")).await,
                    Ok(Some(_))
                ) =>
        {
            let target = match uri.query() {
                Some(query) => format!("{raw}/?{query}"),
                None => format!("{raw}/"),
            };
            (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, target)]).into_response()
        }
        Ok(None) => match lookup(&snapshot, "404.html").await {
            Ok(Some(bytes)) => file_response(&snapshot, "404.html", &bytes, StatusCode::NOT_FOUND),
            _ => (StatusCode::NOT_FOUND, "Deze pagina bestaat niet.").into_response(),
        },
        // A page of a build in progress that does not render: its errors.
        Err(diagnostics) => error_response(rebuild::error_page(
            &snapshot.root,
            &diagnostics,
            &snapshot.build_id,
        )),
    };
    with_headers(&snapshot, raw, response)
}

/// Pages are what the preview renders on demand and replaces by the error
/// page; everything with another extension is a file.
fn is_page(key: &str) -> bool {
    key.ends_with(".html") || !key.rsplit('/').next().unwrap_or_default().contains('.')
}

/// A file of the snapshot; a page of a build in progress is rendered on
/// a blocking thread, away from the threads that answer requests.
async fn lookup(
    snapshot: &Arc<Snapshot>,
    key: &str,
) -> Result<Option<Vec<u8>>, crate::diagnostics::Diagnostics> {
    if is_page(key) && snapshot.renders_on_demand() {
        let (snapshot, key) = (snapshot.clone(), key.to_string());
        return tokio::task::spawn_blocking(move || snapshot.page(&key))
            .await
            .unwrap_or(Ok(None));
    }
    Ok(snapshot.files().output.files.get(key).cloned())
}

fn error_response(page: String) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, html_headers(), page).into_response()
}

/// The output file a request path asks for: `/aanbod/x/` is
/// `aanbod/x/index.html`. `None` for any path that tries to leave the site:
/// `..` or `.` segments, encoded slashes or backslashes, empty segments.
pub fn output_key(raw_path: &str) -> Option<String> {
    let rest = raw_path.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    let mut parts = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            if i == last {
                continue;
            }
            return None;
        }
        let decoded = percent_decode_str(segment).decode_utf8().ok()?;
        if decoded == "." || decoded == ".." || decoded.contains(['/', '\\', '\0']) {
            return None;
        }
        parts.push(decoded);
    }
    let mut key = parts.join("/");
    if raw_path.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

fn html_headers() -> [(HeaderName, &'static str); 1] {
    [(header::CONTENT_TYPE, "text/html; charset=utf-8")]
}

fn file_response(snapshot: &Snapshot, key: &str, bytes: &[u8], status: StatusCode) -> Response {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    if mime.essence_str() == "text/html" {
        let html = with_reload_script(bytes, &snapshot.build_id);
        return (status, html_headers(), html).into_response();
    }
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == mime_guess::mime::JAVASCRIPT
            || mime.subtype() == mime_guess::mime::JSON =>
        {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    };
    (
        status,
        [(header::CONTENT_TYPE, content_type)],
        bytes.to_vec(),
    )
        .into_response()
}

/// The page with the preview's reload script: before `</body>` when the
/// minifier kept it, else at the end, where HTML parsers put it in the body.
pub fn with_reload_script(html: &[u8], build_id: &str) -> Vec<u8> {
    let tag = reload_tag(build_id);
    let mut out = Vec::with_capacity(html.len() + tag.len());
    match html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
    {
        Some(at) => {
            out.extend_from_slice(&html[..at]);
            out.extend_from_slice(tag.as_bytes());
            out.extend_from_slice(&html[at..]);
        }
        None => {
            out.extend_from_slice(html);
            out.extend_from_slice(tag.as_bytes());
        }
    }
    out
}

pub(crate) fn reload_tag(build_id: &str) -> String {
    format!("<script src=\"{PREVIEW_PREFIX}reload.js\" data-build=\"{build_id}\" defer></script>")
}

/// Adds the headers the site asks for in `_headers`, and turns off caching:
/// a preview must always show the latest build.
fn with_headers(snapshot: &Snapshot, path: &str, mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in snapshot.files().headers.for_path(path) {
        headers.insert(name.clone(), value.clone());
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_output_files() {
        assert_eq!(output_key("/").as_deref(), Some("index.html"));
        assert_eq!(
            output_key("/aanbod/x/").as_deref(),
            Some("aanbod/x/index.html")
        );
        assert_eq!(output_key("/css/site.css").as_deref(), Some("css/site.css"));
        assert_eq!(
            output_key("/aanbod/caf%C3%A9/").as_deref(),
            Some("aanbod/café/index.html")
        );
    }

    #[test]
    fn paths_that_leave_the_site_are_refused() {
        for bad in [
            "/../site.yaml",
            "/aanbod/../../site.yaml",
            "/%2e%2e/site.yaml",
            "/%2E%2E%2Fsite.yaml",
            "/aanbod/%2e%2e%2f%2e%2e%2fsite.yaml",
            "/..%5c..%5csite.yaml",
            "//etc/passwd",
            "/./index.html",
            "/a%00b",
            "/%ff",
            "relative",
        ] {
            assert_eq!(output_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_reload_script_goes_before_the_body_end() {
        let html = with_reload_script(b"<p>a</body></html>", "7");
        assert_eq!(
            String::from_utf8(html).unwrap(),
            "<p>a<script src=\"/__sociale-kaart/reload.js\" data-build=\"7\" defer></script></body></html>"
        );
        let html = with_reload_script(b"<p>a", "7");
        assert!(
            String::from_utf8(html)
                .unwrap()
                .ends_with("defer></script>")
        );
    }
}
