//! The wallet rows of `cargo xtask bench`: mnemonic → seed, derivation, address, and both demo stories signed end to end, with RAM peaks.
//!
//! Each story (the ERC-20 transfer, the Safe upgrade) runs on a freshly
//! booted device with the test mnemonic loaded: the witness is cut on the host
//! from the story's pre-state (what `zkevm sign-tx --prestate` sends), the
//! device answers `SignTransaction` with its display and the count of each
//! step, then `Confirm` with the signature, which must recover to the device's
//! address. Heap and stack peaks are the device's high-water marks since boot
//! (`Info`), read after each request.

use protocol::{DisplaySteps, Request, WalletReply, WalletRequest};
use zkevm_cli::witness::{from_prestate_state, Prestate};
use zkevm_tests::stories::{self, Story};
use zkevm_tests::wallet::{bip44, recover, ACCOUNT0, TEST_MNEMONIC};
use zkevm_tests::{Device, Firmware, Reply};

use crate::device_bench::fmt_count;

/// The table's header.
const HEADER: &str =
    "| step | instructions | heap peak (B) | stack peak (B) |\n|---|---:|---:|---:|\n";

fn call(device: &mut Device, request: WalletRequest<'_>) -> Result<WalletReply, String> {
    device
        .wallet(request)?
        .map_err(|e| format!("wallet: {e:?}"))
}

/// Heap and stack peaks since boot, as table cells.
fn peaks(device: &mut Device) -> Result<String, String> {
    match device.call(&Request::Info)? {
        Reply::Info {
            heap_peak,
            stack_peak,
            ..
        } => Ok(format!(
            "{} | {}",
            fmt_count(heap_peak.into()),
            fmt_count(stack_peak.into())
        )),
        other => Err(format!("info: {other:?}")),
    }
}

/// Boot `firmware` and load the test mnemonic; the instructions it took.
fn boot_with_seed(firmware: &Firmware) -> Result<(Device, u64), String> {
    let mut device = Device::boot_with_limit(firmware, std::time::Duration::from_secs(600))?;
    match call(
        &mut device,
        WalletRequest::LoadMnemonic {
            words: TEST_MNEMONIC,
            passphrase: None,
        },
    )? {
        WalletReply::Loaded { instructions } => Ok((device, instructions)),
        other => Err(format!("LoadMnemonic: {other:?}")),
    }
}

/// The rows of the keys: mnemonic → seed, derivation, address.
fn key_rows(firmware: &Firmware) -> Result<String, String> {
    let (mut device, seed) = boot_with_seed(firmware)?;
    let mut md = format!(
        "| mnemonic → seed (BIP-39: PBKDF2-HMAC-SHA512, 2048 rounds) | {} | {} |\n",
        fmt_count(seed),
        peaks(&mut device)?
    );
    let WalletReply::Address {
        checksummed,
        derive_instructions,
        address_instructions,
        ..
    } = call(&mut device, WalletRequest::GetAddress { path: bip44(0) })?
    else {
        return Err("GetAddress: unexpected answer".into());
    };
    if checksummed != ACCOUNT0 {
        return Err(format!("GetAddress: {checksummed}, not {ACCOUNT0}"));
    }
    md += &format!(
        "| path derivation m/44'/60'/0'/0/0 (BIP-32) | {} | | |\n\
         | address (public key, keccak) | {} | {} |\n",
        fmt_count(derive_instructions),
        fmt_count(address_instructions),
        peaks(&mut device)?
    );
    device.exit(0)?;
    Ok(md)
}

/// The rows of one story signed end to end on a fresh device; its total.
fn story_rows(firmware: &Firmware, label: &str, story: &Story) -> Result<(String, u64), String> {
    let sender = wallet::parse_address(ACCOUNT0).map_err(|e| format!("{e:?}"))?;
    let prestate = Prestate::parse(&story.prestate)?;
    let tx = wallet::Transaction::decode_unsigned(&story.tx).map_err(|e| format!("{e:?}"))?;
    let witness = from_prestate_state(&prestate, &tx, &sender)?;
    let (mut device, _) = boot_with_seed(firmware)?;
    let (id, display, steps) = match device
        .sign_transaction(bip44(0), &story.tx, Some(&witness))?
        .map_err(|e| format!("{label}: SignTransaction: {e:?}"))?
    {
        WalletReply::Display {
            id,
            instructions,
            steps,
            ..
        } => (id, instructions, steps),
        other => return Err(format!("{label}: SignTransaction: {other:?}")),
    };
    // Any request but `Confirm` would drop the pending one: the peaks are read after it.
    let WalletReply::Signature {
        r,
        s,
        y_parity,
        instructions: sign,
        ..
    } = call(&mut device, WalletRequest::Confirm { id })?
    else {
        return Err(format!("{label}: Confirm: unexpected answer"));
    };
    if recover(&tx.signing_hash(), &r, &s, y_parity)? != sender {
        return Err(format!("{label}: the signature is not the device's"));
    }
    let after_sign = peaks(&mut device)?;
    device.exit(0)?;
    let DisplaySteps {
        derive,
        verify_witness,
        simulate,
    } = steps;
    let rest = display.saturating_sub(derive + verify_witness + simulate);
    let total = display + sign;
    let md = format!(
        "| {label} ({} B of transaction, witness {} B): derive key + address | {} | | |\n\
         | … parse, check rules, render the transaction | {} | | |\n\
         | … decode + verify the witness (proofs → proven state) | {} | | |\n\
         | … simulate (Osaka, call tracer) + render the report | {} | | |\n\
         | … display answered (all of the above) | {} | | |\n\
         | … sign on `Confirm` (RFC 6979, the key kept from the display) | {} | {after_sign} |\n\
         | **{label} end to end** | **{}** | | |\n",
        story.tx.len(),
        witness.len(),
        fmt_count(derive),
        fmt_count(rest),
        fmt_count(verify_witness),
        fmt_count(simulate),
        fmt_count(display),
        fmt_count(sign),
        fmt_count(total),
    );
    Ok((md, total))
}

/// The wallet section: keys, then both stories end to end.
pub fn section(firmware: &Firmware) -> Result<String, String> {
    let sender = wallet::parse_address(ACCOUNT0).map_err(|e| format!("{e:?}"))?;
    let mut md = String::from(
        "\n### Wallet\n\n\
         The test mnemonic's first account (m/44'/60'/0'/0/0). Each story is signed on a \
         freshly booted device with the mnemonic loaded: `SignTransaction` with the witness the \
         host cut from the story's pre-state, then `Confirm`; the signature recovers to the \
         device's address. Peaks are the device's high-water marks since boot, read after the \
         request of that row (a story's after its `Confirm`). Only `cargo xtask bench --wallet` prints this section alone.\n\n",
    );
    md += HEADER;
    md += &key_rows(firmware)?;
    let (erc20, _) = story_rows(
        firmware,
        "ERC-20 transfer",
        &stories::erc20_transfer_from(sender)?,
    )?;
    md += &erc20;
    let (safe, _) = story_rows(
        firmware,
        "Safe upgrade (flagged)",
        &stories::safe_upgrade_by(sender)?,
    )?;
    md += &safe;
    Ok(md)
}

/// `cargo xtask bench --wallet`: only the wallet section, printed
/// (`BENCHMARKS.md` is left as it is).
pub fn run() -> Result<(), String> {
    let firmware = zkevm_tests::build_firmware()?;
    println!("{}", section(&firmware)?);
    Ok(())
}
