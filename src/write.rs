//! Stage 5, write: puts the rendered output on disk. Everything is written
//! into a fresh folder beside the output folder, which replaces it only when
//! all files were written: a failed build leaves the published site as it was.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::render::Sink;

/// A fresh folder beside the target that output is written into, part by
/// part, and that replaces the target only on `publish`. Dropped without
/// publishing, it is removed and the target stays as it was.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    published: bool,
    /// The folders made so far, so that each is made once, before its
    /// first file: see `create`.
    folders: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    bytes: AtomicUsize,
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("kan de map {} niet maken", parent.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(".sociale-kaart-nieuw-")
            .tempdir_in(&parent)
            .with_context(|| format!("kan geen tijdelijke map maken in {}", parent.display()))?
            .keep();
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            published: false,
            folders: Mutex::default(),
            files: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
        })
    }

    /// Writes one file into the staging folder, making its folder when needed.
    pub fn write_file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let (path, mut file) = self.create(path)?;
        file.write_all(bytes)
            .with_context(|| format!("kan {} niet schrijven", path.display()))?;
        self.count(bytes.len());
        Ok(())
    }

    /// Creates a file in the staging folder, making its folder first if
    /// this staging has not made it yet. Creating a file in a folder that
    /// does not exist costs a failed lookup, and in a folder of thousands
    /// (`aanbod/`) that lookup waits for the parent's lock while another
    /// thread adds a page's folder to it: an offer's `agenda.ics` is
    /// often written before its page.
    fn create(&self, path: &str) -> Result<(PathBuf, File)> {
        let path = self.dir.join(checked_relative(path)?);
        if let Some(parent) = path.parent().filter(|p| *p != self.dir) {
            self.make_folder(parent)?;
        }
        let file = File::create(&path)
            .with_context(|| format!("kan {} niet schrijven", path.display()))?;
        Ok((path, file))
    }

    fn make_folder(&self, dir: &Path) -> Result<()> {
        let folders = || self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        if folders().contains(dir) {
            return Ok(());
        }
        std::fs::create_dir_all(dir)
            .with_context(|| format!("kan de map {} niet maken", dir.display()))?;
        folders().insert(dir.to_path_buf());
        Ok(())
    }

    fn count(&self, bytes: usize) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// How many files, and how many bytes, have been written so far.
    pub fn written(&self) -> (usize, usize) {
        (
            self.files.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        )
    }

    /// Swaps the staging folder in for the target.
    pub fn publish(mut self) -> Result<()> {
        let target = self.target.clone();
        let backup = self.dir.with_file_name(format!(
            ".sociale-kaart-oud-{}",
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        let had_target = std::fs::symlink_metadata(&target).is_ok();
        if had_target {
            std::fs::rename(&target, &backup)
                .with_context(|| format!("kan {} niet vervangen", target.display()))?;
        }
        if let Err(err) = std::fs::rename(&self.dir, &target) {
            if had_target {
                let _ = std::fs::rename(&backup, &target);
            }
            return Err(err).with_context(|| format!("kan {} niet vervangen", target.display()));
        }
        self.published = true;
        if had_target {
            remove_tree(&backup);
        }
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        self.write_file(&path, &bytes)
    }

    fn stream(
        &self,
        path: String,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let (path, file) = self.create(&path)?;
        let streamed = (|| {
            let mut out = BufWriter::with_capacity(1 << 18, file);
            write(&mut out)?;
            let file = out
                .into_inner()
                .map_err(std::io::IntoInnerError::into_error)?;
            Ok::<_, std::io::Error>(file.metadata()?.len())
        })();
        let bytes = streamed.with_context(|| format!("kan {} niet schrijven", path.display()))?;
        self.count(bytes as usize);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            remove_tree(&self.dir);
        }
    }
}

/// Removes a folder, its files in parallel: a site has thousands of them.
fn remove_tree(dir: &Path) {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        let _ = std::fs::remove_file(dir);
        return;
    }
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(f);
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// Output paths come from validated slugs; this guard makes sure no path
/// can ever leave the output folder.
fn checked_relative(path: &str) -> Result<&Path> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("onveilig uitvoerpad geweigerd: {path}");
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unpublished_staging_folder_leaves_the_target_alone() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("oud.html"), "oud").unwrap();
        let staging = Staging::new(&target).unwrap();
        staging.write_file("nieuw/index.html", b"nieuw").unwrap();
        drop(staging);
        let names: Vec<_> = std::fs::read_dir(parent.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
        assert_eq!(
            std::fs::read_to_string(target.join("oud.html")).unwrap(),
            "oud"
        );

        let staging = Staging::new(&target).unwrap();
        staging.write_file("nieuw/index.html", b"nieuw").unwrap();
        staging.publish().unwrap();
        assert!(!target.join("oud.html").exists());
        assert_eq!(
            std::fs::read_to_string(target.join("nieuw/index.html")).unwrap(),
            "nieuw"
        );
        assert_eq!(
            std::fs::read_dir(parent.path()).unwrap().count(),
            1,
            "no backup left behind"
        );
    }

    /// A staging folder for `public/` in a fresh temporary folder.
    fn staging_in_tempdir() -> (tempfile::TempDir, PathBuf, Staging) {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("public");
        let staging = Staging::new(&target).unwrap();
        (parent, target, staging)
    }

    #[test]
    fn files_land_in_their_folders_however_deep_and_in_whatever_order() {
        let (_parent, target, staging) = staging_in_tempdir();
        let files = [
            "index.html",
            "aanbod/x/agenda.ics",
            "aanbod/x/index.html",
            "aanbod/y/index.html",
            "aanbod/index.html",
            "embed/themas/pesten/index.html",
            "embed/themas/pesten/fragment.html",
            "css/site.css",
        ];
        for (n, path) in files.iter().enumerate() {
            staging
                .put(path.to_string(), n.to_string().into_bytes())
                .unwrap();
        }
        // A file where a page's folder should be is reported, not overwritten.
        staging.put("bestand".into(), b"x".to_vec()).unwrap();
        let failed = staging.put("bestand/index.html".into(), b"y".to_vec());
        assert!(format!("{:#}", failed.unwrap_err()).contains("bestand"));
        assert_eq!(staging.written(), (files.len() + 1, files.len() + 1));
        staging.publish().unwrap();
        for (n, path) in files.iter().enumerate() {
            assert_eq!(
                std::fs::read_to_string(target.join(path)).unwrap(),
                n.to_string(),
                "{path}"
            );
        }
    }

    #[test]
    fn a_streamed_file_is_written_whole_and_counted() {
        let (parent, target, staging) = staging_in_tempdir();
        staging
            .stream("data/groot.json".into(), &mut |out| {
                for piece in ["[", "1,", "2", "]"] {
                    out.write_all(piece.as_bytes())?;
                }
                Ok(())
            })
            .unwrap();
        let failed = staging.stream("data/kapot.json".into(), &mut |out| {
            out.write_all(b"[")?;
            Err(std::io::Error::other("schijf vol"))
        });
        let message = format!("{:#}", failed.unwrap_err());
        assert!(
            message.contains("kapot.json") && message.contains("schijf vol"),
            "{message}"
        );
        assert!(
            staging
                .stream("../buiten.json".into(), &mut |_| Ok(()))
                .is_err()
        );
        assert_eq!(staging.written(), (1, 5));
        staging.publish().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("data/groot.json")).unwrap(),
            "[1,2]"
        );
        assert!(!parent.path().join("buiten.json").exists());
    }

    #[test]
    fn paths_outside_the_output_are_refused() {
        for bad in ["../x", "/etc/passwd", "a/../../b", ""] {
            assert!(checked_relative(bad).is_err(), "{bad}");
        }
        assert!(checked_relative("aanbod/x/index.html").is_ok());
    }
}
