//! Primitives shared by the EVM and the precompiles: keccak-256 ([`keccak`]), contract address derivation, address and word conversions.

pub mod keccak;

pub use keccak::keccak256;

use crate::state::{Address, B256, U256};

/// `a` as a stack word (left-padded with zeros).
#[inline]
pub(crate) fn addr_to_u256(a: &Address) -> U256 {
    let mut b = [0u8; 32];
    b[12..].copy_from_slice(a);
    U256::from_be_bytes(b)
}

/// The address in the low 20 bytes of a stack word.
#[inline]
pub(crate) fn u256_to_addr(v: &U256) -> Address {
    let b = v.to_be_bytes::<32>();
    let mut a = [0u8; 20];
    a.copy_from_slice(&b[12..]);
    a
}

/// `v` as a `u64`, saturating at `u64::MAX`.
#[inline]
pub(crate) fn as_u64_sat(v: &U256) -> u64 {
    let l = v.as_limbs();
    if l[1] != 0 || l[2] != 0 || l[3] != 0 {
        u64::MAX
    } else {
        l[0]
    }
}

/// Address of a contract created by `sender` with `nonce` (CREATE).
pub fn create_address(sender: &Address, nonce: u64) -> Address {
    // rlp([sender, nonce])
    let mut buf = [0u8; 1 + 21 + 9];
    let nb = nonce.to_be_bytes();
    let skip = nb.iter().take_while(|b| **b == 0).count();
    let nonce_bytes = &nb[skip..];
    let nonce_enc_len = if nonce == 0 || (nonce_bytes.len() == 1 && nonce_bytes[0] < 0x80) {
        1
    } else {
        1 + nonce_bytes.len()
    };
    let payload = 21 + nonce_enc_len;
    buf[0] = 0xc0 + payload as u8;
    buf[1] = 0x94;
    buf[2..22].copy_from_slice(sender);
    if nonce == 0 {
        buf[22] = 0x80;
    } else if nonce_enc_len == 1 {
        buf[22] = nonce_bytes[0];
    } else {
        buf[22] = 0x80 + nonce_bytes.len() as u8;
        buf[23..23 + nonce_bytes.len()].copy_from_slice(nonce_bytes);
    }
    let h = keccak256(&buf[..1 + payload]);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    a
}

/// Address of a contract created by `sender` with `salt` and initcode hash (CREATE2).
pub fn create2_address(sender: &Address, salt: &B256, init_hash: &B256) -> Address {
    let mut buf = [0u8; 85];
    buf[0] = 0xff;
    buf[1..21].copy_from_slice(sender);
    buf[21..53].copy_from_slice(salt);
    buf[53..85].copy_from_slice(init_hash);
    let h = keccak256(&buf);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_addresses() {
        // Well-known: sender 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0
        let s: Address = [
            0x6a, 0xc7, 0xea, 0x33, 0xf8, 0x83, 0x1e, 0xa9, 0xdc, 0xc5, 0x33, 0x93, 0xaa, 0xa8,
            0x8b, 0x25, 0xa7, 0x85, 0xdb, 0xf0,
        ];
        let a0 = create_address(&s, 0);
        assert_eq!(a0[..4], [0xcd, 0x23, 0x4a, 0x47]);
        let a1 = create_address(&s, 1);
        assert_eq!(a1[..4], [0x34, 0x3c, 0x43, 0xa3]);
        // EIP-1014 example 1: address 0, salt 0, init 0x00
        let a = create2_address(&[0; 20], &[0; 32], &keccak256(&[0]));
        assert_eq!(a[..4], [0x4d, 0x1a, 0x2e, 0x2b]);
    }
}
