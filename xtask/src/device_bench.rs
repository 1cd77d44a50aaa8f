//! The device section of `cargo xtask bench`: exact instruction counts under QEMU.

use protocol::limits::BENCH_SECRET_KEY;
use protocol::{ExecOutcome, Request, Routine};
use zkevm_tests::cross::build_firmware_with;
use zkevm_tests::{benchmarks, build_firmware, erc20, osaka, proofs, traces, Device, Reply};

/// Rounds of the CLZ loop (and of the same loop without CLZ).
const CLZ_ROUNDS: u16 = 1000;

/// A count with thousands separators.
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A recoverable signature of `digest` by the bench key, as ecrecover input.
fn ecrecover_input(device: &mut Device, digest: [u8; 32]) -> Result<Vec<u8>, String> {
    let (_, signature) = device.measure(Routine::Sign { digest })?;
    let recovery = *signature.get(64).ok_or("short signature")?;
    let mut input = vec![0u8; 128];
    input[..32].copy_from_slice(&digest);
    input[63] = 27 + recovery;
    input[64..].copy_from_slice(signature.get(..64).ok_or("short signature")?);
    Ok(input)
}

/// Measure everything on a fresh device; return the markdown section.
/// `quick` leaves out the EVM benchmarks.
pub fn section(quick: bool) -> Result<String, String> {
    let firmware = build_firmware()?;
    let mut device = Device::boot_with_limit(&firmware, std::time::Duration::from_secs(1800))?;
    let mut md = String::from(
        "## Device (QEMU mps2-an386, Cortex-M4F)\n\n\
         Exact instruction counts under `-icount shift=7` (the same on every run of one \
         firmware build; opt-level 3, fat LTO). Reproduce with `cargo xtask bench`.\n\n\
         | routine | instructions |\n|---|---:|\n",
    );
    let (keccak, _) = device.measure_keccak(&[0xa5; 136])?;
    md += &format!("| keccak256, 136 bytes | {} |\n", fmt_count(keccak));
    let digest = [0x5a; 32];
    let (sign, _) = device.measure(Routine::Sign { digest })?;
    md += &format!(
        "| secp256k1 ECDSA sign (k256, RFC 6979; public bench key {:02x}…) | {} |\n",
        BENCH_SECRET_KEY[0],
        fmt_count(sign)
    );
    let input = ecrecover_input(&mut device, digest)?;
    let (recover, _) = device.measure(Routine::EcRecover { input: &input })?;
    md += &format!("| ecrecover precompile (0x01) | {} |\n", fmt_count(recover));
    for (name, address, input) in zkevm_tests::bls::bench_inputs() {
        let (n, _) = device.measure(Routine::Bls12 {
            address,
            input: &input,
        })?;
        md += &format!("| {name} | {} |\n", fmt_count(n));
    }
    let p256 = osaka::p256_valid_input();
    let (n, out) = device.measure(Routine::P256Verify { input: &p256 })?;
    if Some(&out) != osaka::p256_host_output(&p256).as_ref() || out.last() != Some(&1) {
        return Err(format!("P256VERIFY: device answered {out:02x?}"));
    }
    md += &format!(
        "| P256VERIFY precompile (0x100), a valid signature | {} |\n",
        fmt_count(n)
    );
    let clz = osaka::clz_loop_counts(&mut device, CLZ_ROUNDS)?;
    md += &format!(
        "| CLZ loop, {} rounds (`DUP1 CLZ POP` + counter and `JUMPI`) | {} ({:.1} per round) |\n\
         | same loop without CLZ | {} (CLZ: {:.1} per instruction) |\n",
        clz.rounds,
        fmt_count(clz.with_clz),
        clz.per_round(),
        fmt_count(clz.without_clz),
        clz.per_clz()
    );
    let code = erc20::token_code()?;
    match device.execute(&erc20::transfer_query(&code, 250)?)? {
        Reply::Executed(s) => {
            md += &format!(
                "| ERC-20 `transfer` (gas {}) | {} |\n",
                s.gas_used,
                fmt_count(s.instructions.ok_or("ERC-20 transfer not measured")?)
            );
        }
        other => return Err(format!("ERC-20 transfer: {other:?}")),
    }
    if let Ok(cases) = proofs::eth_get_proof_cases() {
        for case in cases.iter().filter(|c| !c.storage.is_empty()).take(1) {
            match device.verify_proof(&case.query_bytes()?)? {
                Reply::ProofVerified(p) => {
                    md += &format!(
                        "| EIP-1186 account + storage proof ({} + {} nodes) | {} |\n",
                        case.account_proof.len(),
                        case.storage.first().map_or(0, |s| s.1.len()),
                        fmt_count(p.instructions)
                    );
                }
                other => return Err(format!("proof: {other:?}")),
            }
        }
    }
    md += &tracing(&mut device, quick)?;
    md += &crate::wallet_bench::section(&firmware)?;
    if !quick {
        md += &evm_benchmarks(&mut device)?;
    }
    match device.call(&Request::Info)? {
        Reply::Info {
            heap_size,
            heap_peak,
            stack_size,
            stack_peak,
            ..
        } => {
            md += &format!(
                "\nRAM after all of the above: heap peak {} B of {} B; stack peak {} B of {} B \
                 (painted-stack high-water mark).\n",
                fmt_count(heap_peak.into()),
                fmt_count(heap_size.into()),
                fmt_count(stack_peak.into()),
                fmt_count(stack_size.into())
            );
        }
        other => return Err(format!("info: {other:?}")),
    }
    device.exit(0)?;
    Ok(md)
}

/// Tracing on the device: rows encoded and committed while the EVM runs,
/// each trace checked equal to the host's.
fn tracing(device: &mut Device, quick: bool) -> Result<String, String> {
    let mut md = String::from(
        "\n### Tracing on the device\n\n\
         The same transaction untraced and with every row encoded (evm-trace's postcard rows) \
         and absorbed into the keccak256 trace commitment (`Execute { trace: Commit }`). Each \
         trace was also streamed to the host (`Stream`) and equals, byte for byte, the host's \
         trace of the same query.\n\n\
         | transaction | rows | bytes/row | instructions untraced | with rows + commitment | \
         instructions/row |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let code = erc20::token_code()?;
    let mut queries = vec![
        (
            "known-answer program".to_owned(),
            traces::known_answer_case().query_bytes()?,
        ),
        (
            "ERC-20 `transfer`".to_owned(),
            erc20::transfer_query(&code, 250)?,
        ),
    ];
    let wanted: &[&str] = if quick {
        &["swap_math/swap_math[London 2]"]
    } else {
        &[
            "swap_math/swap_math[London 2]",
            "jump_around/jump_around[London 0]",
            "blake2b_huff/blake2b_huff[London 0]",
            "sha1_shifts/sha1_shifts[London 0]",
        ]
    };
    for case in benchmarks::ipsilon_cases()? {
        if wanted.contains(&case.name.as_str()) {
            queries.push((case.name.clone(), case.query_bytes()?));
        }
    }
    let mut untraced = Vec::new();
    for (name, query) in &queries {
        let f = traces::check_on_device(device, query, name)?;
        md += &format!(
            "| {name} | {} | {:.1} | {} | {} | {:.0} |\n",
            fmt_count(f.digest.rows),
            f.bytes_per_row(),
            fmt_count(f.untraced),
            fmt_count(f.committed),
            f.per_row()
        );
        untraced.push(f.untraced);
    }
    if !quick {
        // A second firmware build (fat LTO, about a minute): full runs only.
        md += &hook_cost(&queries, &untraced)?;
    }
    Ok(md)
}

/// Tracing off costs nothing: the same untraced queries on a firmware whose
/// evm-core has its tracer hook sites compiled out (`no-trace-hooks`), next
/// to the counts of the normal firmware (`untraced`, same order as `queries`).
fn hook_cost(queries: &[(String, Vec<u8>)], untraced: &[u64]) -> Result<String, String> {
    let firmware =
        build_firmware_with(&["test-hooks", "no-trace-hooks"], "target/firmware-nohooks")?;
    let mut device = Device::boot_with_limit(&firmware, std::time::Duration::from_secs(600))?;
    let mut md = String::from(
        "\nTracing off costs nothing: the untraced runs above, on a firmware built with \
         evm-core's `no-trace-hooks` feature (the interpreter's hook sites compiled out), take \
         these instructions:\n\n\
         | transaction | with hook sites (`NoTracer`) | hook sites compiled out | difference |\n\
         |---|---:|---:|---:|\n",
    );
    for ((name, query), &with_hooks) in queries.iter().zip(untraced) {
        let without = match device.execute(query)? {
            Reply::Executed(s) => s.instructions.ok_or("untraced run not measured")?,
            other => return Err(format!("{name} without hooks: {other:?}")),
        };
        md += &format!(
            "| {name} | {} | {} | {} |\n",
            fmt_count(with_hooks),
            fmt_count(without),
            i128::from(with_hooks) - i128::from(without)
        );
    }
    device.exit(0)?;
    Ok(md)
}

/// The ipsilon benchmarks on the device, each checked against the host.
fn evm_benchmarks(device: &mut Device) -> Result<String, String> {
    let mut md = String::from(
        "\n### EVM benchmarks on the device\n\n\
         The ipsilon benchmarks with the device's buffer limits (`Limits::DEVICE`: 64 KiB \
         of EVM memory, 256 storage slots, …); each result equals the host's evm-core run \
         with the same limits.\n\n\
         | benchmark | status | gas | instructions | instructions / gas |\n|---|---|---:|---:|---:|\n",
    );
    for case in benchmarks::ipsilon_cases()? {
        let host = case.run_on_host();
        let reply = device.execute(&case.query_bytes()?)?;
        match (host, reply) {
            (Ok(host), Reply::Executed(s)) => {
                if (s.status, s.gas_used, s.output_hash)
                    != (host.status, host.gas_used, host.output_hash)
                {
                    return Err(format!("{}: device and host differ", case.name));
                }
                let status = match (s.status, &host.halt) {
                    (ExecOutcome::Halt, Some(halt)) => format!("halt: {halt}"),
                    (status, _) => status.as_str().to_owned(),
                };
                let instructions = s.instructions.ok_or("untraced run not measured")?;
                let per_gas = if s.status == ExecOutcome::Success && s.gas_used > 0 {
                    format!("{:.1}", instructions as f64 / s.gas_used as f64)
                } else {
                    "—".to_owned()
                };
                md += &format!(
                    "| {} | {status} | {} | {} | {per_gas} |\n",
                    case.name,
                    fmt_count(s.gas_used),
                    fmt_count(instructions)
                );
            }
            (Err(reason), Reply::Rejected { .. }) => {
                md += &format!("| {} | does not fit: {reason} | — | — | — |\n", case.name);
            }
            (host, device) => {
                return Err(format!("{}: host {host:?}, device {device:?}", case.name))
            }
        }
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(30_103), "30,103");
        assert_eq!(fmt_count(1_345_000_022), "1,345,000,022");
    }
}
