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

/// `zkevm prove` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The state-test file.
    #[arg(required_unless_present = "coverage")]
    pub file: Option<String>,
    /// The case's data, gas and value indexes, `d:g:v`.
    #[arg(long, value_parser = parse_index)]
    pub index: Option<[usize; 3]>,
    /// Where the proof goes.
    #[arg(
        short = 'o',
        value_name = "proof.bin",
        required_unless_present = "coverage"
    )]
    pub out: Option<String>,
    /// Print the opcodes the AIR constrains instead.
    #[arg(long)]
    pub coverage: bool,
}

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

/// Runs `zkevm prove` on string arguments.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    match crate::args::parse::<Args>("prove", args)? {
        Ok(a) => run_args(a),
        Err(code) => Ok(code),
    }
}

/// Runs `zkevm prove`.
pub fn run_args(args: Args) -> Result<ExitCode, String> {
    if args.coverage {
        return Ok(coverage());
    }
    let (Some(file), Some(out)) = (args.file, args.out) else {
        return Err("give a state-test file and -o proof.bin (or --coverage)".into());
    };
    let index = args.index;
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
