//! `cargo xtask demo`: build the firmware, boot it in QEMU, show what it answers.

use protocol::{Request, TraceMode};
use zkevm_tests::{build_firmware, Device, Reply};

/// Bytes hashed for the instruction-count figure (one keccak-f block's rate).
const KECCAK_INPUT: usize = 136;

fn show(reply: &Reply) -> String {
    match reply {
        Reply::Pong { version } => format!("Pong (protocol v{version})"),
        Reply::Info {
            heap_size,
            heap_used,
            heap_peak,
            stack_size,
            stack_peak,
            build_id,
        } => format!(
            "firmware {build_id}\n  heap : {heap_used} B used, {heap_peak} B peak of {heap_size} B\n  stack: {stack_peak} B peak of {stack_size} B"
        ),
        other => format!("{other:?}"),
    }
}

/// Check a real `eth_getProof` response (account + storage slot) on the
/// device, against block 54's state root read from the chain file.
fn proof_demo(device: &mut Device) -> Result<(), String> {
    let cases = match zkevm_tests::proofs::eth_get_proof_cases() {
        Ok(cases) => cases,
        Err(e) => {
            println!("(skipping the proof demo: {e})");
            return Ok(());
        }
    };
    let Some(case) = cases.iter().find(|c| !c.storage.is_empty()) else {
        return Ok(());
    };
    let query = case.query_bytes()?;
    println!(
        "host → VerifyProof {} ({} bytes staged: {} account nodes, {} storage slot(s))",
        case.name,
        query.len(),
        case.account_proof.len(),
        case.storage.len()
    );
    match device.verify_proof(&query)? {
        Reply::ProofVerified(p) => {
            let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
            let trimmed = |b: &[u8]| {
                let s = hex(b);
                let t = s.trim_start_matches('0');
                if t.is_empty() {
                    "0".to_owned()
                } else {
                    t.to_owned()
                }
            };
            println!(
                "device ← proven under 0x{}…: nonce {}, balance 0x{}, storage root 0x{}…",
                &hex(&case.state_root)[..16],
                p.nonce,
                trimmed(&p.balance),
                &hex(&p.storage_root)[..16]
            );
            for (slot, value) in case.storage.iter().zip(&p.slots) {
                println!("  slot 0x{} = 0x{}", trimmed(&slot.0), trimmed(value));
            }
            println!("  {} instructions", p.instructions);
            Ok(())
        }
        other => Err(format!("the device did not verify the proof: {other:?}")),
    }
}

/// Simulate an ERC-20 `transfer` on the device's EVM and show its effects.
fn transfer_demo(device: &mut Device) -> Result<(), String> {
    use zkevm_tests::erc20;
    let amount = 250;
    let code = erc20::token_code()?;
    let query = erc20::transfer_query(&code, amount)?;
    println!(
        "host → Execute transfer(bob, {amount}) on a {}-byte token ({} bytes staged)",
        code.len(),
        query.len()
    );
    match device.execute(&query)? {
        Reply::Executed(s) => {
            let status = s.status.as_str();
            println!(
                "device ← {status}, gas used {}, {} log(s), {} storage write(s), returns 0x{}",
                s.gas_used,
                s.logs,
                s.writes.len(),
                s.output
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
                    .trim_start_matches('0')
            );
            if let Some(n) = s.instructions {
                println!("  {n} instructions");
            }
        }
        other => {
            return Err(format!(
                "the device did not execute the transfer: {other:?}"
            ))
        }
    }
    trace_demo(device, &query)
}

/// Run the transfer again with its trace streamed out, and check it on the host.
fn trace_demo(device: &mut Device, query: &[u8]) -> Result<(), String> {
    println!("host → Execute the same, trace: Stream");
    let (reply, rows) = device.execute_traced(query, TraceMode::Stream)?;
    let digest = match reply {
        Reply::Executed(s) => s.trace.ok_or("no trace digest")?,
        other => return Err(format!("the device did not trace the transfer: {other:?}")),
    };
    let hex: String = digest.hash.iter().map(|b| format!("{b:02x}")).collect();
    println!(
        "device ← {} rows, {} bytes streamed, commitment 0x{}…{}",
        digest.rows,
        digest.bytes,
        hex.get(..16).unwrap_or_default(),
        hex.get(56..).unwrap_or_default()
    );
    zkevm_tests::traces::check_rows(&rows, &digest)?;
    let (_, host_rows) = zkevm_tests::traces::execute_on_host(query, TraceMode::Stream)?;
    if host_rows != rows {
        return Err("the host's trace of the transfer differs from the device's".to_owned());
    }
    println!("  rows decode and commit to it; the host's trace is the same, byte for byte");
    Ok(())
}

/// Run the demo.
pub fn run() -> Result<(), String> {
    println!("demo: building the firmware for mps2-an386 (Cortex-M4F)");
    let firmware = build_firmware()?;
    println!("demo: booting {} in QEMU", firmware.elf.display());
    let mut device = Device::boot(&firmware)?;

    println!(
        "host → Ping\ndevice ← {}",
        show(&device.call(&Request::Ping)?)
    );

    let data = [0xa5u8; KECCAK_INPUT];
    let (instructions, digest) = device.measure_keccak(&data)?;
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    println!(
        "host → Measure keccak256({KECCAK_INPUT} bytes)\ndevice ← 0x{hex}\n  {instructions} instructions (exact, QEMU -icount)"
    );

    proof_demo(&mut device)?;
    transfer_demo(&mut device)?;
    println!(
        "host → Info\ndevice ← {}",
        show(&device.call(&Request::Info)?)
    );

    let outcome = device.exit(0)?;
    println!("device log:");
    for line in &outcome.logs {
        println!("  {line}");
    }
    match outcome.exit_code {
        Some(0) => {}
        code => return Err(format!("the device exited with {code:?}")),
    }
    // The wallet: the companion boots the same firmware for each command.
    crate::wallet_demo::run(&firmware.elf)
}
