//! `zkevm verify`: host verification of a proof file written by `zkevm prove`.

use std::process::ExitCode;
use std::time::Instant;

/// `zkevm verify` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The proof file written by `zkevm prove`.
    #[arg(value_name = "proof.bin")]
    pub file: String,
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
pub fn run_args(args: Args) -> Result<ExitCode, String> {
    let file = &args.file;
    let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    let start = Instant::now();
    let result = verifier::Proof::from_bytes(&bytes).and_then(|p| verifier::verify(&p).map(|()| p));
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
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("rejected: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
