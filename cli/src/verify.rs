//! `zkevm verify`: host verification of a proof file written by `zkevm prove`.

use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: zkevm verify proof.bin";

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Runs `zkevm verify`: `accepted` and a summary, or `rejected: <reason>` and exit code 1.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let [file] = args else {
        return Err(USAGE.to_string());
    };
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
