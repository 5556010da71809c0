//! One build as the web server sees it. A complete build holds every file
//! in memory. After a change to content only, the preview does not wait
//! for that: it publishes the validated site at once and renders each page
//! when the browser asks for it, while the complete build is made in the
//! background. Files that are not pages (styles, scripts, data) come from
//! the last complete build until then.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use super::headers::HeaderRules;
use crate::diagnostics::Diagnostics;
use crate::model::Site;
use crate::render::{self, Output, Theme};

/// Every file of a build, and the headers its `_headers` file asks for.
#[derive(Clone, Default)]
pub struct Complete {
    pub output: Arc<Output>,
    pub headers: Arc<HeaderRules>,
}

impl Complete {
    pub fn new(output: Output) -> Self {
        let headers = output
            .files
            .get("_headers")
            .map(|bytes| HeaderRules::parse(&String::from_utf8_lossy(bytes)))
            .unwrap_or_default();
        Complete {
            output: Arc::new(output),
            headers: Arc::new(headers),
        }
    }
}

/// A page rendered on demand, or why it could not be.
type Rendered = Result<Option<Vec<u8>>, Diagnostics>;

pub struct Snapshot {
    /// Different for every build, also across restarts of `serve`.
    pub build_id: String,
    /// The page of diagnostics, while the build failed.
    pub error_page: Option<String>,
    /// The site folder, to quote source lines on an error page.
    pub root: PathBuf,
    /// The last complete build before this one.
    previous: Complete,
    /// This build, once complete.
    complete: OnceLock<Complete>,
    /// The validated site and theme, while pages are rendered on demand.
    source: Option<(Arc<Site>, Arc<Theme>)>,
    pages: Mutex<HashMap<String, Rendered>>,
}

impl Snapshot {
    fn new(build_id: String, root: PathBuf, previous: Complete) -> Self {
        Snapshot {
            build_id,
            error_page: None,
            root,
            previous,
            complete: OnceLock::new(),
            source: None,
            pages: Mutex::new(HashMap::new()),
        }
    }

    /// Before the first build.
    pub fn empty() -> Self {
        Snapshot::new(String::new(), PathBuf::new(), Complete::default())
    }

    pub fn complete(build_id: String, root: PathBuf, complete: Complete) -> Self {
        let snapshot = Snapshot::new(build_id, root, complete.clone());
        let _ = snapshot.complete.set(complete);
        snapshot
    }

    pub fn on_demand(
        build_id: String,
        root: PathBuf,
        previous: Complete,
        site: Arc<Site>,
        theme: Arc<Theme>,
    ) -> Self {
        Snapshot {
            source: Some((site, theme)),
            ..Snapshot::new(build_id, root, previous)
        }
    }

    pub fn broken(build_id: String, root: PathBuf, previous: Complete, error_page: String) -> Self {
        Snapshot {
            error_page: Some(error_page),
            ..Snapshot::new(build_id, root, previous)
        }
    }

    /// Marks the build complete; from now on every file comes from it.
    pub fn set_complete(&self, complete: Complete) {
        let _ = self.complete.set(complete);
        if let Ok(mut pages) = self.pages.lock() {
            pages.clear();
        }
    }

    /// The files to serve: this build's when complete, else the last
    /// complete one's.
    pub fn files(&self) -> &Complete {
        self.complete.get().unwrap_or(&self.previous)
    }

    /// True while pages of this build are rendered on demand.
    pub fn renders_on_demand(&self) -> bool {
        self.source.is_some() && self.complete.get().is_none()
    }

    /// Renders the page at output path `key`, once; `None` when the site
    /// has no such page. Blocks: call it off the async runtime.
    pub fn page(&self, key: &str) -> Rendered {
        if let Some(complete) = self.complete.get() {
            return Ok(complete.output.files.get(key).cloned());
        }
        let Some((site, theme)) = &self.source else {
            return Ok(self.previous.output.files.get(key).cloned());
        };
        if let Some(done) = self
            .pages
            .lock()
            .ok()
            .and_then(|pages| pages.get(key).cloned())
        {
            return done;
        }
        let rendered = render::render_page(site, theme, key);
        if let Ok(mut pages) = self.pages.lock() {
            pages.insert(key.to_string(), rendered.clone());
        }
        rendered
    }
}
