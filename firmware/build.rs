//! Picks the board's memory layout and the Cortex-M link scripts; records the build id.

use std::{env, fs, path::PathBuf};

fn main() {
    let board_memory = if env::var_os("CARGO_FEATURE_BOARD_NRF52840").is_some() {
        "memory-nrf52840.x"
    } else {
        "memory-mps2-an386.x"
    };
    println!("cargo:rerun-if-changed={board_memory}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FIRMWARE_BUILD_ID");

    let build_id = env::var("FIRMWARE_BUILD_ID").unwrap_or_else(|_| "dev".to_owned());
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo:rustc-env=FIRMWARE_BUILD_ID={version}+{build_id}");

    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
        if let Err(e) = fs::copy(board_memory, out.join("memory.x")) {
            println!("cargo:warning=cannot copy {board_memory}: {e}");
        }
        println!("cargo:rustc-link-search={}", out.display());
        println!("cargo:rustc-link-arg-bins=-Tlink.x");
        println!("cargo:rustc-link-arg-bins=-Tdefmt.x");
        println!("cargo:rustc-link-arg-bins=--nmagic");
    }
}
