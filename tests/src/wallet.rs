//! Wallet test inputs: the test mnemonic and its first account, unsigned transactions, signature checks with k256.

use evm_state::rlp::{put_bytes, put_list_header, strip_zeros};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

use crate::Result;

/// The Hardhat/Anvil mnemonic.
pub const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// Its address at m/44'/60'/0'/0/0.
pub const ACCOUNT0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// The indices of m/44'/60'/0'/0/`index`.
pub fn bip44(index: u32) -> protocol::PathIndices {
    const H: u32 = 0x8000_0000;
    heapless::Vec::from_slice(&[44 | H, 60 | H, H, 0, index]).unwrap_or_default()
}

/// RLP of a byte string.
pub fn rlp_bytes(b: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    let _ = put_bytes(&mut v, b);
    v
}

/// RLP of an integer (minimal big-endian).
pub fn rlp_int(n: u128) -> Vec<u8> {
    rlp_bytes(strip_zeros(&n.to_be_bytes()))
}

/// RLP of a list of encoded items.
pub fn rlp_list(items: &[Vec<u8>]) -> Vec<u8> {
    let body = items.concat();
    let mut v = Vec::new();
    let _ = put_list_header(&mut v, body.len());
    v.extend_from_slice(&body);
    v
}

/// An unsigned EIP-1559 transaction on chain 1 (nonce 7, 1/30 gwei, gas 100 000).
pub fn eip1559(to: Option<[u8; 20]>, value: u128, data: &[u8]) -> Vec<u8> {
    let mut tx = vec![2u8];
    tx.extend(rlp_list(&[
        rlp_int(1),
        rlp_int(7),
        rlp_int(1_000_000_000),
        rlp_int(30_000_000_000),
        rlp_int(100_000),
        to.map_or_else(|| rlp_bytes(&[]), |a| rlp_bytes(&a)),
        rlp_int(value),
        rlp_bytes(data),
        rlp_list(&[]),
    ]));
    tx
}

/// ERC-20 `transfer(to, amount)` calldata.
pub fn erc20_transfer(to: [u8; 20], amount: u128) -> Vec<u8> {
    let mut data = vec![0xa9, 0x05, 0x9c, 0xbb];
    data.extend_from_slice(&[0; 12]);
    data.extend_from_slice(&to);
    data.extend_from_slice(&[0; 16]);
    data.extend_from_slice(&amount.to_be_bytes());
    data
}

/// The uncompressed public key (without its 0x04) that signed `hash` with
/// `(r, s, y_parity)`, recovered with k256, and its address.
pub fn recover(hash: &[u8; 32], r: &[u8; 32], s: &[u8; 32], y_parity: u8) -> Result<[u8; 20]> {
    let sig = Signature::from_scalars(*r, *s).map_err(|e| format!("signature: {e}"))?;
    if sig.normalize_s().is_some() {
        return Err("high s".into());
    }
    let id = RecoveryId::from_byte(y_parity).ok_or("bad parity")?;
    let key =
        VerifyingKey::recover_from_prehash(hash, &sig, id).map_err(|e| format!("recover: {e}"))?;
    let point = key.to_encoded_point(false);
    let digest = evm_core::keccak256(point.as_bytes().get(1..).unwrap_or_default());
    let mut address = [0u8; 20];
    address.copy_from_slice(digest.get(12..).unwrap_or(&[0; 20]));
    Ok(address)
}
