//! Stage 5, write: puts the rendered output on disk so that a build that
//! fails leaves the published site exactly as it was.
//!
//! A first build writes every file into a fresh folder beside the output
//! folder and renames that folder into place. A rebuild compares each file
//! with the published file at the same path and stages only the files that
//! are new or differ; publishing renames those into place and removes the
//! files the site no longer has. An unchanged file is not touched: it keeps
//! its modification time, so `rsync` and web caches see only what changed,
//! and the file system does not delete and create again the thousands of
//! files of a large site (on ext4 that took most of a rebuild).

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::render::{self, Sink};

/// A fresh folder beside the target that new and changed files are written
/// into, and that goes into the target only on `publish`. Dropped without
/// publishing, it is removed and the target stays as it was.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// The target as it was, when it is updated file by file; `None` when
    /// the staging folder replaces it whole.
    previous: Option<Previous>,
    published: bool,
    /// The folders made so far, so that each is made once, before its
    /// first file: see `create`.
    folders: Mutex<HashSet<PathBuf>>,
    /// Every file of this build, and whether it was staged (new or
    /// changed) rather than found unchanged in the target.
    made: Mutex<HashMap<PathBuf, bool>>,
    bytes: AtomicUsize,
}

/// What the target held before this build.
struct Previous {
    files: HashSet<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Previous {
    /// The files and folders in `target`, or `None` when it is not a plain
    /// tree of folders and files (absent, unreadable, or holding a symbolic
    /// link, which updating in place would follow out of the site). Hidden
    /// entries at the top, such as the `.git` of a site published with git,
    /// are not the build's: they are left out, so publishing keeps them.
    fn inventory(target: &Path) -> Option<Previous> {
        if !std::fs::symlink_metadata(target).ok()?.is_dir() {
            return None;
        }
        let mut previous = Previous {
            files: HashSet::new(),
            folders: Vec::new(),
        };
        let entries = walkdir::WalkDir::new(target)
            .min_depth(1)
            .into_iter()
            .filter_entry(|entry| entry.depth() > 1 || !is_hidden(entry.file_name()));
        for entry in entries {
            let entry = entry.ok()?;
            let relative = entry.path().strip_prefix(target).ok()?.to_path_buf();
            let kind = entry.file_type();
            if kind.is_dir() {
                previous.folders.push(relative);
            } else if kind.is_file() {
                previous.files.insert(relative);
            } else {
                return None;
            }
        }
        Some(previous)
    }
}

/// What publishing changed in the target.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// Files that are new or differ from the ones they replaced.
    pub changed: usize,
    /// Files removed because the site no longer has them.
    pub removed: usize,
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
            previous: Previous::inventory(target),
            published: false,
            folders: Mutex::default(),
            made: Mutex::default(),
            bytes: AtomicUsize::new(0),
        })
    }

    /// Writes one file, making its folder when needed.
    pub fn write_file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.write_with(path, Some(bytes.len()), &mut |out| out.write_all(bytes))
    }

    /// Writes the file at `path` through `write`, comparing it with the
    /// published file of that path while they are equal. `len`, when known,
    /// spares reading a published file of another length.
    fn write_with(
        &self,
        path: &str,
        len: Option<usize>,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        let relative = checked_relative(path)?;
        let mut out = Comparing {
            staging: self,
            relative,
            published: self.published_file(relative, len),
            equal: 0,
            scratch: Vec::new(),
            new: None,
        };
        let staged = write(&mut out)
            .and_then(|()| out.finish())
            .with_context(|| format!("kan {} niet schrijven", self.dir.join(relative).display()))?;
        self.bytes.fetch_add(out.len() as usize, Ordering::Relaxed);
        if lock(&self.made)
            .insert(relative.to_path_buf(), staged)
            .is_some()
        {
            return Err(render::made_twice(path));
        }
        Ok(())
    }

    /// The published file at `relative` and its length, open for
    /// comparing, when there is one that could be equal.
    fn published_file(&self, relative: &Path, len: Option<usize>) -> Option<(File, u64)> {
        let previous = self.previous.as_ref()?;
        if !previous.files.contains(relative) {
            return None;
        }
        let file = File::open(self.target.join(relative)).ok()?;
        let published_len = file.metadata().ok()?.len();
        match len {
            Some(len) if published_len != len as u64 => None,
            _ => Some((file, published_len)),
        }
    }

    /// Creates a file in the staging folder, making its folder first if
    /// this staging has not made it yet. Creating a file in a folder that
    /// does not exist costs a failed lookup, and in a folder of thousands
    /// (`aanbod/`) that lookup waits for the parent's lock while another
    /// thread adds a page's folder to it: an offer's `agenda.ics` is
    /// often written before its page.
    fn create(&self, relative: &Path) -> Result<File> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent().filter(|p| *p != self.dir) {
            self.make_folder(parent)?;
        }
        Ok(File::create(&path)?)
    }

    fn make_folder(&self, dir: &Path) -> Result<()> {
        if lock(&self.folders).contains(dir) {
            return Ok(());
        }
        std::fs::create_dir_all(dir)
            .with_context(|| format!("kan de map {} niet maken", dir.display()))?;
        lock(&self.folders).insert(dir.to_path_buf());
        Ok(())
    }

    /// How many files, and how many bytes, this build has made so far.
    pub fn written(&self) -> (usize, usize) {
        (lock(&self.made).len(), self.bytes.load(Ordering::Relaxed))
    }

    /// Puts this build's files into the target.
    pub fn publish(mut self) -> Result<Published> {
        let made = std::mem::take(&mut *lock(&self.made));
        let published = match self.previous.take() {
            Some(previous) => {
                let published = self.update_in_place(&previous, &made)?;
                // What is left of the staging folder is empty folders.
                remove_tree(&self.dir);
                published
            }
            None => {
                self.replace_whole()?;
                Published {
                    changed: made.len(),
                    removed: 0,
                }
            }
        };
        self.published = true;
        Ok(published)
    }

    /// Swaps the staging folder in for the target.
    fn replace_whole(&self) -> Result<()> {
        let target = &self.target;
        let backup = self.dir.with_file_name(format!(
            ".sociale-kaart-oud-{}",
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        let had_target = std::fs::symlink_metadata(target).is_ok();
        if had_target {
            std::fs::rename(target, &backup)
                .with_context(|| format!("kan {} niet vervangen", target.display()))?;
        }
        if let Err(err) = std::fs::rename(&self.dir, target) {
            if had_target {
                let _ = std::fs::rename(&backup, target);
            }
            return Err(err).with_context(|| format!("kan {} niet vervangen", target.display()));
        }
        if had_target {
            remove_tree(&backup);
        }
        Ok(())
    }

    /// Removes the files the site no longer has, then renames each staged
    /// file over the one it replaces. Stale files go first, so that a file
    /// can take the place of a folder and the other way round.
    fn update_in_place(
        &self,
        previous: &Previous,
        made: &HashMap<PathBuf, bool>,
    ) -> Result<Published> {
        let stale: Vec<&PathBuf> = previous
            .files
            .iter()
            .filter(|path| !made.contains_key(*path))
            .collect();
        stale.par_iter().try_for_each(|path| {
            let path = self.target.join(path);
            std::fs::remove_file(&path)
                .with_context(|| format!("kan {} niet verwijderen", path.display()))
        })?;
        let needed: HashSet<&Path> = made
            .keys()
            .flat_map(|path| path.ancestors().skip(1))
            .collect();
        let mut emptied: Vec<&PathBuf> = previous
            .folders
            .iter()
            .filter(|folder| !needed.contains(folder.as_path()))
            .collect();
        emptied.sort_by_key(|folder| std::cmp::Reverse(folder.components().count()));
        for folder in emptied {
            // Only a folder that something else filled during the build is
            // not empty now: that is left alone.
            let _ = std::fs::remove_dir(self.target.join(folder));
        }
        let staged: Vec<&Path> = made
            .iter()
            .filter(|(_, staged)| **staged)
            .map(|(path, _)| path.as_path())
            .collect();
        let folders: HashSet<&Path> = staged.iter().filter_map(|path| path.parent()).collect();
        for folder in folders {
            let folder = self.target.join(folder);
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("kan de map {} niet maken", folder.display()))?;
        }
        staged.par_iter().try_for_each(|path| {
            let to = self.target.join(path);
            std::fs::rename(self.dir.join(path), &to)
                .with_context(|| format!("kan {} niet vervangen", to.display()))
        })?;
        Ok(Published {
            changed: staged.len(),
            removed: stale.len(),
        })
    }
}

/// A file on its way out. While everything written so far equals the start
/// of the published file at the same path, nothing is written; at the first
/// difference the file is created in the staging folder, beginning with the
/// equal part copied from the published file.
struct Comparing<'a> {
    staging: &'a Staging,
    relative: &'a Path,
    published: Option<(File, u64)>,
    /// How many bytes so far equal the published file.
    equal: u64,
    scratch: Vec<u8>,
    new: Option<(File, u64)>,
}

impl Comparing<'_> {
    /// Whether `buf` is what the published file holds next.
    fn continues_published(&mut self, buf: &[u8]) -> io::Result<bool> {
        let Some((published, published_len)) = self.published.as_mut() else {
            return Ok(false);
        };
        if self.equal + buf.len() as u64 > *published_len {
            return Ok(false);
        }
        self.scratch.resize(buf.len(), 0);
        match published.read_exact(&mut self.scratch) {
            Ok(()) => Ok(self.scratch == buf),
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
            Err(err) => Err(err),
        }
    }

    fn start_new_file(&mut self) -> io::Result<()> {
        let mut file = self
            .staging
            .create(self.relative)
            .map_err(io::Error::other)?;
        if self.equal > 0 {
            let (mut published, _) = self.published.take().expect("equal bytes came from it");
            published.seek(SeekFrom::Start(0))?;
            let copied = io::copy(&mut published.take(self.equal), &mut file)?;
            if copied != self.equal {
                return Err(io::Error::other(
                    "het gepubliceerde bestand veranderde tijdens het bouwen",
                ));
            }
        }
        self.published = None;
        self.new = Some((file, self.equal));
        Ok(())
    }

    /// Ends the file. Returns whether it was staged, rather than found
    /// equal to the published file.
    fn finish(&mut self) -> io::Result<bool> {
        if self.new.is_none() {
            if self
                .published
                .as_ref()
                .is_some_and(|(_, published_len)| *published_len == self.equal)
            {
                return Ok(false);
            }
            self.start_new_file()?;
        }
        Ok(true)
    }

    fn len(&self) -> u64 {
        self.new.as_ref().map_or(self.equal, |(_, len)| *len)
    }
}

impl Write for Comparing<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.new.is_none() {
            if self.continues_published(buf)? {
                self.equal += buf.len() as u64;
                return Ok(buf.len());
            }
            self.start_new_file()?;
        }
        let (file, len) = self.new.as_mut().expect("started above");
        let n = file.write(buf)?;
        *len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
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
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        self.write_with(&path, None, &mut |out| {
            let mut out = BufWriter::with_capacity(1 << 18, out);
            match write(&mut out) {
                Ok(()) => out.flush(),
                Err(err) => {
                    // What is still buffered belongs to a failed file.
                    drop(out.into_parts());
                    Err(err)
                }
            }
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            remove_tree(&self.dir);
        }
    }
}

/// Refuses a target that holds something other than a site built before:
/// publishing removes every file the site does not make, so `--output`
/// pointing at the wrong folder would lose that folder's files.
pub fn refuse_foreign(target: &Path) -> Result<()> {
    let foreign = match std::fs::read_dir(target) {
        Ok(mut entries) => {
            entries.any(|entry| entry.is_ok_and(|entry| !is_hidden(&entry.file_name())))
                && !target.join("sitemap.xml").is_file()
        }
        Err(err) => err.kind() != io::ErrorKind::NotFound,
    };
    if foreign {
        bail!(
            "{} bestaat al en is geen website die sociale-kaart heeft gemaakt (er staat geen \
             sitemap.xml in). Kies met --output een nieuwe of lege map, of maak deze map eerst \
             zelf leeg.",
            target.display()
        );
    }
    Ok(())
}

/// Whether a name starts with a dot. The build makes no such file.
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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

    /// Publishes `files` into `target` as one build.
    fn build_into(target: &Path, files: &[(&str, &str)]) -> Published {
        let staging = Staging::new(target).unwrap();
        for (path, text) in files {
            staging
                .put(path.to_string(), text.as_bytes().to_vec())
                .unwrap();
        }
        staging.publish().unwrap()
    }

    /// Every file under `dir`, with its text, in path order.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let relative = e.path().strip_prefix(dir).unwrap();
                let text = std::fs::read_to_string(e.path()).unwrap();
                (relative.to_string_lossy().into_owned(), text)
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_rebuild_replaces_what_changed_and_leaves_the_rest_untouched() {
        use std::os::unix::fs::MetadataExt;
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("public");
        let first = build_into(
            &target,
            &[
                ("index.html", "home"),
                ("aanbod/a/index.html", "a"),
                ("aanbod/b/index.html", "b"),
                ("aanbod/b/agenda.ics", "agenda b"),
                ("oud/index.html", "verdwijnt"),
                ("wordt-map", "een bestand"),
                ("wordt-bestand/index.html", "een map"),
            ],
        );
        assert_eq!(
            first,
            Published {
                changed: 7,
                removed: 0
            }
        );
        let inode = |path: &str| std::fs::metadata(target.join(path)).unwrap().ino();
        let unchanged = inode("aanbod/a/index.html");
        let changed = inode("aanbod/b/index.html");

        let second = build_into(
            &target,
            &[
                ("index.html", "home"),
                ("aanbod/a/index.html", "a"),
                ("aanbod/b/index.html", "b, nu anders"),
                ("aanbod/c/index.html", "c"),
                ("wordt-map/index.html", "nu een map"),
                ("wordt-bestand", "nu een bestand"),
            ],
        );
        assert_eq!(
            second,
            Published {
                changed: 4,
                removed: 4
            }
        );
        assert_eq!(
            tree(&target),
            [
                ("aanbod/a/index.html", "a"),
                ("aanbod/b/index.html", "b, nu anders"),
                ("aanbod/c/index.html", "c"),
                ("index.html", "home"),
                ("wordt-bestand", "nu een bestand"),
                ("wordt-map/index.html", "nu een map"),
            ]
            .map(|(p, t)| (p.to_string(), t.to_string()))
        );
        assert_eq!(
            inode("aanbod/a/index.html"),
            unchanged,
            "an unchanged file stays"
        );
        assert_ne!(
            inode("aanbod/b/index.html"),
            changed,
            "a changed file is replaced"
        );
        assert!(!target.join("oud").exists(), "an emptied folder goes");
        assert_eq!(
            std::fs::read_dir(parent.path()).unwrap().count(),
            1,
            "no staging folder left behind"
        );
        let third = build_into(
            &target,
            &tree(&target)
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(
            third,
            Published {
                changed: 0,
                removed: 0
            }
        );
    }

    #[test]
    fn hidden_entries_at_the_top_of_the_target_survive_a_rebuild() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("public");
        std::fs::create_dir_all(target.join(".git/objects")).unwrap();
        std::fs::write(target.join(".git/config"), "[core]").unwrap();
        std::fs::write(target.join(".nojekyll"), "").unwrap();
        build_into(
            &target,
            &[("index.html", "home"), ("aanbod/.verborgen", "x")],
        );
        build_into(&target, &[("index.html", "home, nieuw")]);
        assert_eq!(
            std::fs::read_to_string(target.join(".git/config")).unwrap(),
            "[core]"
        );
        assert!(
            target.join(".git/objects").is_dir(),
            "an empty hidden folder stays too"
        );
        assert!(target.join(".nojekyll").is_file());
        assert!(
            !target.join("aanbod").exists(),
            "only hidden entries at the top are kept"
        );
    }

    #[test]
    fn a_streamed_file_is_compared_with_the_published_one_piece_by_piece() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("public");
        let stream = |staging: &Staging, path: &str, pieces: &[&str]| {
            staging
                .stream(path.into(), &mut |out| {
                    for piece in pieces {
                        out.write_all(piece.as_bytes())?;
                    }
                    Ok(())
                })
                .unwrap()
        };
        let big = "x".repeat(300_000);
        let staging = Staging::new(&target).unwrap();
        for name in ["gelijk", "langer", "korter", "anders", "groot"] {
            stream(&staging, name, &["abc", "def", &big]);
        }
        staging.publish().unwrap();

        let staging = Staging::new(&target).unwrap();
        stream(&staging, "gelijk", &["ab", "cdef", &big]);
        stream(&staging, "langer", &["abc", "def", &big, "!"]);
        stream(&staging, "korter", &["abc", "def"]);
        stream(&staging, "anders", &["abc", "dXf", &big]);
        stream(&staging, "groot", &["abc", "def", &big[1..], "y"]);
        assert_eq!(
            staging.publish().unwrap(),
            Published {
                changed: 4,
                removed: 0
            }
        );
        let read = |name: &str| std::fs::read_to_string(target.join(name)).unwrap();
        assert_eq!(read("gelijk"), format!("abcdef{big}"));
        assert_eq!(read("langer"), format!("abcdef{big}!"));
        assert_eq!(read("korter"), "abcdef");
        assert_eq!(read("anders"), format!("abcdXf{big}"));
        assert_eq!(read("groot"), format!("abcdef{}y", &big[1..]));
    }

    #[test]
    fn a_published_site_with_a_symbolic_link_is_replaced_whole_not_followed() {
        let parent = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("index.html"), "buiten").unwrap();
        let target = parent.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::os::unix::fs::symlink(outside.path(), target.join("aanbod")).unwrap();
        let published = build_into(&target, &[("aanbod/index.html", "binnen")]);
        assert_eq!(
            published,
            Published {
                changed: 1,
                removed: 0
            }
        );
        assert_eq!(
            std::fs::read_to_string(outside.path().join("index.html")).unwrap(),
            "buiten"
        );
        assert!(
            !std::fs::symlink_metadata(target.join("aanbod"))
                .unwrap()
                .is_symlink()
        );
        assert_eq!(
            tree(&target),
            [("aanbod/index.html".into(), "binnen".into())]
        );
    }

    #[test]
    fn a_folder_that_is_not_an_earlier_build_is_not_taken_over() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("documenten");
        assert!(refuse_foreign(&target).is_ok(), "a new folder is fine");
        std::fs::create_dir(&target).unwrap();
        assert!(refuse_foreign(&target).is_ok(), "an empty folder is fine");
        std::fs::write(target.join("brief.txt"), "belangrijk").unwrap();
        let refused = refuse_foreign(&target).expect_err("a foreign folder is refused");
        assert!(
            format!("{refused:#}").contains("geen sitemap.xml"),
            "{refused:#}"
        );
        let file = parent.path().join("bestand");
        std::fs::write(&file, "ook belangrijk").unwrap();
        assert!(
            refuse_foreign(&file).is_err(),
            "a file is not a folder to build into"
        );
        std::fs::write(target.join("sitemap.xml"), "<urlset/>").unwrap();
        assert!(
            refuse_foreign(&target).is_ok(),
            "an earlier build is updated"
        );
        let repository = parent.path().join("pages");
        std::fs::create_dir_all(repository.join(".git")).unwrap();
        assert!(
            refuse_foreign(&repository).is_ok(),
            "a folder with only hidden entries is empty"
        );
    }

    #[test]
    fn a_path_made_twice_is_an_error_not_a_silent_overwrite() {
        let (_parent, _target, staging) = staging_in_tempdir();
        staging
            .put("aanbod/index.html".into(), b"pagina".to_vec())
            .unwrap();
        let twice = staging.put("aanbod/index.html".into(), b"thema".to_vec());
        let message = format!("{:#}", twice.unwrap_err());
        assert!(
            message.contains("hetzelfde pad aanbod/index.html"),
            "{message}"
        );
    }

    #[test]
    fn paths_outside_the_output_are_refused() {
        for bad in ["../x", "/etc/passwd", "a/../../b", ""] {
            assert!(checked_relative(bad).is_err(), "{bad}");
        }
        assert!(checked_relative("aanbod/x/index.html").is_ok());
    }
}
