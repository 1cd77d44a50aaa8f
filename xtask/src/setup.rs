//! `cargo xtask setup`: install QEMU and the 32-bit C toolchain, check the Rust targets (idempotent).

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

/// Install the Debian `package` with apt-get unless `present()` already holds.
fn ensure_debian_package(package: &str, present: fn() -> bool) -> Result<(), String> {
    if present() {
        return Ok(());
    }
    let install = format!("apt-get install -y --no-install-recommends {package}");
    if !is_root() {
        return Err(format!(
            "{package} is missing; install it with: sudo apt-get update && sudo {install}"
        ));
    }
    println!("setup: installing {package} with apt-get");
    run_checked("apt-get", &["update", "-q"])?;
    run_checked(
        "apt-get",
        &["install", "-y", "-q", "--no-install-recommends", package],
    )?;
    if present() {
        Ok(())
    } else {
        Err(format!("{package} still missing after installing it"))
    }
}

fn has_qemu() -> bool {
    succeeds("qemu-system-arm", &["--version"])
}

/// Whether the C toolchain can link 32-bit x86 programs (the i686 test run):
/// links a trivial program with `gcc -m32`, since without gcc-multilib gcc
/// still answers path queries with its 64-bit files.
fn has_32bit_gcc() -> bool {
    use std::io::Write;
    let out = std::env::temp_dir().join(format!("zkevm-m32-check-{}", std::process::id()));
    let child = Command::new("gcc")
        .args(["-m32", "-x", "c", "-", "-o"])
        .arg(&out)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    let wrote = child
        .stdin
        .take()
        .is_some_and(|mut stdin| stdin.write_all(b"int main(void) { return 0; }\n").is_ok());
    let linked = child.wait().is_ok_and(|status| status.success()) && wrote;
    let _ = std::fs::remove_file(&out);
    linked
}

/// The 32-bit host target the no_std crates' tests also run on, so that a
/// `usize` overflow shows up on the host (the devices are 32-bit).
pub const HOST_32BIT_TARGET: &str = "i686-unknown-linux-gnu";

fn ensure_32bit_target() -> Result<(), String> {
    if !has_prebuilt_std(HOST_32BIT_TARGET) {
        // rust-toolchain.toml lists it; an older rustup may not have added it.
        let _ = Command::new("rustup")
            .args(["target", "add", HOST_32BIT_TARGET])
            .current_dir(workspace_root())
            .status();
    }
    if has_prebuilt_std(HOST_32BIT_TARGET) {
        Ok(())
    } else {
        Err(format!(
            "no standard library for {HOST_32BIT_TARGET}; run `rustup target add {HOST_32BIT_TARGET}`"
        ))
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
    ensure_debian_package("qemu-system-arm", has_qemu)?;
    ensure_debian_package("gcc-multilib", has_32bit_gcc)?;
    ensure_targets()?;
    ensure_32bit_target()
}
