//! `zkevm prove`: STARK proof of one state-test case's depth-0 execution, or the AIR's opcode coverage.
//!
//! `zkevm prove <statetest.json> [--index d:g:v] -o proof.bin` runs the first
//! Cancun case of the file (or the one with the given indexes) with evm-core,
//! builds the trace, proves it and writes the proof file (public inputs
//! included). `zkevm prove --coverage` lists the opcodes the AIR constrains.

use std::path::Path;
use std::process::ExitCode;

use crate::statetest::for_each_case;
use crate::trace::parse_index;

const USAGE: &str =
    "usage: zkevm prove <statetest.json> [--index d:g:v] -o proof.bin | zkevm prove --coverage";

fn coverage() -> ExitCode {
    let defined: Vec<u8> = (0..=255u8)
        .filter(|op| evm_core::opcode::OPCODES[usize::from(*op)].defined)
        .collect();
    let constrained: Vec<&str> = defined
        .iter()
        .filter_map(|op| verifier::opcodes::mnemonic(*op))
        .collect();
    println!(
        "constrained opcodes: {} of {}",
        constrained.len(),
        defined.len()
    );
    println!("{}", constrained.join(" "));
    ExitCode::SUCCESS
}

/// Runs `zkevm prove`.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut file = None;
    let mut index = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--coverage" => return Ok(coverage()),
            "--index" => index = Some(parse_index(it.next().ok_or(USAGE)?)?),
            "-o" => out = Some(it.next().ok_or(USAGE)?.clone()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            f if file.is_none() && !f.starts_with('-') => file = Some(f.to_string()),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    let file = file.ok_or(USAGE)?;
    let out = out.ok_or(USAGE)?;
    let mut outcome: Option<Result<(), String>> = None;
    for_each_case(Path::new(&file), index, |info, pre, block, tx| {
        if outcome.is_some() {
            return;
        }
        eprintln!(
            "proving {} [d={} g={} v={}] …",
            info.test, info.index[0], info.index[1], info.index[2]
        );
        outcome = Some(prove_case(pre, block, tx, &out));
    })?;
    match outcome {
        Some(r) => r.map(|()| ExitCode::SUCCESS),
        None => Err(format!("{file}: no Cancun case with those indexes")),
    }
}

fn prove_case(
    pre: &evm_state::InMemoryState,
    block: &evm_core::BlockEnv,
    tx: &evm_core::TxEnv<'_>,
    out: &str,
) -> Result<(), String> {
    let (public, rec) = prover::run::execute(pre, block, tx).map_err(|e| e.to_string())?;
    eprintln!(
        "executed {} steps; building the trace and proving …",
        rec.steps.len()
    );
    let (proof, fig) = prover::prove(public, &rec).map_err(|e| e.to_string())?;
    let bytes = proof.to_bytes();
    std::fs::write(out, &bytes).map_err(|e| format!("{out}: {e}"))?;
    println!("steps           {}", fig.steps);
    println!("rows            {}", fig.rows);
    println!("columns         {}", fig.columns);
    println!("prove seconds   {:.3}", fig.prove_time.as_secs_f64());
    println!("proof bytes     {}", fig.proof_bytes);
    println!(
        "security bits   {} (winterfell, conjectured)",
        fig.security_bits
    );
    println!("written         {out}");
    Ok(())
}
