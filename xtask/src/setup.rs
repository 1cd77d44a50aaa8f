//! `cargo xtask setup`: install QEMU and check the thumb targets (idempotent).

use std::process::Command;

use zkevm_tests::cross::has_prebuilt_std;
use zkevm_tests::workspace_root;

/// The no_std targets the project builds for.
pub const THUMB_TARGETS: [&str; 3] = [
    "thumbv7em-none-eabihf",
    "thumbv6m-none-eabi",
    "thumbv8m.main-none-eabihf",
];

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn run_checked(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

fn ensure_qemu() -> Result<(), String> {
    if succeeds("qemu-system-arm", &["--version"]) {
        return Ok(());
    }
    let install = "apt-get install -y --no-install-recommends qemu-system-arm";
    if !is_root() {
        return Err(format!(
            "qemu-system-arm is missing; install it with: sudo apt-get update && sudo {install}"
        ));
    }
    println!("setup: installing qemu-system-arm with apt-get");
    run_checked("apt-get", &["update", "-q"])?;
    run_checked(
        "apt-get",
        &[
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            "qemu-system-arm",
        ],
    )?;
    if succeeds("qemu-system-arm", &["--version"]) {
        Ok(())
    } else {
        Err("qemu-system-arm still not runnable after installing it".to_owned())
    }
}

fn has_rust_src() -> bool {
    let Ok(out) = Command::new("rustc")
        .args(["--print", "sysroot"])
        .current_dir(workspace_root())
        .output()
    else {
        return false;
    };
    std::path::Path::new(String::from_utf8_lossy(&out.stdout).trim())
        .join("lib/rustlib/src/rust/library/core")
        .is_dir()
}

fn ensure_targets() -> Result<(), String> {
    let missing: Vec<&str> = THUMB_TARGETS
        .into_iter()
        .filter(|t| !has_prebuilt_std(t))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // rust-toolchain.toml asks rustup for these; a mirror may not carry them.
    let mut args = vec!["target", "add"];
    args.extend(&missing);
    let _ = Command::new("rustup")
        .args(&args)
        .current_dir(workspace_root())
        .output();
    let still_missing: Vec<&str> = missing
        .into_iter()
        .filter(|t| !has_prebuilt_std(t))
        .collect();
    if still_missing.is_empty() {
        return Ok(());
    }
    if !has_rust_src() {
        let _ = Command::new("rustup")
            .args(["component", "add", "rust-src"])
            .current_dir(workspace_root())
            .status();
    }
    if has_rust_src() {
        println!(
            "setup: no prebuilt std for {}; core/alloc are built from rust-src",
            still_missing.join(", ")
        );
        Ok(())
    } else {
        Err(format!(
            "no standard library for {} and no rust-src to build one; run `rustup component add rust-src`",
            still_missing.join(", ")
        ))
    }
}

/// Install or check everything; safe to run any number of times.
pub fn run() -> Result<(), String> {
    ensure_qemu()?;
    ensure_targets()
}
