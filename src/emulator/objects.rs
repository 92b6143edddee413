//! The emulator's side of S3: the folder that s3s-fs serves.
//!
//! s3s-fs keeps object `<bucket>/<key>` as the file `<root>/<bucket>/<key>`
//! (and its metadata in hidden files at the root, which are optional). Batch
//! jobs and parallel-data imports read and write that layout directly, with
//! the same write-then-rename that s3s-fs uses, so clients see their objects
//! through S3 as soon as they exist.

use super::error::{ErrorKind, ServiceError, ServiceResult};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A bucket and key, from an `s3://bucket/key` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct S3Location {
    pub(crate) bucket: String,
    pub(crate) key: String,
}

impl S3Location {
    /// Reads `s3://bucket/key`; the key may be empty (the bucket root).
    pub(crate) fn parse(uri: &str) -> Option<S3Location> {
        let rest = uri.strip_prefix("s3://")?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        (!bucket.is_empty()).then(|| S3Location {
            bucket: bucket.to_string(),
            key: key.to_string(),
        })
    }

    pub(crate) fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// Objects in the folder s3s-fs serves.
#[derive(Debug)]
pub(crate) struct ObjectStore {
    root: PathBuf,
    n_temp_files: AtomicU64,
}

impl ObjectStore {
    pub(crate) fn new(root: PathBuf) -> Self {
        ObjectStore {
            root,
            n_temp_files: AtomicU64::new(0),
        }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, bucket: &str, key: &str) -> ServiceResult<PathBuf> {
        let relative = Path::new(bucket).join(key);
        let safe = relative.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe || bucket.is_empty() || bucket.starts_with('.') {
            return Err(ServiceError::new(
                ErrorKind::InvalidRequest,
                format!("invalid S3 object {bucket}/{key}"),
            ));
        }
        Ok(self.root.join(relative))
    }

    pub(crate) fn bucket_exists(&self, bucket: &str) -> bool {
        !bucket.is_empty() && !bucket.starts_with('.') && self.root.join(bucket).is_dir()
    }

    /// The bytes of one object.
    pub(crate) fn read(&self, location: &S3Location) -> ServiceResult<Vec<u8>> {
        let path = self.path_of(&location.bucket, &location.key)?;
        std::fs::read(&path).map_err(|_| {
            ServiceError::new(
                ErrorKind::InvalidRequest,
                format!("cannot read the S3 object {}", location.uri()),
            )
        })
    }

    /// Writes one object, atomically.
    pub(crate) fn write(&self, location: &S3Location, bytes: &[u8]) -> std::io::Result<()> {
        let path = self
            .path_of(&location.bucket, &location.key)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.message))?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // The name s3s-fs gives its own temporary files, which it cleans up at start.
        let n = self.n_temp_files.fetch_add(1, Ordering::SeqCst);
        let temp = self
            .root
            .join(format!(".tmp.emulator-{}-{n}.internal.part", std::process::id()));
        std::fs::write(&temp, bytes)?;
        std::fs::rename(&temp, &path)
    }

    /// The keys under `prefix` in `bucket` (files only), sorted.
    pub(crate) fn list(&self, bucket: &str, prefix: &str) -> ServiceResult<Vec<String>> {
        let bucket_dir = self.path_of(bucket, "")?;
        let mut keys = Vec::new();
        let mut folders = vec![bucket_dir.clone()];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if let Ok(relative) = path.strip_prefix(&bucket_dir) {
                    let key = relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>();
                    let key = key.join("/");
                    if key.starts_with(prefix) {
                        keys.push(key);
                    }
                }
            }
        }
        keys.sort();
        Ok(keys)
    }
}
