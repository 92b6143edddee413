//! Interleaved timing, medians, and the programs a benchmark runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One run of a case: wall time and CPU time (the machine is shared, so
/// CPU time tells a slower run from a busier machine).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
}

impl std::ops::Add for Sample {
    type Output = Sample;

    fn add(self, other: Sample) -> Sample {
        Sample {
            wall: self.wall + other.wall,
            cpu: self.cpu + other.cpu,
        }
    }
}

/// CPU time of this process so far, every thread's, live or ended.
pub fn own_cpu() -> Duration {
    let mut time = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `time` is a valid timespec for clock_gettime to write.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut time) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    Duration::new(time.tv_sec as u64, time.tv_nsec as u32)
}

/// CPU time (user and system) of the children this process waited for.
fn children_cpu() -> Duration {
    // SAFETY: an all-zero rusage is valid, and getrusage only writes it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid rusage for getrusage to write.
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(status, 0, "getrusage(RUSAGE_CHILDREN)");
    let of = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    of(usage.ru_utime) + of(usage.ru_stime)
}

/// Runs `command` to completion: its wall time and CPU time.
pub fn sample_command(command: &mut Command) -> Sample {
    let cpu = children_cpu();
    let started = Instant::now();
    run_ok(command);
    Sample {
        wall: started.elapsed(),
        cpu: children_cpu().saturating_sub(cpu),
    }
}

/// Runs `command`, which measures itself and prints its wall and CPU
/// seconds on the last line of its stdout ([`print_sample`]).
pub fn reported_sample(command: &mut Command) -> Sample {
    let output = run_ok(command);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let figures: Vec<f64> = stdout
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    match figures[..] {
        [wall, cpu] => Sample {
            wall: Duration::from_secs_f64(wall),
            cpu: Duration::from_secs_f64(cpu),
        },
        _ => panic!("{command:?} printed no sample: {stdout}"),
    }
}

/// Measures `f` in this process and prints the sample for [`reported_sample`].
pub fn print_sample(f: impl FnOnce()) {
    let (cpu, started) = (own_cpu(), Instant::now());
    f();
    let (wall, cpu) = (started.elapsed(), own_cpu().saturating_sub(cpu));
    println!("{} {}", wall.as_secs_f64(), cpu.as_secs_f64());
}

/// One thing timed: a name and a closure that runs it once.
pub struct Case<'a> {
    pub name: String,
    pub run: Box<dyn FnMut() -> Sample + 'a>,
}

impl<'a> Case<'a> {
    pub fn new(name: impl Into<String>, run: impl FnMut() -> Sample + 'a) -> Case<'a> {
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
            samples[case].push((cases[case].run)());
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

    /// Prints a line per case (label, case) and a line per ratio (label,
    /// numerator, denominator, goal).
    pub fn print(&self, cases: &[(&str, &str)], ratios: &[(&str, &str, &str, &str)]) {
        for (label, case) in cases {
            println!("{}", self.line(label, case));
        }
        for (label, a, b, goal) in ratios {
            println!("{}", self.ratio_line(label, a, b, goal));
        }
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
