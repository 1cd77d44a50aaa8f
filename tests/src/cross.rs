//! Cross-building for the thumb targets, with `core`/`alloc` from source where
//! the toolchain has no prebuilt `rust-std` for the target.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::Result;

/// Target directory of firmware builds, apart from the host build's.
pub const FIRMWARE_TARGET_DIR: &str = "target/firmware";

/// The QEMU board's target.
pub const FIRMWARE_TARGET: &str = "thumbv7em-none-eabihf";

/// The workspace root (the directory holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn rustc_sysroot() -> Option<PathBuf> {
    let out = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--print", "sysroot"])
        .current_dir(workspace_root())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Whether the active toolchain ships a prebuilt standard library for `target`.
pub fn has_prebuilt_std(target: &str) -> bool {
    rustc_sysroot().is_some_and(|root| root.join("lib/rustlib").join(target).join("lib").is_dir())
}

/// A `cargo` command for `target`: where no prebuilt `core` exists, it builds
/// `core` and `alloc` from the `rust-src` component (`-Zbuild-std`, enabled on
/// the stable toolchain with `RUSTC_BOOTSTRAP=1`, confined to this command).
pub fn cargo_for(target: &str, subcommand: &str) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace_root()).arg(subcommand);
    cmd.args(["--target", target]);
    if !has_prebuilt_std(target) {
        cmd.env("RUSTC_BOOTSTRAP", "1");
        cmd.args(["-Zbuild-std=core,alloc"]);
    }
    cmd
}

/// A built firmware image.
#[derive(Debug, Clone)]
pub struct Firmware {
    /// Path of the ELF file.
    pub elf: PathBuf,
}

fn build_id() -> String {
    Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(workspace_root())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map_or_else(
            || "unknown".to_owned(),
            |out| String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )
}

/// Build the QEMU firmware (release, with the test hooks) once per process,
/// in its own target directory so it never waits on the host build's lock.
pub fn build_firmware() -> Result<Firmware> {
    static BUILT: OnceLock<Result<Firmware>> = OnceLock::new();
    BUILT
        .get_or_init(|| build_firmware_with(&["test-hooks"], FIRMWARE_TARGET_DIR))
        .clone()
}

/// Build the firmware with the given features into `target_dir` (relative to
/// the workspace root).
pub fn build_firmware_with(features: &[&str], target_dir: &str) -> Result<Firmware> {
    let mut cmd = cargo_for(FIRMWARE_TARGET, "build");
    cmd.args([
        "--package",
        "firmware",
        "--release",
        "--target-dir",
        target_dir,
    ])
    .env("DEFMT_LOG", "info")
    .env("FIRMWARE_BUILD_ID", build_id());
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run cargo to build the firmware: {e}"))?;
    if !status.success() {
        return Err(format!("building the firmware failed ({status})"));
    }
    let elf = workspace_root()
        .join(target_dir)
        .join(FIRMWARE_TARGET)
        .join("release/firmware");
    if elf.is_file() {
        Ok(Firmware { elf })
    } else {
        Err(format!("firmware ELF missing at {}", elf.display()))
    }
}
