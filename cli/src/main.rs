//! `zkevm`: the host companion of the embedded-zkevm device.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use zkevm_cli::device::Target;
use zkevm_cli::sign::{self, DeviceOptions};
use zkevm_cli::state_tools::{self, PathsArgs, StateRootArgs, VerifyProofArgs};
use zkevm_cli::{prove, statetest, trace, txtest, verify};

/// The host companion of the embedded-zkevm device: fixture runners, proofs,
/// and the wallet on a device.
#[derive(Parser)]
#[command(
    name = "zkevm",
    version,
    subcommand_required = true,
    arg_required_else_help = true
)]
struct Cli {
    /// The device: a serial device or a Unix socket path.
    #[arg(long, value_name = "PATH", conflicts_with = "emulator")]
    device: Option<PathBuf>,
    /// Boot the QEMU firmware (built first if needed) and use it as the device.
    #[arg(long)]
    emulator: bool,
    /// Load this BIP-39 mnemonic into the device first (emulator and test builds only).
    #[arg(long, value_name = "WORDS")]
    mnemonic: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run state tests (GeneralStateTests, execution-spec tests).
    Statetest(statetest::Args),
    /// EIP-3155 trace of one case (or row figures).
    Trace(trace::Args),
    /// Run TrieTests fixtures.
    Trietest(PathsArgs),
    /// Run RLPTests fixtures.
    Rlptest(PathsArgs),
    /// Run TransactionTests fixtures (wallet decoder).
    Txtest(PathsArgs),
    /// Print the state root of a genesis alloc.
    StateRoot(StateRootArgs),
    /// Check an eth_getProof response.
    VerifyProof(VerifyProofArgs),
    /// STARK proof of a case's execution (or the opcode list).
    Prove(prove::Args),
    /// Check a proof file on the host (or on the QEMU device with --device).
    Verify(verify::Args),
    /// Print the tool's version.
    Version,
    /// The device's address at a path (last line: the checksummed address).
    Address(sign::AddressArgs),
    /// Sign an unsigned transaction on the device.
    SignTx(sign::SignTxArgs),
    /// Sign an EIP-191 personal message on the device.
    SignMessage(sign::SignMessageArgs),
    /// Sign EIP-712 typed data on the device.
    SignTypedData(sign::SignTypedDataArgs),
    /// Sign an EIP-7702 authorization on the device.
    SignAuth(sign::SignAuthArgs),
}

fn report(result: Result<ExitCode, String>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("zkevm: {e}");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let device = || -> Result<DeviceOptions, String> {
        let target = match (&cli.device, cli.emulator) {
            (Some(path), false) => Target::Path(path.clone()),
            (None, true) => Target::Emulator,
            _ => return Err("give --device PATH or --emulator".into()),
        };
        Ok(DeviceOptions {
            target,
            mnemonic: cli.mnemonic.clone(),
        })
    };
    report(match cli.command {
        Command::Statetest(a) => statetest::run_args(a),
        Command::Trace(a) => trace::run_args(a),
        Command::Trietest(a) => state_tools::fixture_runner("trietest", a),
        Command::Rlptest(a) => state_tools::fixture_runner("rlptest", a),
        Command::Txtest(a) => txtest::run_args(a),
        Command::StateRoot(a) => state_tools::state_root(a),
        Command::VerifyProof(a) => state_tools::verify_proof(a),
        Command::Prove(a) => prove::run_args(a),
        Command::Verify(a) => verify::run_args(a),
        Command::Version => {
            println!("zkevm {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Address(a) => device().and_then(|d| sign::address(&d, a)),
        Command::SignTx(a) => device().and_then(|d| sign::sign_tx(&d, a)),
        Command::SignMessage(a) => device().and_then(|d| sign::sign_message(&d, a)),
        Command::SignTypedData(a) => device().and_then(|d| sign::sign_typed_data(&d, a)),
        Command::SignAuth(a) => device().and_then(|d| sign::sign_auth(&d, a)),
    })
}
