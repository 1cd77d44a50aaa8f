//! The wallet commands: `address`, `sign-tx`, `sign-message`, `sign-typed-data`, `sign-auth` against a device.
//!
//! Each signing command prints the device's display, asks `Sign? [y/N]`
//! (unless `--yes` or `--reject` answers), and prints the signature only
//! when the device made one.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use protocol::{WalletReply, WalletRequest};
use wallet::{DerivationPath, RecoverableSignature, Transaction, U256};
use zkevm_fixtures::hex::{hex, unhex};

use crate::device::{Connection, Target};
use crate::progress;

/// Where the device is and what to load into it first.
#[derive(Debug, Clone)]
pub struct DeviceOptions {
    /// The device.
    pub target: Target,
    /// A mnemonic to load first (emulator and test builds only).
    pub mnemonic: Option<String>,
}

impl DeviceOptions {
    /// Connect, loading the mnemonic if one was given.
    pub fn connect(&self) -> Result<Connection, String> {
        let mut conn = progress::with("starting the device", || Connection::open(&self.target))?;
        if let Some(words) = &self.mnemonic {
            progress::with("loading the mnemonic", || {
                conn.wallet_call(WalletRequest::LoadMnemonic {
                    words,
                    passphrase: None,
                })
            })
            .map_err(|e| format!("--mnemonic (emulator and test builds only): {e}"))?;
        }
        Ok(conn)
    }
}

/// `--path P`.
#[derive(Debug, clap::Args)]
pub struct PathArg {
    /// BIP-32 path, e.g. m/44'/60'/0'/0/0.
    #[arg(long, value_name = "P", value_parser = parse_path)]
    pub path: DerivationPath,
}

fn parse_path(s: &str) -> Result<DerivationPath, String> {
    DerivationPath::parse(s).map_err(|e| format!("{e}"))
}

/// `--yes | --reject`: the user's answer given up front.
#[derive(Debug, clap::Args)]
pub struct Answer {
    /// Confirm without asking.
    #[arg(long, conflicts_with = "reject")]
    pub yes: bool,
    /// Reject without asking.
    #[arg(long)]
    pub reject: bool,
}

/// `zkevm address` arguments.
#[derive(Debug, clap::Args)]
pub struct AddressArgs {
    #[command(flatten)]
    path: PathArg,
}

/// `zkevm sign-tx` arguments.
#[derive(Debug, clap::Args)]
pub struct SignTxArgs {
    #[command(flatten)]
    path: PathArg,
    /// The unsigned transaction (its signing payload), hex.
    #[arg(long, value_name = "0xUNSIGNED")]
    tx: String,
    /// A state-test JSON file whose `env` and `pre` the witness is built from.
    #[arg(long, value_name = "F", conflicts_with = "rpc")]
    prestate: Option<PathBuf>,
    /// A JSON-RPC node the witness is built from.
    #[arg(long, value_name = "URL")]
    rpc: Option<String>,
    /// The block of `--rpc` (default: the latest).
    #[arg(long, value_name = "N", requires = "rpc")]
    block: Option<u64>,
    #[command(flatten)]
    answer: Answer,
}

/// `zkevm sign-message` arguments.
#[derive(Debug, clap::Args)]
pub struct SignMessageArgs {
    #[command(flatten)]
    path: PathArg,
    /// The message, as text.
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "hex",
        required_unless_present = "hex"
    )]
    message: Option<String>,
    /// The message, as hex bytes.
    #[arg(long, value_name = "0x..")]
    hex: Option<String>,
    #[command(flatten)]
    answer: Answer,
}

/// `zkevm sign-typed-data` arguments.
#[derive(Debug, clap::Args)]
pub struct SignTypedDataArgs {
    #[command(flatten)]
    path: PathArg,
    /// The EIP-712 typed data (`eth_signTypedData_v4` JSON).
    #[arg(long, value_name = "F")]
    json: PathBuf,
    #[command(flatten)]
    answer: Answer,
}

/// `zkevm sign-auth` arguments.
#[derive(Debug, clap::Args)]
pub struct SignAuthArgs {
    #[command(flatten)]
    path: PathArg,
    /// Chain id (decimal or 0x hex; 0 means every chain).
    #[arg(long, value_name = "N", value_parser = parse_u256)]
    chain_id: U256,
    /// The delegate address.
    #[arg(long, value_name = "A", value_parser = parse_address)]
    address: [u8; 20],
    /// The authority's nonce.
    #[arg(long, value_name = "K")]
    nonce: u64,
    #[command(flatten)]
    answer: Answer,
}

fn parse_u256(s: &str) -> Result<U256, String> {
    s.parse::<U256>().map_err(|e| format!("{e}"))
}

fn parse_address(s: &str) -> Result<[u8; 20], String> {
    wallet::parse_address(s).map_err(|e| format!("{e}"))
}

fn indices(path: &DerivationPath) -> Result<protocol::PathIndices, String> {
    protocol::wallet_client::path_indices(path.indices()).map_err(|e| e.to_string())
}

/// `zkevm address`: the public key, then on the last line the checksummed address.
pub fn address(device: &DeviceOptions, args: AddressArgs) -> Result<ExitCode, String> {
    let mut conn = device.connect()?;
    let path = indices(&args.path.path)?;
    let reply = progress::with("deriving", || {
        conn.wallet_call(WalletRequest::GetAddress { path })
    })?;
    let WalletReply::Address {
        checksummed,
        public_key,
        ..
    } = reply
    else {
        return Err(format!("unexpected answer {reply:?}"));
    };
    println!("path: {}", args.path.path);
    println!("public key: {}", hex(&public_key));
    println!("{checksummed}");
    Ok(ExitCode::SUCCESS)
}

/// What a signing command prints for a signature.
enum Format<'a> {
    /// `v=…` (legacy `v` or `yParity`), then the signed transaction.
    Transaction(Box<Transaction<'a>>),
    /// `yParity=…`.
    Authorization,
    /// `0x` r ‖ s ‖ v (v = 27/28).
    Rsv,
}

/// Print the display, get the user's answer, send it, print the outcome.
fn conclude(
    conn: &mut Connection,
    display: WalletReply,
    answer: &Answer,
    format: Format<'_>,
) -> Result<ExitCode, String> {
    let WalletReply::Display { id, text, .. } = display else {
        return Err(format!("unexpected answer {display:?}"));
    };
    println!("{}", text.trim_end());
    let confirmed = if answer.yes {
        true
    } else if answer.reject {
        false
    } else {
        print!("Sign? [y/N] ");
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        matches!(line.trim(), "y" | "Y" | "yes")
    };
    if !confirmed {
        conn.wallet_call(WalletRequest::Reject { id })?;
        println!("rejected: nothing signed");
        return Ok(ExitCode::FAILURE);
    }
    let reply = progress::with("signing", || {
        conn.wallet_call(WalletRequest::Confirm { id })
    })?;
    let WalletReply::Signature { r, s, y_parity, .. } = reply else {
        return Err(format!("unexpected answer {reply:?}"));
    };
    let sig =
        RecoverableSignature::new(r, s, y_parity).map_err(|e| format!("device signature: {e}"))?;
    match format {
        Format::Transaction(tx) => {
            let v = match tx.tx_type {
                wallet::TxType::Legacy => sig
                    .legacy_v(tx.chain_id.as_ref())
                    .map_err(|e| e.to_string())?,
                _ => U256::from(y_parity),
            };
            let mut signed = Vec::new();
            tx.write_signed(&sig, &mut signed)
                .map_err(|e| e.to_string())?;
            // The signed form decodes and recovers (to the key that signed).
            let decoded = wallet::SignedTransaction::decode(&signed).map_err(|e| e.to_string())?;
            decoded.sender().map_err(|e| e.to_string())?;
            println!("signature: v={v} r={} s={}", hex(&r), hex(&s));
            println!("signed: {}", hex(&signed));
        }
        Format::Authorization => {
            println!("signature: yParity={y_parity} r={} s={}", hex(&r), hex(&s));
        }
        Format::Rsv => println!("signature: {}", hex(&sig.to_rsv())),
    }
    Ok(ExitCode::SUCCESS)
}

/// `zkevm sign-tx`.
pub fn sign_tx(device: &DeviceOptions, args: SignTxArgs) -> Result<ExitCode, String> {
    let bytes = unhex(&args.tx)?;
    let tx = Transaction::decode_unsigned(&bytes).map_err(|e| format!("--tx: {e}"))?;
    let mut conn = device.connect()?;
    let path = indices(&args.path.path)?;
    // With --prestate or --rpc: the device's address at the path is the
    // sender the host run and the witness are for.
    let witness = match (&args.prestate, &args.rpc) {
        (None, None) => None,
        (prestate, rpc) => {
            let reply = conn.wallet_call(WalletRequest::GetAddress { path: path.clone() })?;
            let WalletReply::Address { address, .. } = reply else {
                return Err(format!("unexpected answer {reply:?}"));
            };
            let built = progress::with("building the witness", || match (prestate, rpc) {
                (Some(file), _) => crate::witness::from_prestate(file, &tx, &address),
                (None, Some(url)) => crate::witness::from_rpc(url, args.block, &tx, &address),
                (None, None) => Err("no witness source".to_string()),
            })?;
            Some(built)
        }
    };
    let display = progress::with("checking the transaction", || {
        conn.sign_transaction(path, &bytes, witness.as_deref())
            .map_err(|e| e.to_string())?
            .map_err(crate::device::describe)
    })?;
    conclude(
        &mut conn,
        display,
        &args.answer,
        Format::Transaction(Box::new(tx)),
    )
}

/// `zkevm sign-message`.
pub fn sign_message(device: &DeviceOptions, args: SignMessageArgs) -> Result<ExitCode, String> {
    let message = match (&args.message, &args.hex) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(h)) => unhex(h)?,
        _ => return Err("give --message TEXT or --hex 0x..".into()),
    };
    let mut conn = device.connect()?;
    let path = indices(&args.path.path)?;
    let display = conn.wallet_call(WalletRequest::SignPersonalMessage {
        path,
        message: &message,
    })?;
    conclude(&mut conn, display, &args.answer, Format::Rsv)
}

/// `zkevm sign-typed-data`.
pub fn sign_typed_data(
    device: &DeviceOptions,
    args: SignTypedDataArgs,
) -> Result<ExitCode, String> {
    let json = std::fs::read(&args.json).map_err(|e| format!("{}: {e}", args.json.display()))?;
    let mut conn = device.connect()?;
    conn.try_stage(&json)
        .map_err(|e| e.to_string())?
        .map_err(crate::device::describe)?;
    let path = indices(&args.path.path)?;
    let display = conn.wallet_call(WalletRequest::SignTypedData { path })?;
    conclude(&mut conn, display, &args.answer, Format::Rsv)
}

/// `zkevm sign-auth`.
pub fn sign_auth(device: &DeviceOptions, args: SignAuthArgs) -> Result<ExitCode, String> {
    let mut conn = device.connect()?;
    let path = indices(&args.path.path)?;
    let display = conn.wallet_call(WalletRequest::SignAuthorization {
        path,
        chain_id: args.chain_id.to_be_bytes::<32>(),
        address: args.address,
        nonce: args.nonce,
    })?;
    conclude(&mut conn, display, &args.answer, Format::Authorization)
}
