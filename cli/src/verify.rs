//! `zkevm verify`: verification of a proof file written by `zkevm prove`, on the host or on the QEMU device.

use std::process::ExitCode;
use std::time::Instant;

use protocol::{Rejection, Reply, StarkSummary};

/// `zkevm verify` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The proof file written by `zkevm prove`.
    #[arg(value_name = "proof.bin")]
    pub file: String,
    /// Check it on the QEMU device (booted for the purpose) with `VerifyStark`.
    #[arg(long)]
    pub device: bool,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Runs `zkevm verify` on string arguments.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    match crate::args::parse::<Args>("verify", args)? {
        Ok(a) => run_args(a),
        Err(code) => Ok(code),
    }
}

/// Runs `zkevm verify`: `accepted` and a summary, or `rejected: <reason>` and exit code 1.
/// With `--device` the proof file is staged on the QEMU device (booted for the
/// purpose, see `zkevm_tests::Device::boot_default`) and checked there with
/// `VerifyStark`.
pub fn run_args(args: Args) -> Result<ExitCode, String> {
    let file = &args.file;
    let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    match args.device {
        false => Ok(on_host(&bytes)),
        true => {
            let reply = zkevm_tests::stark::verify_on_device(&bytes)?;
            device_answer(&reply)
        }
    }
}

fn on_host(bytes: &[u8]) -> ExitCode {
    let start = Instant::now();
    let result = verifier::Proof::from_bytes(bytes).and_then(|p| verifier::verify(&p).map(|()| p));
    let elapsed = start.elapsed();
    match result {
        Ok(p) => {
            let pi = &p.public;
            println!("accepted ({:.2} ms)", elapsed.as_secs_f64() * 1e3);
            println!(
                "code            {} bytes, keccak 0x{}",
                pi.code.len(),
                hex(&evm_core::keccak256(&pi.code))
            );
            println!("calldata        0x{}", hex(&pi.calldata));
            println!("caller          0x{}", hex(&pi.caller));
            println!("address         0x{}", hex(&pi.address));
            println!("value           0x{}", hex(&pi.value));
            println!("gas limit       {}", pi.gas_limit);
            println!("gas used        {}", pi.gas_used);
            println!("status          {:?}", pi.status);
            println!("return data     0x{}", hex(&pi.return_data));
            if let Some(bits) = verifier::verify::security_bits(&p.stark) {
                println!("security bits   {bits}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("rejected: {e}");
            ExitCode::from(1)
        }
    }
}

/// The lines printed for a device's acceptance.
pub fn device_summary(s: &StarkSummary) -> Vec<String> {
    vec![
        format!(
            "accepted on the device ({} instructions, heap peak {} B)",
            s.instructions, s.heap_peak
        ),
        format!(
            "code            {} bytes, keccak 0x{}",
            s.code_len,
            hex(&s.code_hash)
        ),
        format!(
            "calldata        {} bytes, keccak 0x{}",
            s.calldata_len,
            hex(&s.calldata_hash)
        ),
        format!("caller          0x{}", hex(&s.caller)),
        format!("address         0x{}", hex(&s.address)),
        format!("value           0x{}", hex(&s.value)),
        format!("gas limit       {}", s.gas_limit),
        format!("gas used        {}", s.gas_used),
        format!("status          {}", s.status.as_str()),
        format!("return data     {} bytes", s.return_len),
        format!("trace rows      {}", s.trace_rows),
        format!("stark bytes     {}", s.stark_bytes),
    ]
}

fn device_answer(reply: &Reply) -> Result<ExitCode, String> {
    match reply {
        Reply::StarkVerified(s) => {
            for line in device_summary(s) {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Reply::Rejected {
            kind: Rejection::InvalidStark(_),
            reason,
        } => {
            // The device sends the verifier's own reason: the host's words.
            println!("rejected: {reason}");
            Ok(ExitCode::from(1))
        }
        Reply::Rejected { kind, reason } => {
            println!("rejected: {kind} ({reason})");
            Ok(ExitCode::from(1))
        }
        other => Err(format!("the device answered {other:?}")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn parsed(v: &[&str]) -> Option<(String, bool)> {
        match crate::args::parse::<Args>("verify", &args(v)) {
            Ok(Ok(a)) => Some((a.file, a.device)),
            _ => None,
        }
    }

    #[test]
    fn verify_arguments() {
        assert_eq!(parsed(&["p.bin"]), Some(("p.bin".into(), false)));
        assert_eq!(parsed(&["p.bin", "--device"]), Some(("p.bin".into(), true)));
        assert_eq!(parsed(&["--device", "p.bin"]), Some(("p.bin".into(), true)));
        assert_eq!(parsed(&[]), None);
        assert_eq!(parsed(&["a", "b"]), None);
        assert_eq!(parsed(&["a", "--emulate"]), None);
    }

    /// QEMU: the same proof file accepted on host and device; a changed one
    /// rejected by both with the same reason.
    #[test]
    fn verify_on_the_device_agrees_with_the_host() {
        let (proof, _) =
            zkevm_tests::stark::prove(&zkevm_tests::stark::countdown(5), &[]).expect("prove");
        let dir = std::env::temp_dir().join(format!("zkevm-verify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.bin");
        let bytes = proof.to_bytes();
        std::fs::write(&good, &bytes).unwrap();
        let mut tampered = bytes.clone();
        let at = tampered.len() * 3 / 4;
        tampered[at] ^= 0x10;
        let bad = dir.join("bad.bin");
        std::fs::write(&bad, &tampered).unwrap();
        let good = good.to_str().unwrap();
        let bad = bad.to_str().unwrap();
        assert_eq!(run(&args(&[good])).unwrap(), ExitCode::SUCCESS);
        assert_eq!(run(&args(&[good, "--device"])).unwrap(), ExitCode::SUCCESS);
        assert_eq!(run(&args(&[bad])).unwrap(), ExitCode::from(1));
        assert_eq!(run(&args(&[bad, "--device"])).unwrap(), ExitCode::from(1));
        let host = verifier::Proof::from_bytes(&tampered)
            .and_then(|p| verifier::verify(&p))
            .expect_err("tampered");
        let device = zkevm_tests::stark::verify_on_device(&tampered).unwrap();
        match device {
            Reply::Rejected { reason, .. } => assert_eq!(reason, host.to_string()),
            other => panic!("{other:?}"),
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
