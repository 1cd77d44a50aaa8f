//! Ethereum addresses: from a public key, EIP-55 checksummed text, strict parsing.

use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::PublicKey;

use crate::error::{Error, Result};

/// A 20-byte Ethereum address.
pub type Address = [u8; 20];

/// The address of `key`: the last 20 bytes of keccak-256 of its uncompressed `x ‖ y`.
pub fn address_of(key: &PublicKey) -> Address {
    let point = key.to_encoded_point(false);
    let hash = evm_core::keccak256(point.as_bytes().get(1..).unwrap_or(&[]));
    let mut out = [0u8; 20];
    out.copy_from_slice(hash.get(12..).unwrap_or(&[0; 20]));
    out
}

/// An EIP-55 checksummed address: `0x` and 40 hex digits, upper case where the
/// hash of the lower-case digits has a nibble of 8 or more.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Checksummed([u8; 42]);

impl Checksummed {
    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written into the buffer.
        core::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl core::fmt::Display for Checksummed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Debug for Checksummed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The EIP-55 form of `address`.
pub fn checksummed(address: &Address) -> Checksummed {
    let mut lower = [0u8; 40];
    for (i, b) in address.iter().enumerate() {
        lower[2 * i] = HEX[usize::from(b >> 4)];
        lower[2 * i + 1] = HEX[usize::from(b & 15)];
    }
    let hash = evm_core::keccak256(&lower);
    let mut out = [0u8; 42];
    out[0] = b'0';
    out[1] = b'x';
    for (i, c) in lower.iter().enumerate() {
        let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 15;
        out[2 + i] = if nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            *c
        };
    }
    Checksummed(out)
}

/// Parses `0x` and 40 hex digits: all lower case, all upper case, or mixed case
/// that matches the EIP-55 checksum (anything else is [`Error::AddressChecksum`]).
pub fn parse_address(s: &str) -> Result<Address> {
    let digits = s
        .strip_prefix("0x")
        .filter(|d| d.len() == 40)
        .ok_or(Error::AddressSyntax)?;
    let mut out = [0u8; 20];
    for (i, pair) in digits.as_bytes().chunks(2).enumerate() {
        let hi = nibble(pair.first().copied())?;
        let lo = nibble(pair.get(1).copied())?;
        if let Some(b) = out.get_mut(i) {
            *b = (hi << 4) | lo;
        }
    }
    let has_lower = digits.bytes().any(|c| c.is_ascii_lowercase());
    let has_upper = digits.bytes().any(|c| c.is_ascii_uppercase());
    if has_lower && has_upper && checksummed(&out).as_str() != s {
        return Err(Error::AddressChecksum);
    }
    Ok(out)
}

fn nibble(c: Option<u8>) -> Result<u8> {
    match c {
        Some(c @ b'0'..=b'9') => Ok(c - b'0'),
        Some(c @ b'a'..=b'f') => Ok(c - b'a' + 10),
        Some(c @ b'A'..=b'F') => Ok(c - b'A' + 10),
        _ => Err(Error::AddressSyntax),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn eip55_examples() {
        // The examples of EIP-55.
        for s in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0xde709f2102306220921060314715629080e2fb77",
        ] {
            let a = parse_address(s).unwrap();
            assert_eq!(checksummed(&a).as_str(), s);
        }
        assert_eq!(
            parse_address("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            Err(Error::AddressChecksum)
        );
        for bad in [
            "",
            "0x",
            "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae",
            "0xg aeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ] {
            assert!(parse_address(bad).is_err(), "{bad}");
        }
        assert!(parse_address("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED").is_ok());
    }

    proptest! {
        #[test]
        fn checksum_round_trips(a in any::<[u8; 20]>()) {
            let c = checksummed(&a);
            prop_assert_eq!(parse_address(c.as_str()).unwrap(), a);
            prop_assert_eq!(parse_address(&c.as_str().to_ascii_lowercase()).unwrap(), a);
        }
    }
}
