//! 0x01 ecrecover: the address that signed a hash (secp256k1, `k256`).

use super::{padded, put, Budget, GasUsed, Output};

/// Gas of ecrecover, whatever its input.
pub const ECRECOVER_GAS: u64 = 3000;

/// ecrecover on `hash ‖ v ‖ r ‖ s` (zero-padded to 128 bytes): the signer's
/// address as a 32-byte word, or an empty output for an invalid signature.
pub fn run(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    budget.pay(ECRECOVER_GAS, gas)?;
    if let Some(a) = recover(input) {
        put(out, &a)?;
    }
    Ok(ECRECOVER_GAS)
}

fn recover(input: &[u8]) -> Option<[u8; 32]> {
    use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
    let data = padded::<128>(input, 0);
    let (hash, rest) = data.split_at(32);
    let (v, sig) = rest.split_at(32);
    if v[..31].iter().any(|b| *b != 0) || !(v[31] == 27 || v[31] == 28) {
        return None;
    }
    let mut recid = v[31] - 27;
    let mut sig = Signature::from_slice(sig).ok()?;
    if let Some(n) = sig.normalize_s() {
        sig = n;
        recid ^= 1;
    }
    let key = VerifyingKey::recover_from_prehash(hash, &sig, RecoveryId::from_byte(recid)?).ok()?;
    let point = key.to_encoded_point(false);
    let h = crate::primitives::keccak256(point.as_bytes().get(1..)?);
    let mut out = [0u8; 32];
    out[12..].copy_from_slice(&h[12..]);
    Some(out)
}
