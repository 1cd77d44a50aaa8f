//! The state-test section of `cargo xtask bench`: whole-process `zkevm statetest` vs revm's `revme statetest`, one core, equal work.
//!
//! Both programs run the same files, one after the other, pinned to one core
//! (`taskset -c 0`, one worker thread each), [`REPS`] times alternating; the
//! figures are median wall times of the whole process (start-up, JSON
//! parsing, execution, checking). Equal work: the files are copies of the
//! fixtures keeping only the `post.<fork>` expectations of the fork measured
//! (revme runs every fork a file names), without the files revme's runner
//! skips ([`REVME_SKIP_FILES`]) or `zkevm statetest` skips ([`ZKEVM_SKIP_FILES`]).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

/// The revme release run: the newest on crates.io, built on revm 43.0.3
/// (the workspace's `revm`). Installed by [`ensure_revme`] under `target/tools`.
pub const REVME_VERSION: &str = "43.0.3";

/// Files revme 43.0.3's runner skips (`bins/revme/src/cmd/statetest/runner.rs`,
/// `skip_test`): storage checks of created accounts, malformed values, and the
/// four it calls too slow (`Call50000_sha256`, `static_Call50000_sha256`,
/// `loopMul`, `CALLBlake2f_MaxRounds`).
const REVME_SKIP_FILES: &[&str] = &[
    "RevertInCreateInInit_Paris.json",
    "RevertInCreateInInit.json",
    "dynamicAccountOverwriteEmpty.json",
    "dynamicAccountOverwriteEmpty_Paris.json",
    "RevertInCreateInInitCreate2Paris.json",
    "create2collisionStorage.json",
    "RevertInCreateInInitCreate2.json",
    "create2collisionStorageParis.json",
    "InitCollision.json",
    "InitCollisionParis.json",
    "test_init_collision_create_opcode.json",
    "ValueOverflow.json",
    "ValueOverflowParis.json",
    "Call50000_sha256.json",
    "static_Call50000_sha256.json",
    "loopMul.json",
    "CALLBlake2f_MaxRounds.json",
];

/// A directory revme 43.0.3's runner skips whole.
const REVME_SKIP_DIR: &str = "paris/eip7610_create_collision";

/// Files of tests `zkevm statetest` skips (its `SKIPS` in `cli/src/statetest.rs`).
const ZKEVM_SKIP_FILES: &[&str] = &["static_Call1MB1024Calldepth.json"];

/// Runs of each program per suite.
const REPS: usize = 3;

/// One suite compared: fixture directories and the fork whose expectations run.
struct Suite {
    label: &'static str,
    fork: &'static str,
    dirs: &'static [&'static str],
}

const SUITES: &[Suite] = &[
    Suite {
        label: "GeneralStateTests (ethereum-legacytests Cancun + ethereum-tests)",
        fork: "Cancun",
        dirs: &[
            "ethereum-legacytests/Cancun/GeneralStateTests",
            "ethereum-tests/GeneralStateTests",
        ],
    },
    Suite {
        label: "execution-spec tests, Cancun/Prague/Osaka EIPs (eest)",
        fork: "Osaka",
        dirs: &["eest/state_tests"],
    },
];

/// Whether revme's runner or `zkevm statetest` would skip `path`.
fn skipped(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    path.to_string_lossy().contains(REVME_SKIP_DIR)
        || REVME_SKIP_FILES.contains(&name)
        || ZKEVM_SKIP_FILES.contains(&name)
}

/// Every `.json` file under `dir`, sorted.
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    Ok(())
}

/// `text` (a state-test file) with only the `post.<fork>` expectations, and
/// how many cases those are; `None` when no test of it has any.
fn keep_fork(text: &str, fork: &str) -> Result<Option<(String, usize)>, String> {
    let mut file: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let tests = file.as_object_mut().ok_or("not an object")?;
    let mut cases = 0;
    tests.retain(|_, test| {
        let Some(post) = test.get_mut("post").and_then(Value::as_object_mut) else {
            return false;
        };
        post.retain(|f, _| f == fork);
        let n = post.get(fork).and_then(Value::as_array).map_or(0, Vec::len);
        cases += n;
        n > 0
    });
    if tests.is_empty() {
        return Ok(None);
    }
    let text = serde_json::to_string(&file).map_err(|e| e.to_string())?;
    Ok(Some((text, cases)))
}

/// Writes the suite's files, reduced to its fork, under `out`; returns (files, cases).
fn prepare(fixtures: &Path, suite: &Suite, out: &Path) -> Result<(usize, usize), String> {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let (mut files, mut cases) = (0, 0);
    for (i, dir) in suite.dirs.iter().enumerate() {
        let dir = fixtures.join(dir);
        let mut paths = Vec::new();
        json_files(&dir, &mut paths)?;
        for path in paths.iter().filter(|p| !skipped(p)) {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let Some((text, n)) =
                keep_fork(&text, suite.fork).map_err(|e| format!("{}: {e}", path.display()))?
            else {
                continue;
            };
            let rel = path.strip_prefix(&dir).map_err(|e| e.to_string())?;
            let dest = out.join(i.to_string()).join(rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&dest, text).map_err(|e| format!("{}: {e}", dest.display()))?;
            files += 1;
            cases += n;
        }
    }
    Ok((files, cases))
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// `target/tools/bin/revme`, installed from crates.io when missing.
fn ensure_revme(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target").join("tools");
    let revme = tools.join("bin").join("revme");
    if revme.exists() {
        return Ok(revme);
    }
    eprintln!(
        "xtask bench: installing revme {REVME_VERSION} into {}",
        tools.display()
    );
    let status = cargo()
        .args([
            "install",
            "revme",
            "--version",
            REVME_VERSION,
            "--locked",
            "--root",
        ])
        .arg(&tools)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() || !revme.exists() {
        return Err(format!(
            "cargo install revme {REVME_VERSION} failed ({status})"
        ));
    }
    Ok(revme)
}

/// The release `zkevm` binary, built.
fn build_zkevm(root: &Path) -> Result<PathBuf, String> {
    eprintln!("xtask bench: building zkevm (cargo build --release -p zkevm-cli --bin zkevm)");
    let status = cargo()
        .current_dir(root)
        .args(["build", "--release", "-p", "zkevm-cli", "--bin", "zkevm"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building zkevm failed ({status})"));
    }
    Ok(root.join("target").join("release").join("zkevm"))
}

/// One timed run pinned to core 0: seconds and the summary lines of its output.
fn timed(program: &Path, args: &[&str], dir: &Path) -> Result<(f64, String), String> {
    let start = Instant::now();
    let out = Command::new("taskset")
        .args(["-c", "0"])
        .arg(program)
        .args(args)
        .arg(dir)
        .env("ZKEVM_THREADS", "1")
        .output()
        .map_err(|e| format!("cannot run taskset {}: {e}", program.display()))?;
    let seconds = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // zkevm: `N passed, M failed, K skipped`; revme: `All tests passed!` or
    // `Encountered N errors out of M total tests`.
    let summary = stdout
        .lines()
        .filter(|l| {
            l.contains(" passed, ") || l.contains("All tests passed") || l.contains("Encountered ")
        })
        .collect::<Vec<_>>()
        .join("; ");
    Ok((seconds, summary))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Measures every suite; returns the markdown section.
pub fn section(root: &Path) -> Result<String, String> {
    let revme = ensure_revme(root)?;
    let zkevm = build_zkevm(root)?;
    let fixtures = zkevm_fixtures::dir();
    let mut md = format!(
        "## State tests (host, whole process): `zkevm statetest` vs `revme statetest`\n\n\
         Each program runs the same files as one process pinned to one core (`taskset -c 0`; \
         `ZKEVM_THREADS=1`, `revme statetest -s`): the fixture files reduced to the \
         expectations of one fork (`post.<fork>` only, as revme runs every fork a file \
         names), without the {} files revme {REVME_VERSION}'s runner skips (storage checks \
         of created accounts, malformed values, and the four it calls too slow: \
         `Call50000_sha256`, `static_Call50000_sha256`, `loopMul`, `CALLBlake2f_MaxRounds`) \
         and the one `zkevm statetest` skips (`static_Call1MB1024Calldepth`, 1 GiB of EVM \
         memory). `zkevm` is the release build (fat LTO); revme is `cargo install revme \
         --version {REVME_VERSION} --locked` (revm 43.0.3, its default features). Wall time \
         of the whole process (start-up, JSON parsing, execution, checks), median of {REPS} \
         runs alternating.\n\n\
         | suite | fork | files | cases | zkevm s | revme s | zkevm / revme |\n\
         |---|---|---:|---:|---:|---:|---:|\n",
        REVME_SKIP_FILES.len()
    );
    let mut notes = String::new();
    for (i, suite) in SUITES.iter().enumerate() {
        let dir = root
            .join("target")
            .join("statetest-bench")
            .join(i.to_string());
        let (files, cases) = prepare(&fixtures, suite, &dir)?;
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let (mut our_summary, mut their_summary) = (String::new(), String::new());
        for _ in 0..REPS {
            let (t, s) = timed(&zkevm, &["statetest", "--fork", suite.fork], &dir)?;
            eprintln!("xtask bench: {} zkevm {t:.2} s: {s}", suite.fork);
            ours.push(t);
            our_summary = s;
            let (t, s) = timed(
                &revme,
                &["statetest", "-s", "--keep-going", "--omit-progress"],
                &dir,
            )?;
            eprintln!("xtask bench: {} revme {t:.2} s: {s}", suite.fork);
            theirs.push(t);
            their_summary = s;
        }
        let (a, b) = (median(ours), median(theirs));
        md += &format!(
            "| {} | {} | {files} | {cases} | {a:.2} | {b:.2} | {:.2} |\n",
            suite.label,
            suite.fork,
            a / b
        );
        notes += &format!(
            "- {}: zkevm `{our_summary}`; revme `{their_summary}`\n",
            suite.label
        );
    }
    md += "\nWhat each reported:\n\n";
    md += &notes;
    md += "\n";
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_fork_measured_is_kept() {
        let text = r#"{"a": {"post": {"Cancun": [{}, {}], "Shanghai": [{}]}, "pre": {}},
                       "b": {"post": {"London": [{}]}}}"#;
        let (kept, cases) = keep_fork(text, "Cancun").unwrap().unwrap();
        assert_eq!(cases, 2);
        let v: Value = serde_json::from_str(&kept).unwrap();
        assert!(v.get("b").is_none());
        assert!(v["a"]["post"].get("Shanghai").is_none());
        assert!(keep_fork(text, "Osaka").unwrap().is_none());
    }

    #[test]
    fn revme_and_zkevm_skips_are_left_out() {
        assert!(skipped(Path::new(
            "x/stTimeConsuming/CALLBlake2f_MaxRounds.json"
        )));
        assert!(skipped(Path::new(
            "x/paris/eip7610_create_collision/a.json"
        )));
        assert!(skipped(Path::new("x/static_Call1MB1024Calldepth.json")));
        assert!(!skipped(Path::new("x/stExample/add11.json")));
    }
}
