//! 0x0a KZG point evaluation (EIP-4844) over `kzg-rs`.

#[cfg(feature = "kzg")]
use super::{put, Budget, GasUsed, Output, PrecompileError};

/// Gas of the point evaluation, whatever its input.
#[cfg(feature = "kzg")]
pub const POINT_EVALUATION_GAS: u64 = 50_000;

/// The BLS12-381 scalar field modulus, big-endian.
pub const BLS_MODULUS: [u8; 32] = [
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
];

/// 0x0a on `versioned_hash ‖ z ‖ y ‖ commitment ‖ proof` (192 bytes):
/// `FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS` when the proof holds.
#[cfg(feature = "kzg")]
pub fn run(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    budget.pay(POINT_EVALUATION_GAS, gas)?;
    verify(input)?;
    let mut n = [0u8; 32];
    n[30] = 0x10; // FIELD_ELEMENTS_PER_BLOB = 4096
    put(out, &n)?;
    put(out, &BLS_MODULUS)?;
    Ok(POINT_EVALUATION_GAS)
}

/// EIP-4844 point evaluation: versioned hash check, then the KZG proof.
#[cfg(feature = "kzg")]
fn verify(input: &[u8]) -> Result<(), PrecompileError> {
    use kzg_rs::{get_kzg_settings, Bytes32, Bytes48, KzgProof};
    use sha2::Digest;
    if input.len() != 192 {
        return Err(PrecompileError::Failure);
    }
    let (vh, rest) = input.split_at(32);
    let (z, rest) = rest.split_at(32);
    let (y, rest) = rest.split_at(32);
    let (commitment, proof) = rest.split_at(48);
    let mut h: [u8; 32] = sha2::Sha256::digest(commitment).into();
    h[0] = 0x01;
    if h != vh {
        return Err(PrecompileError::Failure);
    }
    let f = |_| PrecompileError::Failure;
    let ok = KzgProof::verify_kzg_proof(
        &Bytes48::from_slice(commitment).map_err(f)?,
        &Bytes32::from_slice(z).map_err(f)?,
        &Bytes32::from_slice(y).map_err(f)?,
        &Bytes48::from_slice(proof).map_err(f)?,
        &get_kzg_settings(),
    )
    .map_err(f)?;
    if ok {
        Ok(())
    } else {
        Err(PrecompileError::Failure)
    }
}
