//! `cargo xtask demo`: build the firmware, boot it in QEMU, show what it answers.

use protocol::Request;
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
    println!(
        "host → Info\ndevice ← {}",
        show(&device.call(&Request::Info)?)
    );

    let data = [0xa5u8; KECCAK_INPUT];
    let (instructions, digest) = device.measure_keccak(&data)?;
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    println!(
        "host → Measure keccak256({KECCAK_INPUT} bytes)\ndevice ← 0x{hex}\n  {instructions} instructions (-icount, exact to 40)"
    );

    let outcome = device.exit(0)?;
    println!("device log:");
    for line in &outcome.logs {
        println!("  {line}");
    }
    match outcome.exit_code {
        Some(0) => Ok(()),
        code => Err(format!("the device exited with {code:?}")),
    }
}
