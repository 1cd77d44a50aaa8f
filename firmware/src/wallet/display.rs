//! What the device shows before it signs: the text of a transaction, a personal message or an EIP-7702 authorization.
//!
//! One fact per line. Warnings start with `WARNING:`. A display longer than
//! [`protocol::limits::MAX_DISPLAY`] is an error (the request is refused,
//! never shown in part).

use core::fmt::{self, Display, Write};

use protocol::limits::MAX_DISPLAY;
use wallet::tx::{Transaction, TxType};
use wallet::{checksummed, Address, U256};

use super::calldata::{self, Erc20};

/// The display text.
pub type Text = heapless::String<MAX_DISPLAY>;

/// Blob gas of one blob (EIP-4844).
const GAS_PER_BLOB: u64 = 1 << 17;

/// Bytes as `0x` and lower-case hex.
pub struct Hex<'a>(pub &'a [u8]);

impl Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// An amount with `decimals` decimals, trailing zeros trimmed (`1.5`, `0`).
struct Units(U256, u32);

impl Display for Units {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = U256::from(10u8).pow(U256::from(self.1));
        let (whole, frac) = self.0.div_rem(scale);
        write!(f, "{whole}")?;
        // frac < 10^18 fits u64.
        let frac = u64::try_from(frac).unwrap_or(0);
        if frac != 0 {
            let mut digits = [b'0'; 18];
            let mut n = frac;
            let width = self.1 as usize;
            for d in digits.iter_mut().take(width).rev() {
                *d = b'0' + (n % 10) as u8;
                n /= 10;
            }
            let used = digits.get(..width).unwrap_or(&[]);
            let end = used.iter().rposition(|d| *d != b'0').map_or(0, |i| i + 1);
            let text = core::str::from_utf8(used.get(..end).unwrap_or(&[])).unwrap_or("");
            write!(f, ".{text}")?;
        }
        Ok(())
    }
}

/// Wei as ether.
fn ether(wei: U256) -> Units {
    Units(wei, 18)
}

/// Wei as gwei.
fn gwei(wei: U256) -> Units {
    Units(wei, 9)
}

fn type_name(t: TxType) -> &'static str {
    match t {
        TxType::Legacy => "legacy",
        TxType::Eip2930 => "EIP-2930",
        TxType::Eip1559 => "EIP-1559",
        TxType::Eip4844 => "EIP-4844 (blob)",
        TxType::Eip7702 => "EIP-7702 (set code)",
    }
}

/// The most the transaction can cost in fees: gas limit × fee cap, plus
/// the blob gas × the blob fee cap (`None` past 2^256).
fn max_fee(tx: &Transaction<'_>) -> Option<U256> {
    let execution = U256::from(tx.gas_limit).checked_mul(tx.max_fee_per_gas)?;
    let blob_gas = U256::from(GAS_PER_BLOB).checked_mul(U256::from(tx.blob_hashes.len()))?;
    execution.checked_add(blob_gas.checked_mul(tx.max_fee_per_blob_gas)?)
}

/// Render the unsigned transaction `tx`, to be signed by `from`.
pub fn transaction(out: &mut Text, tx: &Transaction<'_>, from: &Address) -> fmt::Result {
    writeln!(out, "Sign transaction ({})", type_name(tx.tx_type))?;
    match &tx.chain_id {
        Some(id) => writeln!(out, "chain: {id}")?,
        None => {
            writeln!(out, "chain: none (pre-EIP-155)")?;
            writeln!(
                out,
                "WARNING: no chain id: the signature is valid on every chain"
            )?;
        }
    }
    writeln!(out, "from: {}", checksummed(from))?;
    match &tx.to {
        Some(to) => writeln!(out, "to: {}", checksummed(to))?,
        None => writeln!(out, "to: contract creation")?,
    }
    writeln!(out, "value: {} ETH", ether(tx.value))?;
    writeln!(out, "nonce: {}", tx.nonce)?;
    writeln!(out, "gas limit: {}", tx.gas_limit)?;
    match tx.tx_type {
        TxType::Legacy | TxType::Eip2930 => {
            writeln!(out, "gas price: {} gwei", gwei(tx.max_fee_per_gas))?;
        }
        _ => {
            writeln!(out, "max fee per gas: {} gwei", gwei(tx.max_fee_per_gas))?;
            writeln!(
                out,
                "max priority fee per gas: {} gwei",
                gwei(tx.max_priority_fee_per_gas)
            )?;
        }
    }
    if tx.tx_type == TxType::Eip4844 {
        writeln!(out, "blobs: {}", tx.blob_hashes.len())?;
        writeln!(
            out,
            "max fee per blob gas: {} gwei",
            gwei(tx.max_fee_per_blob_gas)
        )?;
    }
    match max_fee(tx) {
        Some(fee) => writeln!(out, "max fee: {} ETH", ether(fee))?,
        None => writeln!(out, "max fee: above 2^256 wei")?,
    }
    if !tx.access_list.is_empty() {
        writeln!(
            out,
            "access list: {} addresses, {} storage keys",
            tx.access_list.addresses(),
            tx.access_list.storage_keys()
        )?;
    }
    data(out, tx)?;
    for auth in tx.authorizations.iter() {
        authorization_lines(out, &auth.chain_id, &auth.address, auth.nonce)?;
    }
    Ok(())
}

/// The calldata or init code of `tx`.
fn data(out: &mut Text, tx: &Transaction<'_>) -> fmt::Result {
    let input = tx.input;
    let Some(token) = tx.to else {
        return writeln!(
            out,
            "init code: {} bytes, keccak256 {}",
            input.len(),
            Hex(&evm_core::keccak256(input))
        );
    };
    if input.is_empty() {
        return Ok(());
    }
    let token = checksummed(&token);
    match calldata::decode(input) {
        Some(Erc20::Transfer { to, amount }) => {
            writeln!(out, "ERC-20 transfer of token {token}")?;
            writeln!(out, "  to: {}", checksummed(&to))?;
            token_amount(out, amount)
        }
        Some(Erc20::Approve { spender, amount }) => {
            writeln!(out, "ERC-20 approve of token {token}")?;
            writeln!(out, "  spender: {}", checksummed(&spender))?;
            token_amount(out, amount)?;
            if amount == U256::MAX {
                writeln!(out, "WARNING: unlimited approval")?;
            }
            Ok(())
        }
        Some(Erc20::TransferFrom { from, to, amount }) => {
            writeln!(out, "ERC-20 transferFrom of token {token}")?;
            writeln!(out, "  from: {}", checksummed(&from))?;
            writeln!(out, "  to: {}", checksummed(&to))?;
            token_amount(out, amount)
        }
        None => {
            let selector = input.get(..4).unwrap_or(input);
            writeln!(
                out,
                "WARNING: blind signing: unknown calldata ({} bytes, selector {})",
                input.len(),
                Hex(selector)
            )?;
            // ERC-8213's own digest is not implemented here (its definition
            // was not available when this was written): keccak256 of the
            // calldata, named as such.
            writeln!(
                out,
                "calldata digest (keccak256 of the calldata): {}",
                Hex(&evm_core::keccak256(input))
            )
        }
    }
}

fn token_amount(out: &mut Text, amount: U256) -> fmt::Result {
    if amount == U256::MAX {
        writeln!(out, "  amount: unlimited")
    } else {
        writeln!(out, "  amount: {amount} (token base units)")
    }
}

/// The lines of one EIP-7702 authorization tuple.
fn authorization_lines(
    out: &mut Text,
    chain_id: &U256,
    delegate: &Address,
    nonce: u64,
) -> fmt::Result {
    writeln!(
        out,
        "authorization: delegate to {} (chain {chain_id}, nonce {nonce})",
        checksummed(delegate)
    )?;
    if chain_id.is_zero() {
        writeln!(
            out,
            "WARNING: authorization with chain id 0: valid on every chain"
        )?;
    }
    Ok(())
}

/// Render an EIP-7702 authorization signed by `authority`.
pub fn authorization(
    out: &mut Text,
    authority: &Address,
    chain_id: &U256,
    delegate: &Address,
    nonce: u64,
) -> fmt::Result {
    writeln!(out, "Sign EIP-7702 authorization")?;
    writeln!(out, "authority: {}", checksummed(authority))?;
    authorization_lines(out, chain_id, delegate, nonce)?;
    writeln!(
        out,
        "WARNING: your account's code becomes the delegate's: it can move everything the account holds"
    )
}

/// Whether `message` is shown as text: UTF-8 without control characters
/// (so that it cannot draw lines of its own on the display).
fn is_plain_text(message: &[u8]) -> Option<&str> {
    core::str::from_utf8(message)
        .ok()
        .filter(|s| !s.chars().any(char::is_control))
}

/// Render an EIP-191 personal message signed by `from`.
pub fn personal_message(
    out: &mut Text,
    from: &Address,
    message: &[u8],
    hash: &[u8; 32],
) -> fmt::Result {
    writeln!(out, "Sign message (EIP-191)")?;
    writeln!(out, "from: {}", checksummed(from))?;
    writeln!(out, "length: {} bytes", message.len())?;
    match is_plain_text(message) {
        Some(text) => writeln!(out, "text: {text}")?,
        None => writeln!(out, "hex: {}", Hex(message))?,
    }
    writeln!(out, "hash: {}", Hex(hash))
}

/// Render EIP-712 typed data signed by `from`: the domain and the message
/// field by field, then the hashes and the digest signed (`TypedData::display`).
pub fn typed_data(
    out: &mut Text,
    from: &Address,
    typed: &wallet::typed_data::TypedData<'_>,
) -> fmt::Result {
    writeln!(out, "Sign typed data (EIP-712)")?;
    writeln!(out, "from: {}", checksummed(from))?;
    typed.display(out).map_err(|_| fmt::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Text) -> fmt::Result) -> String {
        let mut t = Text::new();
        f(&mut t).unwrap();
        t.as_str().to_owned()
    }

    #[test]
    fn amounts_in_ether_and_gwei() {
        let show = |wei: u128, d| format!("{}", Units(U256::from(wei), d));
        assert_eq!(show(0, 18), "0");
        assert_eq!(show(1_500_000_000_000_000_000, 18), "1.5");
        assert_eq!(show(1, 18), "0.000000000000000001");
        assert_eq!(show(30_000_000_000, 9), "30");
        assert_eq!(show(1_000_000_001, 9), "1.000000001");
        assert_eq!(
            format!("{}", ether(U256::MAX)),
            "115792089237316195423570985008687907853269984665640564039457.584007913129639935"
        );
    }

    #[test]
    fn messages_with_control_characters_are_shown_as_hex() {
        let from = [0; 20];
        let plain = text(|t| personal_message(t, &from, b"hello world", &[0; 32]));
        assert!(plain.contains("text: hello world"), "{plain}");
        let tricky = text(|t| personal_message(t, &from, b"hi\nto: 0xabc", &[0; 32]));
        assert!(tricky.contains("hex: 0x68690a"), "{tricky}");
        assert!(!tricky.contains("\nto: 0xabc"));
    }

    #[test]
    fn an_authorization_on_chain_zero_is_warned_about() {
        let t = text(|t| authorization(t, &[1; 20], &U256::ZERO, &[2; 20], 7));
        assert!(t.contains("chain 0, nonce 7"), "{t}");
        assert!(t.contains("WARNING: authorization with chain id 0"), "{t}");
        let t = text(|t| authorization(t, &[1; 20], &U256::from(1u8), &[2; 20], 7));
        assert!(!t.contains("chain id 0"), "{t}");
    }

    #[test]
    fn a_display_too_long_is_an_error() {
        let mut t = Text::new();
        let long = [b'a'; MAX_DISPLAY];
        assert!(personal_message(&mut t, &[0; 20], &long, &[0; 32]).is_err());
    }
}
