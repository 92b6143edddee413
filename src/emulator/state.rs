//! What the emulator holds while it runs: configuration, counters, random
//! choices, Translate's resources and the S3 folder.

use super::EmulatorConfig;
use super::faults::Faults;
use super::jobs::Job;
use super::objects::ObjectStore;
use super::parallel_data::ParallelData;
use super::stats::StatsRecorder;
use super::terminology::Terminology;
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock, RwLock};

/// State shared by the server, its requests and its background tasks.
#[derive(Debug)]
pub(crate) struct Shared {
    config: RwLock<EmulatorConfig>,
    faults: Mutex<Faults>,
    pub(crate) stats: StatsRecorder,
    resources: Mutex<Resources>,
    pub(crate) objects: ObjectStore,
    base_url: OnceLock<String>,
}

/// Translate's resources, by name (jobs by id).
#[derive(Debug, Default)]
pub(crate) struct Resources {
    pub(crate) terminologies: BTreeMap<String, Terminology>,
    pub(crate) parallel_data: BTreeMap<String, ParallelData>,
    pub(crate) jobs: BTreeMap<String, Job>,
    /// Jobs in the order they were submitted (ids).
    pub(crate) job_order: Vec<String>,
}

impl Shared {
    pub(crate) fn new(config: EmulatorConfig, data_dir: &Path) -> anyhow::Result<Self> {
        let s3_root = data_dir.join("s3");
        std::fs::create_dir_all(&s3_root)
            .with_context(|| format!("creating the emulator's S3 folder {}", s3_root.display()))?;
        Ok(Shared {
            faults: Mutex::new(Faults::new(&config)),
            config: RwLock::new(config),
            stats: StatsRecorder::default(),
            resources: Mutex::new(Resources::default()),
            objects: ObjectStore::new(s3_root),
            base_url: OnceLock::new(),
        })
    }

    /// Records the address the emulator serves, once it is bound.
    pub(crate) fn set_base_url(&self, url: String) {
        let _ = self.base_url.set(url);
    }

    /// The emulator's URL, for the download locations it hands out.
    pub(crate) fn base_url(&self) -> &str {
        self.base_url.get().map_or("http://127.0.0.1", String::as_str)
    }

    /// The configuration in force.
    pub(crate) fn config(&self) -> EmulatorConfig {
        self.config
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Replaces faults, latency and quotas; the data folder stays as it was.
    pub(crate) fn set_config(&self, mut config: EmulatorConfig) {
        let mut current = self.config.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        config.data_dir = current.data_dir.clone();
        self.faults().reconfigure(&current, &config);
        *current = config;
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn resources(&self) -> MutexGuard<'_, Resources> {
        self.resources.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The ARN of a Translate resource.
pub(crate) fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:translate:us-east-1:{}:{kind}/{name}", super::ACCOUNT_ID)
}
