//! `cargo xtask fuzz`: install cargo-fuzz, build the libFuzzer targets, replay the committed regressions, then fuzz each target from its seeds.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use zkevm_tests::workspace_root;

/// Every target in `fuzz/fuzz_targets/`, in the order they run.
pub const TARGETS: [&str; 11] = [
    "service",
    "rlp",
    "proof",
    "witness",
    "trace_rows",
    "interpreter",
    "block_header",
    "stark_proof",
    "transaction",
    "typed_data",
    "stark_file",
];

/// Seconds per target when `--seconds` is not given.
pub const DEFAULT_SECONDS: u64 = 60;

/// Seconds per target in `cargo xtask test`.
pub const TEST_SECONDS: u64 = 10;

/// Longest input libFuzzer makes for a target (the service's inputs carry
/// staged queries, and STARK proofs are 5–16 KB, so they may be longer).
fn max_len(target: &str) -> u32 {
    match target {
        "service" => 16384,
        "stark_proof" => 32768,
        // Proof files of the EvmAir: 30-60 KB for short loop programs.
        "stark_file" => 131072,
        _ => 4096,
    }
}

/// Where everything the fuzzer writes goes (never into the repository).
const SCRATCH: &str = "target/fuzz";

/// What `cargo xtask fuzz` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Seconds of fuzzing per target.
    pub seconds: u64,
    /// The targets to run.
    pub targets: Vec<String>,
    /// `none` or `address`.
    pub sanitizer: String,
}

impl Options {
    /// Every target for `seconds` each, without a sanitizer.
    pub fn all(seconds: u64) -> Self {
        Self {
            seconds,
            targets: TARGETS.iter().map(|t| (*t).to_owned()).collect(),
            sanitizer: "none".to_owned(),
        }
    }

    /// Parse `[--seconds N] [--target NAME]… [--sanitizer none|address]`.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self::all(DEFAULT_SECONDS);
        let mut chosen = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match arg.as_str() {
                "--seconds" => {
                    let v = value("--seconds")?;
                    options.seconds = v
                        .parse()
                        .ok()
                        .filter(|s| *s > 0)
                        .ok_or_else(|| format!("--seconds {v}: not a positive number"))?;
                }
                "--target" => {
                    let v = value("--target")?;
                    if !TARGETS.contains(&v.as_str()) {
                        return Err(format!(
                            "unknown fuzz target `{v}` (targets: {})",
                            TARGETS.join(", ")
                        ));
                    }
                    chosen.push(v);
                }
                "--sanitizer" => {
                    let v = value("--sanitizer")?;
                    if v != "none" && v != "address" {
                        return Err(format!("--sanitizer {v}: use none or address"));
                    }
                    options.sanitizer = v;
                }
                other => return Err(format!("unknown fuzz option `{other}`")),
            }
        }
        if !chosen.is_empty() {
            options.targets = chosen;
        }
        Ok(options)
    }
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace_root());
    cmd
}

fn status(mut cmd: Command, what: &str) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Install cargo-fuzz from crates.io unless `cargo fuzz` already works.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let present = cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    println!("fuzz: installing cargo-fuzz (cargo install cargo-fuzz --locked)");
    let mut install = cargo();
    install.args(["install", "cargo-fuzz", "--locked"]);
    status(install, "cargo install cargo-fuzz")
}

/// The host triple (the fuzz binaries are built for it).
fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc")
        .current_dir(workspace_root())
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV printed no host".to_owned())
}

/// One build directory per sanitizer (they instrument differently).
fn build_dir(sanitizer: &str) -> String {
    match sanitizer {
        "none" => format!("{SCRATCH}/build"),
        other => format!("{SCRATCH}/build-{other}"),
    }
}

/// Build the targets: release with debug assertions and overflow checks, on
/// the stable toolchain (`RUSTC_BOOTSTRAP=1` for the `-Z` flags cargo-fuzz
/// passes, as the cross builds do).
fn build(options: &Options, triple: &str) -> Result<(), String> {
    let mut cmd = cargo();
    cmd.env("RUSTC_BOOTSTRAP", "1");
    cmd.args(["fuzz", "build", "--fuzz-dir", "fuzz", "-O", "-a"]);
    cmd.args(["--sanitizer", &options.sanitizer, "--target", triple]);
    cmd.args(["--target-dir", &build_dir(&options.sanitizer)]);
    if let [only] = options.targets.as_slice() {
        cmd.arg(only);
    }
    println!(
        "\n=== fuzz: building the targets (sanitizer {})",
        options.sanitizer
    );
    status(cmd, "cargo fuzz build")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The result of fuzzing one target.
struct Outcome {
    target: String,
    runs: Option<u64>,
    exec_per_sec: Option<u64>,
    /// The input that crashed it, copied to `fuzz/regressions/<target>/`.
    finding: Option<PathBuf>,
}

/// Whether a libFuzzer artifact is a failure (not a `slow-unit-*` note).
fn is_finding(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        ["crash-", "timeout-", "oom-", "leak-"]
            .iter()
            .any(|p| n.starts_with(p))
    })
}

/// `stat::name: value` from libFuzzer's `-print_final_stats=1`.
fn final_stat(log: &str, name: &str) -> Option<u64> {
    log.lines()
        .filter_map(|l| l.strip_prefix(&format!("stat::{name}:")))
        .filter_map(|v| v.trim().parse().ok())
        .next_back()
}

/// Replay every committed regression input of `target`; `Err` names the first
/// one that still crashes.
fn replay(target: &str, binary: &Path, root: &Path) -> Result<usize, String> {
    let inputs = files_in(&root.join("fuzz/regressions").join(target));
    if inputs.is_empty() {
        return Ok(0);
    }
    for input in &inputs {
        let out = Command::new(binary)
            .current_dir(root)
            .arg(input)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        if !out.status.success() {
            let log = String::from_utf8_lossy(&out.stderr);
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(format!(
                "regression {} still fails:\n{}",
                input.display(),
                tail.join("\n")
            ));
        }
    }
    Ok(inputs.len())
}

fn fuzz_one(target: &str, binary: &Path, seconds: u64, root: &Path) -> Result<Outcome, String> {
    let scratch = root.join(SCRATCH);
    let corpus = scratch.join("corpus").join(target);
    let artifacts = scratch.join("artifacts").join(target);
    let logs = scratch.join("logs");
    for dir in [&corpus, &artifacts, &logs] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    // The committed seeds start (or join) the scratch corpus.
    for seed in files_in(&root.join("fuzz/corpus").join(target)) {
        if let Some(name) = seed.file_name() {
            std::fs::copy(&seed, corpus.join(name))
                .map_err(|e| format!("{}: {e}", seed.display()))?;
        }
    }
    let before = files_in(&artifacts);
    let log_path = logs.join(format!("{target}.log"));
    let log_file =
        std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    println!(
        "\n=== fuzz: {target} for {seconds} s (log: {})",
        log_path.display()
    );
    let started = Instant::now();
    let status = Command::new(binary)
        .current_dir(root)
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(format!("-max_len={}", max_len(target)))
        .args(["-timeout=30", "-rss_limit_mb=2048", "-print_final_stats=1"])
        .arg(&corpus)
        .stdout(Stdio::null())
        .stderr(log_file)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let runs = final_stat(&log, "number_of_executed_units");
    let exec_per_sec = final_stat(&log, "average_exec_per_sec").or_else(|| {
        let secs = started.elapsed().as_secs().max(1);
        runs.map(|r| r / secs)
    });
    // Crashes, timeouts, out-of-memory and leaks are findings; libFuzzer's
    // `slow-unit-*` notes (inputs over 10 s, not failures) are not.
    let new: Vec<PathBuf> = files_in(&artifacts)
        .into_iter()
        .filter(|f| !before.contains(f) && is_finding(f))
        .collect();
    let finding = match (status.success(), new.first()) {
        (true, None) => None,
        (_, Some(found)) => {
            // Every crash becomes a regression input, replayed before each run.
            let dir = root.join("fuzz/regressions").join(target);
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let name = found.file_name().map(PathBuf::from).unwrap_or_default();
            let kept = dir.join(name);
            std::fs::copy(found, &kept).map_err(|e| format!("{}: {e}", kept.display()))?;
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            println!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            Some(kept)
        }
        (false, None) => {
            return Err(format!(
                "{target}: the fuzzer failed ({status}) without a crash file; see {}",
                log_path.display()
            ))
        }
    };
    Ok(Outcome {
        target: target.to_owned(),
        runs,
        exec_per_sec,
        finding,
    })
}

/// Run `cargo xtask fuzz` with `options`.
pub fn run(options: &Options) -> Result<(), String> {
    let root = workspace_root();
    ensure_cargo_fuzz()?;
    let triple = host_triple()?;
    build(options, &triple)?;
    let bin_dir = root
        .join(build_dir(&options.sanitizer))
        .join(&triple)
        .join("release");

    println!("\n=== fuzz: replaying fuzz/regressions/");
    for target in &options.targets {
        let n = replay(target, &bin_dir.join(target), &root)?;
        println!("{target}: {n} regression input(s) pass");
    }

    let mut outcomes = Vec::new();
    for target in &options.targets {
        outcomes.push(fuzz_one(
            target,
            &bin_dir.join(target),
            options.seconds,
            &root,
        )?);
    }

    println!(
        "\n=== fuzz summary ({} s per target, sanitizer {})",
        options.seconds, options.sanitizer
    );
    let show = |v: Option<u64>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
    let mut findings = Vec::new();
    for o in &outcomes {
        let verdict = match &o.finding {
            None => "no findings".to_owned(),
            Some(path) => {
                findings.push(o.target.clone());
                format!("CRASH, input kept as {}", path.display())
            }
        };
        println!(
            "{:<13} {:>10} runs {:>8} exec/s  {verdict}",
            o.target,
            show(o.runs),
            show(o.exec_per_sec)
        );
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crashes in {}: fix them and commit the inputs under fuzz/regressions/ (replayed by every run)",
            findings.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_options() {
        assert_eq!(Options::parse(&[]).unwrap(), Options::all(DEFAULT_SECONDS));
        let o = Options::parse(&args(&[
            "--seconds",
            "5",
            "--target",
            "rlp",
            "--sanitizer",
            "address",
        ]))
        .unwrap();
        assert_eq!(o.seconds, 5);
        assert_eq!(o.targets, ["rlp"]);
        assert_eq!(o.sanitizer, "address");
        assert!(Options::parse(&args(&["--target", "nope"])).is_err());
        assert!(Options::parse(&args(&["--seconds", "0"])).is_err());
        assert!(Options::parse(&args(&["--sanitizer", "memory"])).is_err());
        assert!(Options::parse(&args(&["--seconds"])).is_err());
    }

    #[test]
    fn reads_libfuzzer_final_stats() {
        let log = "#1024 DONE cov: 10\nstat::number_of_executed_units: 123456\nstat::average_exec_per_sec:     2057\n";
        assert_eq!(final_stat(log, "number_of_executed_units"), Some(123456));
        assert_eq!(final_stat(log, "average_exec_per_sec"), Some(2057));
        assert_eq!(final_stat(log, "peak_rss_mb"), None);
        assert!(is_finding(Path::new("a/crash-12ab")));
        assert!(is_finding(Path::new("timeout-12ab")));
        assert!(!is_finding(Path::new("a/slow-unit-12ab")));
    }

    #[test]
    fn every_target_has_a_source_file_and_seeds() {
        let root = workspace_root();
        for target in TARGETS {
            let source = root.join("fuzz/fuzz_targets").join(format!("{target}.rs"));
            assert!(source.is_file(), "{}", source.display());
            assert!(
                !files_in(&root.join("fuzz/corpus").join(target)).is_empty(),
                "no seeds for {target}"
            );
        }
    }
}
