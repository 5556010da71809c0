//! Stage 5, write: puts the rendered output on disk. Everything is written
//! into a fresh folder beside the output folder, which replaces it only when
//! all files were written: a failed build leaves the published site as it was.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::render::Output;

/// Replaces `target` with the contents of `output`.
pub fn publish(output: &Output, target: &Path) -> Result<()> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("kan de map {} niet maken", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".sociale-kaart-nieuw-")
        .tempdir_in(&parent)
        .with_context(|| format!("kan geen tijdelijke map maken in {}", parent.display()))?;
    write_all(output, staging.path())?;

    let staged = staging.keep();
    let backup = parent.join(format!(
        ".sociale-kaart-oud-{}",
        staged.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    ));
    let had_target = std::fs::symlink_metadata(target).is_ok();
    if had_target {
        std::fs::rename(target, &backup).with_context(|| {
            let _ = std::fs::remove_dir_all(&staged);
            format!("kan {} niet vervangen", target.display())
        })?;
    }
    if let Err(err) = std::fs::rename(&staged, target) {
        if had_target {
            let _ = std::fs::rename(&backup, target);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(err).with_context(|| format!("kan {} niet vervangen", target.display()));
    }
    if had_target {
        let _ = std::fs::remove_dir_all(&backup).or_else(|_| std::fs::remove_file(&backup));
    }
    Ok(())
}

/// Writes every file of `output` under `dir`.
pub fn write_all(output: &Output, dir: &Path) -> Result<()> {
    let mut folders = BTreeSet::new();
    for path in output.files.keys() {
        let rel = checked_relative(path)?;
        let mut parent = rel.parent();
        while let Some(p) = parent {
            if p.as_os_str().is_empty() || !folders.insert(p.to_path_buf()) {
                break;
            }
            parent = p.parent();
        }
    }
    for folder in &folders {
        let path = dir.join(folder);
        std::fs::create_dir_all(&path).with_context(|| format!("kan de map {} niet maken", path.display()))?;
    }
    output.files.par_iter().try_for_each(|(path, bytes)| {
        let path = dir.join(path);
        std::fs::write(&path, bytes).with_context(|| format!("kan {} niet schrijven", path.display()))
    })
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
    fn paths_outside_the_output_are_refused() {
        for bad in ["../x", "/etc/passwd", "a/../../b", ""] {
            assert!(checked_relative(bad).is_err(), "{bad}");
        }
        assert!(checked_relative("aanbod/x/index.html").is_ok());
    }
}
