//! `cargo xtask bench --stark` and the STARK section of `BENCHMARKS.md`: runs the `stark_bench` example, adds the verifier's `.text` in the firmware.

use std::path::Path;
use std::process::{Command, Stdio};

use zkevm_tests::workspace_root;

/// Trace sizes (log2 rows) of the full run, and the largest verified on the device.
const FULL: (&str, &str) = ("10,12,14,16,18", "16");
/// Those of `--quick`.
const QUICK: (&str, &str) = ("10,12", "12");

/// Demangled-name fragments of the code the STARK verification brings into
/// the firmware: winterfell, the verifier crate, Blake3, the request handler.
const VERIFIER_CODE: [&str; 5] = [
    "winter_",
    "verifier::",
    "blake3",
    "firmware::stark",
    "<verifier",
];

/// Bytes of the firmware's text symbols that belong to the STARK verifier
/// (`llvm-nm`; fat LTO inlines across crates, so this is the code under
/// those names, callees inlined into them included).
fn verifier_text_bytes(elf: &Path) -> Result<u64, String> {
    let out = Command::new("llvm-nm")
        .args(["--demangle", "--print-size", "--size-sort"])
        .arg(elf)
        .output()
        .map_err(|e| format!("llvm-nm: {e}"))?;
    if !out.status.success() {
        return Err(format!("llvm-nm failed on {}", elf.display()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut total = 0u64;
    for line in text.lines() {
        let mut parts = line.splitn(4, ' ');
        let (Some(_addr), Some(size), Some(kind), Some(name)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if !matches!(kind, "t" | "T") || !VERIFIER_CODE.iter().any(|f| name.contains(f)) {
            continue;
        }
        total += u64::from_str_radix(size, 16).unwrap_or(0);
    }
    Ok(total)
}

/// The STARK section (markdown): the example's tables, then the verifier's `.text`.
pub fn section(quick: bool) -> Result<String, String> {
    let root = workspace_root();
    let (sizes, device_max) = if quick { QUICK } else { FULL };
    eprintln!("xtask bench: STARK section (sizes 2^{{{sizes}}}, device up to 2^{device_max})");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["run", "--quiet", "--profile", "bench", "-p", "zkevm-tests"])
        .args(["--example", "stark_bench", "--"])
        .args(["--sizes", sizes, "--device-max", device_max])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run the stark_bench example: {e}"))?;
    if !out.status.success() {
        return Err(format!("the stark_bench example failed ({})", out.status));
    }
    let mut md = String::from("\n## STARK\n\n");
    md += &String::from_utf8_lossy(&out.stdout);
    let elf = root
        .join(zkevm_tests::cross::FIRMWARE_TARGET_DIR)
        .join(zkevm_tests::cross::FIRMWARE_TARGET)
        .join("release/firmware");
    md += &match verifier_text_bytes(&elf) {
        Ok(bytes) => format!(
            "\nVerifier `.text` in the QEMU firmware (opt-level 3, fat LTO): {bytes} bytes ({:.1} KiB), \
             the text symbols of winterfell, `verifier`, Blake3 and `firmware::stark` \
             (`llvm-nm --print-size` on `{}`).\n",
            bytes as f64 / 1024.0,
            elf.strip_prefix(&root).unwrap_or(&elf).display()
        ),
        Err(e) => format!("\nVerifier `.text`: not measured ({e}).\n"),
    };
    md += &format!(
        "\nCommand: `cargo xtask bench --stark{}` (this section alone).\n",
        if quick { " --quick" } else { "" }
    );
    Ok(md)
}

/// `cargo xtask bench --stark [--quick]`: the STARK section alone, printed
/// and written to `target/bench-stark/STARK.md`.
pub fn run(quick: bool) -> Result<(), String> {
    let md = section(quick)?;
    let dir = workspace_root().join("target").join("bench-stark");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let file = dir.join("STARK.md");
    std::fs::write(&file, &md).map_err(|e| format!("{}: {e}", file.display()))?;
    println!("{md}");
    eprintln!("xtask bench --stark: wrote {}", file.display());
    Ok(())
}
