//! Interleaved timing, medians, and the programs a benchmark runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One run of a case: wall time, and CPU time of this process's threads
/// and of the children it waited for (the machine is shared, so CPU time
/// tells a slower run from a busier machine).
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
}

/// CPU time so far: this process's live threads (nanoseconds, from
/// `/proc/self/task/*/schedstat`) and its waited-for children (clock ticks
/// of 10 ms, from `/proc/self/stat`).
fn cpu_now() -> Duration {
    let threads: u64 = std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .flatten()
                .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
                .filter_map(|stat| stat.split_whitespace().next().and_then(|ns| ns.parse::<u64>().ok()))
                .sum()
        })
        .unwrap_or(0);
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): state is field 3;
    // cutime and cstime are fields 16 and 17.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after_name
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let children_ticks = fields.get(12).copied().unwrap_or(0) + fields.get(13).copied().unwrap_or(0);
    Duration::from_nanos(threads) + Duration::from_millis(children_ticks * 10)
}

/// Runs `f` and measures it; `f` returns the wall time of the part that
/// counts (set-up before it is left out of the wall time, not of CPU time).
pub fn sample(f: impl FnOnce() -> Duration) -> Sample {
    let cpu = cpu_now();
    let wall = f();
    Sample {
        wall,
        cpu: cpu_now().saturating_sub(cpu),
    }
}

/// One thing timed: a name and a closure that runs it once.
pub struct Case<'a> {
    pub name: String,
    pub run: Box<dyn FnMut() -> Duration + 'a>,
}

impl<'a> Case<'a> {
    pub fn new(name: impl Into<String>, run: impl FnMut() -> Duration + 'a) -> Case<'a> {
        Case {
            name: name.into(),
            run: Box::new(run),
        }
    }
}

/// The samples of each case, by round.
pub struct Timings {
    pub names: Vec<String>,
    /// `samples[case][round]`.
    pub samples: Vec<Vec<Sample>>,
}

/// Runs every case once as a warm-up, then `rounds` rounds of every case,
/// interleaved: round r starts at case r (mod the number of cases), so no
/// case always runs first after a pause.
pub fn interleaved(mut cases: Vec<Case<'_>>, rounds: usize) -> Timings {
    for case in &mut cases {
        (case.run)();
    }
    let n = cases.len();
    let mut samples = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for i in 0..n {
            let case = (round + i) % n;
            samples[case].push(sample(&mut cases[case].run));
        }
        eprintln!("  round {}/{rounds}", round + 1);
    }
    Timings {
        names: cases.into_iter().map(|c| c.name).collect(),
        samples,
    }
}

pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

impl Timings {
    fn walls(&self, name: &str) -> Vec<f64> {
        let index = self.names.iter().position(|n| n == name).expect("a case of this run");
        self.samples[index].iter().map(|s| s.wall.as_secs_f64()).collect()
    }

    fn cpus(&self, name: &str) -> Vec<f64> {
        let index = self.names.iter().position(|n| n == name).expect("a case of this run");
        self.samples[index].iter().map(|s| s.cpu.as_secs_f64()).collect()
    }

    /// The median wall time of a case, in seconds.
    pub fn median(&self, name: &str) -> f64 {
        median(&self.walls(name))
    }

    /// The median of the per-round ratios of wall times `a / b` (each
    /// round's pair ran back to back, so the machine's load changes less
    /// between them).
    pub fn ratio(&self, a: &str, b: &str) -> f64 {
        let ratios: Vec<f64> = self.walls(a).iter().zip(self.walls(b)).map(|(a, b)| a / b).collect();
        median(&ratios)
    }

    /// The same for CPU times.
    pub fn cpu_ratio(&self, a: &str, b: &str) -> f64 {
        let ratios: Vec<f64> = self.cpus(a).iter().zip(self.cpus(b)).map(|(a, b)| a / b).collect();
        median(&ratios)
    }

    /// One line: the median wall time of `name`, its range, and its median CPU time.
    pub fn line(&self, label: &str, name: &str) -> String {
        let walls = self.walls(name);
        let min = walls.iter().copied().fold(f64::INFINITY, f64::min);
        let max = walls.iter().copied().fold(0.0, f64::max);
        format!(
            "  {label:<46} {:>9}  ({} – {}; CPU {})",
            ms(median(&walls)),
            ms(min),
            ms(max),
            ms(median(&self.cpus(name)))
        )
    }

    /// One line: the ratio of wall times, of CPU times, and the goal.
    pub fn ratio_line(&self, label: &str, a: &str, b: &str, goal: &str) -> String {
        format!(
            "  {label:<46} {:>9.3}  (CPU {:.3}){goal}",
            self.ratio(a, b),
            self.cpu_ratio(a, b)
        )
    }
}

/// Seconds as milliseconds, or seconds above 10 s.
pub fn ms(seconds: f64) -> String {
    if seconds >= 10.0 {
        format!("{seconds:.2} s")
    } else {
        format!("{:.1} ms", seconds * 1e3)
    }
}

/// Runs `command` to completion; panics with its stderr when it fails.
pub fn run_ok(command: &mut Command) -> Output {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The time `command` takes to run to completion.
pub fn time(command: &mut Command) -> Duration {
    let started = Instant::now();
    run_ok(command);
    started.elapsed()
}

/// A command with no `MDBOOK_*` variable of the caller's environment.
pub fn clean_command(program: &Path) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("MDBOOK_") {
            command.env_remove(name);
        }
    }
    command
}

/// The release binary of this crate, next to the example's folder.
pub fn translate_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the example's path");
    // target/<profile>/examples/bench → target/<profile>/mdbook-translate
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .join("mdbook-translate");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build --release` first",
        binary.display()
    );
    binary
}

/// A program found in `$<variable>/bin`, `~/.cache/mdbook-translate/<folder>/bin`
/// (where `.ci/run` installs it), or on the PATH.
fn find_program(name: &str, variable: &str, folder: &str) -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    std::env::var_os(variable)
        .map(|root| PathBuf::from(root).join("bin"))
        .into_iter()
        .chain(home.map(|home| home.join(".cache/mdbook-translate").join(folder).join("bin")))
        .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()))
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// mdBook 0.5.4, or why there is none.
pub fn mdbook_binary() -> Result<PathBuf, String> {
    let found = std::env::var_os("MDBOOK_TRANSLATE_MDBOOK")
        .map(PathBuf::from)
        .or_else(|| find_program("mdbook", "MDBOOK_TRANSLATE_MDBOOK_ROOT", "mdbook-0.5.4"))
        .ok_or("mdBook is not installed: cargo install mdbook@0.5.4 --locked --root ~/.cache/mdbook-translate/mdbook-0.5.4")?;
    let version = run_ok(Command::new(&found).arg("--version")).stdout;
    let version = String::from_utf8_lossy(&version).trim().to_string();
    if version != "mdbook v0.5.4" {
        return Err(format!("{} is {version}, not mdBook 0.5.4", found.display()));
    }
    Ok(found)
}

/// The folder of mdbook-i18n-helpers 0.4.0's programs, or why there is none.
pub fn i18n_helpers_folder() -> Result<PathBuf, String> {
    find_program("mdbook-gettext", "MDBOOK_TRANSLATE_I18N_HELPERS", "tools")
        .and_then(|path| path.parent().map(Path::to_path_buf))
        .ok_or_else(|| {
            "mdbook-i18n-helpers is not installed: cargo install mdbook-i18n-helpers@0.4.0 --locked \
             --root ~/.cache/mdbook-translate/tools"
                .to_string()
        })
}

/// `PATH` with `folders` first.
pub fn path_with(folders: &[&Path]) -> std::ffi::OsString {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(
        folders
            .iter()
            .map(|f| f.to_path_buf())
            .chain(std::env::split_paths(&rest)),
    )
    .expect("a PATH")
}
