//! The wallet part of `cargo xtask demo`: the companion `zkevm` against the emulated device, checking before signing.

use std::path::{Path, PathBuf};
use std::process::Command;

use zkevm_tests::{stories, wallet::TEST_MNEMONIC, workspace_root};

/// The account the demo signs with (BIP-44, first address).
const PATH: &str = "m/44'/60'/0'/0/0";

fn hex(bytes: &[u8]) -> String {
    let mut s = String::from("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim().trim_start_matches("0x");
    if !s.len().is_multiple_of(2) {
        return Err(format!("odd hex length: {s}"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2).unwrap_or("zz"), 16).map_err(|e| e.to_string()))
        .collect()
}

/// Build the host companion (dev profile: the simulation runs on the device).
fn zkevm_binary() -> Result<PathBuf, String> {
    let root = workspace_root();
    println!("demo: building the companion `zkevm`");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["build", "-q", "-p", "zkevm-cli", "--bin", "zkevm"])
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("building zkevm failed ({status})"));
    }
    Ok(root.join("target").join("debug").join("zkevm"))
}

/// Run `zkevm --emulator --mnemonic … <args>`, show what it prints; its
/// success and standard output.
fn zkevm(bin: &Path, firmware: &Path, args: &[&str]) -> Result<(bool, String), String> {
    println!(
        "$ zkevm --emulator --mnemonic \"test … junk\" {}",
        args.join(" ")
    );
    let out = Command::new(bin)
        .env("ZKEVM_FIRMWARE", firmware)
        .args(["--emulator", "--mnemonic", TEST_MNEMONIC])
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    for line in stdout.lines() {
        println!("  {line}");
    }
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        // The progress spinner's redraws are not worth showing.
        if !line.trim().is_empty()
            && !line.contains('\r')
            && !line.trim_start().starts_with("Finished")
        {
            println!("  {line}");
        }
    }
    Ok((out.status.success(), stdout))
}

/// `zkevm sign-tx` of `story`'s transaction on its pre-state (written to
/// `dir/<name>.json`), answering the device's prompt with `answer`
/// (`--yes` or `--reject`).
fn sign_story(
    bin: &Path,
    firmware: &Path,
    dir: &Path,
    story: &stories::Story,
    answer: &str,
) -> Result<(bool, String), String> {
    let prestate = dir.join(format!("{}.json", story.name));
    std::fs::write(&prestate, &story.prestate).map_err(|e| e.to_string())?;
    let tx = hex(&story.tx);
    let file = prestate.display().to_string();
    zkevm(
        bin,
        firmware,
        &[
            "sign-tx",
            "--path",
            PATH,
            "--tx",
            &tx,
            "--prestate",
            &file,
            answer,
        ],
    )
}

/// The story of issue 13: the device's address; an ERC-20 transfer checked
/// on a proven pre-state and signed; a Safe upgrade flagged and rejected.
pub fn run(firmware: &Path) -> Result<(), String> {
    let bin = zkevm_binary()?;
    let (ok, out) = zkevm(&bin, firmware, &["address", "--path", PATH])?;
    let address_line = out.lines().last().unwrap_or_default();
    let address: [u8; 20] = unhex(address_line)?
        .try_into()
        .map_err(|_| format!("`zkevm address` printed no address: {out}"))?;
    if !ok {
        return Err("`zkevm address` failed".into());
    }
    let dir = workspace_root().join("target").join("demo");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;

    // An ERC-20 transfer with a witness: shown with its simulation, confirmed.
    let (ok, out) = sign_story(
        &bin,
        firmware,
        &dir,
        &stories::erc20_transfer_from(address)?,
        "--yes",
    )?;
    let signed = out
        .lines()
        .find_map(|l| l.strip_prefix("signed: "))
        .ok_or("the transfer was not signed")?;
    let signed = unhex(signed)?;
    let sender = wallet::SignedTransaction::decode(&signed)
        .and_then(|t| t.sender())
        .map_err(|e| format!("the signed transfer: {e}"))?;
    if !ok || sender != address {
        return Err("the transfer's signature does not recover to the device's address".into());
    }
    println!(
        "demo: the signed transfer recovers to {}, the device's address",
        address_line.trim()
    );

    // A Safe upgrade by DELEGATECALL: flagged, rejected, nothing signed.
    let (ok, out) = sign_story(
        &bin,
        firmware,
        &dir,
        &stories::safe_upgrade_by(address)?,
        "--reject",
    )?;
    if ok || out.contains("signature:") || !out.contains("WARNING") {
        return Err("the Safe upgrade was not flagged and refused".into());
    }
    println!("demo: the Safe upgrade was flagged and rejected: no signature");
    Ok(())
}
