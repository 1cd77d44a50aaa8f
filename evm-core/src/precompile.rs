//! Precompiled contracts by fork: 0x01–0x0a (Cancun), 0x0b–0x11 BLS12-381 (Prague), 0x100 P256VERIFY (Osaka).

use crate::buf::SliceVec;
use crate::gas::words;
use crate::spec::Spec;
use crate::state::Address;

pub mod bls12_381;
mod p256verify;

pub use p256verify::p256_verify;

/// Highest precompile address in Cancun (0x0a, KZG point evaluation).
pub const LAST_PRECOMPILE: u8 = 0x0a;

/// Highest of the BLS12-381 precompiles of Prague (0x0b–0x11, EIP-2537).
pub const LAST_PRECOMPILE_PRAGUE: u8 = 0x11;

/// Address (as a number) of P256VERIFY (EIP-7951, from Osaka).
pub const P256VERIFY: u16 = 0x100;

/// Gas of P256VERIFY (EIP-7951, address 0x100 from Osaka), whatever its input.
pub const P256VERIFY_GAS: u64 = 6900;

/// The precompile number of `address` (its last two bytes) if it is one
/// under `spec`: 1..=0x0a, 0x0b..=0x11 from Prague on, 0x100 from Osaka on.
#[inline]
pub fn precompile_id_in(spec: Spec, address: &Address) -> Option<u16> {
    let (head, last) = address.split_at(18);
    if head.iter().any(|b| *b != 0) {
        return None;
    }
    let id = u16::from_be_bytes([*last.first()?, *last.get(1)?]);
    let last = if spec.is_prague() {
        LAST_PRECOMPILE_PRAGUE
    } else {
        LAST_PRECOMPILE
    };
    if (1..=u16::from(last)).contains(&id) || (spec.is_osaka() && id == P256VERIFY) {
        Some(id)
    } else {
        None
    }
}

/// The Cancun precompile number of `address` if it is one (1..=10).
#[inline]
pub fn precompile_id(address: &Address) -> Option<u8> {
    precompile_id_in(Spec::Cancun, address).and_then(|id| u8::try_from(id).ok())
}

/// Whether `address` is a precompile under `spec` (precompiles are always warm).
#[inline]
pub fn is_precompile_in(spec: Spec, address: &Address) -> bool {
    precompile_id_in(spec, address).is_some()
}

/// Whether `address` is a Cancun precompile.
#[inline]
pub fn is_precompile(address: &Address) -> bool {
    precompile_id(address).is_some()
}

/// Why a precompile failed (the call consumes all its gas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrecompileError {
    /// Not enough gas.
    OutOfGas,
    /// Invalid input.
    Failure,
    /// The output does not fit the return-data buffer.
    Capacity,
    /// Not available in this build.
    Unsupported,
    /// A modexp operand is longer than [`Budget::modexp_operand_bytes`] (its gas was paid).
    OperandTooLarge,
    /// The work would exceed [`Budget::steps`] (checked before the work is done).
    StepBudget,
}

/// Device bounds on the work a precompile call may do (see [`crate::Limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Steps left in the transaction; a precompile takes as many as its gas cost.
    pub steps: u64,
    /// Largest modexp operand (bytes) that may be allocated.
    pub modexp_operand_bytes: usize,
}

impl Budget {
    /// No bound (for tests and host tools).
    pub const UNBOUNDED: Self = Self {
        steps: u64::MAX,
        modexp_operand_bytes: usize::MAX,
    };

    /// Takes `n` steps, or fails without taking any.
    #[inline]
    fn take(&mut self, n: u64) -> Result<(), PrecompileError> {
        self.steps = self
            .steps
            .checked_sub(n)
            .ok_or(PrecompileError::StepBudget)?;
        Ok(())
    }

    /// Pays `cost` out of `gas` (an EVM result: out of gas), then takes it
    /// from the step budget (a device limit); fails before any work.
    #[inline]
    fn pay(&mut self, cost: u64, gas: u64) -> Result<(), PrecompileError> {
        charge(cost, gas)?;
        self.take(cost)
    }
}

/// Runs Cancun precompile `id` (1..=10) with Cancun's rules; see [`run_spec`].
pub fn run(
    id: u8,
    input: &[u8],
    gas: u64,
    out: &mut SliceVec<'_, u8>,
    budget: &mut Budget,
) -> Result<u64, PrecompileError> {
    run_spec(Spec::Cancun, u16::from(id), input, gas, out, budget)
}

/// Runs precompile `id` (from [`precompile_id_in`]) under `spec` on `input`
/// with `gas` available; writes the output to `out` (cleared first) and
/// returns the gas used.
///
/// Every precompile checks its gas before it works, and then takes its gas
/// cost from `budget.steps` (its gas is proportional to its work), so neither
/// a short gas nor a short budget runs any of the work.
pub fn run_spec(
    spec: Spec,
    id: u16,
    input: &[u8],
    gas: u64,
    out: &mut SliceVec<'_, u8>,
    budget: &mut Budget,
) -> Result<u64, PrecompileError> {
    out.clear();
    let mut pay = |cost: u64, gas: u64| budget.pay(cost, gas);
    let put = |out: &mut SliceVec<'_, u8>, b: &[u8]| {
        out.extend_from_slice(b)
            .map(|_| ())
            .map_err(|_| PrecompileError::Capacity)
    };
    match id {
        1 => {
            pay(3000, gas)?;
            if let Some(a) = ecrecover(input) {
                put(out, &a)?;
            }
            Ok(3000)
        }
        2 => {
            let cost = 60 + 12 * words(input.len() as u64);
            pay(cost, gas)?;
            use sha2::Digest;
            put(out, &sha2::Sha256::digest(input))?;
            Ok(cost)
        }
        3 => {
            let cost = 600 + 120 * words(input.len() as u64);
            pay(cost, gas)?;
            use ripemd::Digest;
            let h = ripemd::Ripemd160::digest(input);
            put(out, &[0u8; 12])?;
            put(out, &h)?;
            Ok(cost)
        }
        4 => {
            let cost = 15 + 3 * words(input.len() as u64);
            pay(cost, gas)?;
            put(out, input)?;
            Ok(cost)
        }
        #[cfg(any(test, feature = "alloc"))]
        5 => modexp(spec, input, gas, out, budget),
        #[cfg(any(test, feature = "bn254"))]
        6 => {
            pay(150, gas)?;
            let a = bn::g1(&padded::<64>(input, 0))?;
            let b = bn::g1(&padded::<64>(input, 64))?;
            put(out, &bn::encode_g1(a + b))?;
            Ok(150)
        }
        #[cfg(any(test, feature = "bn254"))]
        7 => {
            pay(6000, gas)?;
            let a = bn::g1(&padded::<64>(input, 0))?;
            let k = padded::<32>(input, 64);
            let k = substrate_bn::Fr::from_slice(&k).map_err(|_| PrecompileError::Failure)?;
            put(out, &bn::encode_g1(a * k))?;
            Ok(6000)
        }
        #[cfg(any(test, feature = "bn254"))]
        8 => {
            if !input.len().is_multiple_of(192) {
                return Err(PrecompileError::Failure);
            }
            let k = (input.len() / 192) as u64;
            let cost = 45_000 + 34_000 * k;
            pay(cost, gas)?;
            let ok = bn::pairing(input)?;
            let mut w = [0u8; 32];
            w[31] = ok as u8;
            put(out, &w)?;
            Ok(cost)
        }
        9 => {
            if input.len() != 213 {
                return Err(PrecompileError::Failure);
            }
            let rounds = u32::from_be_bytes([input[0], input[1], input[2], input[3]]) as u64;
            pay(rounds, gas)?;
            let f = match input[212] {
                0 => false,
                1 => true,
                _ => return Err(PrecompileError::Failure),
            };
            let mut h = [0u64; 8];
            let mut m = [0u64; 16];
            for (i, w) in h.iter_mut().enumerate() {
                *w = le64(input, 4 + i * 8);
            }
            for (i, w) in m.iter_mut().enumerate() {
                *w = le64(input, 68 + i * 8);
            }
            let t = [le64(input, 196), le64(input, 204)];
            blake2f(rounds as u32, &mut h, &m, t, f);
            for w in h {
                put(out, &w.to_le_bytes())?;
            }
            Ok(rounds)
        }
        #[cfg(feature = "kzg")]
        10 => {
            pay(50_000, gas)?;
            kzg_point_evaluation(input)?;
            let mut n = [0u8; 32];
            n[30] = 0x10; // FIELD_ELEMENTS_PER_BLOB = 4096
            put(out, &n)?;
            put(out, &BLS_MODULUS)?;
            Ok(50_000)
        }
        0x0b..=0x11 if spec.is_prague() => bls12_381(id, input, gas, out, budget),
        P256VERIFY if spec.is_osaka() => p256_verify(input, gas, out, budget),
        _ => Err(PrecompileError::Unsupported),
    }
}

/// BLS12-381 precompiles 0x0b–0x11 (EIP-2537, Prague), by address.
///
/// Without the `bls12-381` feature each function checks its length and gas
/// and then answers [`PrecompileError::Unsupported`]: the transaction ends
/// with [`crate::Error::PrecompileUnavailable`], a device limit, as KZG does
/// in builds without it.
fn bls12_381(
    id: u16,
    input: &[u8],
    gas: u64,
    out: &mut SliceVec<'_, u8>,
    budget: &mut Budget,
) -> Result<u64, PrecompileError> {
    use bls12_381 as bls;
    let f = match id {
        0x0b => bls::g1_add,
        0x0c => bls::g1_msm,
        0x0d => bls::g2_add,
        0x0e => bls::g2_msm,
        0x0f => bls::pairing_check,
        0x10 => bls::map_fp_to_g1,
        0x11 => bls::map_fp2_to_g2,
        _ => return Err(PrecompileError::Unsupported),
    };
    f(input, gas, out, budget)
}

/// The BLS12-381 scalar field modulus, big-endian.
pub const BLS_MODULUS: [u8; 32] = [
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
];

/// EIP-4844 point evaluation: versioned hash check, then the KZG proof.
#[cfg(feature = "kzg")]
fn kzg_point_evaluation(input: &[u8]) -> Result<(), PrecompileError> {
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

fn le64(b: &[u8], off: usize) -> u64 {
    let mut w = [0u8; 8];
    if let Some(s) = b.get(off..off + 8) {
        w.copy_from_slice(s);
    }
    u64::from_le_bytes(w)
}

/// `N` bytes of `input` from `off`, zero-padded.
fn padded<const N: usize>(input: &[u8], off: usize) -> [u8; N] {
    let mut w = [0u8; N];
    let src = input.get(off..).unwrap_or(&[]);
    let n = src.len().min(N);
    w[..n].copy_from_slice(&src[..n]);
    w
}

fn ecrecover(input: &[u8]) -> Option<[u8; 32]> {
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
    let h = crate::evm::keccak256(point.as_bytes().get(1..)?);
    let mut out = [0u8; 32];
    out[12..].copy_from_slice(&h[12..]);
    Some(out)
}

/// Largest modexp operand from Osaka on (EIP-7823).
pub const MODEXP_MAX_OSAKA: u64 = 1024;

/// EIP-2565 (EIP-7883 and 7823 under Osaka) gas and the modular exponentiation itself.
///
/// Lengths are read as `u64` (saturating: a length above 2^64 costs more gas
/// than exists). Gas is checked first (out of gas is an EVM result), then the
/// step budget, then the operand bound: only lengths whose gas is paid and
/// which fit [`Budget::modexp_operand_bytes`] are allocated. A zero modulus
/// length gives an empty output and allocates nothing, whatever `bl` and `el`.
#[cfg(any(test, feature = "alloc"))]
fn modexp(
    spec: Spec,
    input: &[u8],
    gas: u64,
    out: &mut SliceVec<'_, u8>,
    budget: &mut Budget,
) -> Result<u64, PrecompileError> {
    use crate::state::U256;
    let len = |off: usize| {
        let v = U256::from_be_bytes(padded::<32>(input, off));
        u64::try_from(v).unwrap_or(u64::MAX)
    };
    let (bl, el, ml) = (len(0), len(32), len(64));
    // EIP-7823 (Osaka): each operand at most 1024 bytes, else a failure
    // (all gas consumed) before any gas computation.
    if spec.is_osaka() && (bl > MODEXP_MAX_OSAKA || el > MODEXP_MAX_OSAKA || ml > MODEXP_MAX_OSAKA)
    {
        return Err(PrecompileError::Failure);
    }
    // The input from byte `off` (empty past its end or beyond `usize`).
    let from = |off: u64| {
        usize::try_from(off)
            .ok()
            .and_then(|o| input.get(o..))
            .unwrap_or(&[])
    };
    // Head of the exponent (its first 32 bytes) for the iteration count.
    let exp_start = 96u64.saturating_add(bl);
    let head_len = el.min(32) as usize;
    let mut head = [0u8; 32];
    {
        let src = from(exp_start);
        let n = src.len().min(head_len);
        head[32 - head_len..32 - head_len + n].copy_from_slice(&src[..n]);
    }
    let head = U256::from_be_bytes(head);
    let head_bits = head.bit_len() as u64;
    // Gas in u128 with checked products: a cost beyond u64 is out of gas
    // whatever the gas limit (saturating here would undercharge).
    // EIP-2565, and from Osaka EIP-7883: 16 (not 8) per exponent byte past
    // 32, complexity 16 up to 32 bytes else 2·words², no division by 3, 500 minimum.
    let per_byte: u128 = if spec.is_osaka() { 16 } else { 8 };
    let iterations = if el <= 32 {
        Some(u128::from(head_bits.saturating_sub(1)))
    } else {
        per_byte
            .checked_mul(u128::from(el - 32))
            .map(|i| i + u128::from(head_bits.saturating_sub(1)))
    }
    .map(|i| i.max(1));
    let max_len = bl.max(ml);
    let words = u128::from(max_len.div_ceil(8));
    let cost = if spec.is_osaka() {
        let complexity = if max_len <= 32 {
            Some(16)
        } else {
            words.checked_mul(words).and_then(|w| w.checked_mul(2))
        };
        iterations
            .and_then(|i| complexity?.checked_mul(i))
            .and_then(|c| u64::try_from(c).ok())
            .ok_or(PrecompileError::OutOfGas)?
            .max(500)
    } else if words == 0 {
        200
    } else {
        iterations
            .and_then(|i| words.checked_mul(words)?.checked_mul(i))
            .and_then(|c| u64::try_from(c / 3).ok())
            .ok_or(PrecompileError::OutOfGas)?
            .max(200)
    };
    budget.pay(cost, gas)?;
    if ml == 0 {
        return Ok(cost);
    }
    let bound = budget.modexp_operand_bytes as u64;
    if bl > bound || el > bound || ml > bound {
        return Err(PrecompileError::OperandTooLarge);
    }
    // All three fit the bound, itself a `usize`.
    let (bl, el, ml) = (bl as usize, el as usize, ml as usize);
    let read = |src: &[u8], n: usize| -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; n];
        let k = src.len().min(n);
        v[..k].copy_from_slice(&src[..k]);
        v
    };
    let base = read(from(96), bl);
    let exp = read(from(exp_start), el);
    let modulus = read(from(exp_start.saturating_add(el as u64)), ml);
    let r = aurora_engine_modexp::modexp(&base, &exp, &modulus);
    let pad = ml.saturating_sub(r.len());
    for _ in 0..pad {
        out.push(0).map_err(|_| PrecompileError::Capacity)?;
    }
    let tail = r.get(r.len().saturating_sub(ml)..).unwrap_or(&[]);
    out.extend_from_slice(tail)
        .map_err(|_| PrecompileError::Capacity)?;
    Ok(cost)
}

#[cfg(any(test, feature = "bn254"))]
mod bn {
    //! BN254 helpers over `substrate-bn`.
    use super::PrecompileError;
    use substrate_bn::{AffineG1, AffineG2, Fq, Fq2, Group, Gt, G1, G2};

    fn fq(b: &[u8]) -> Result<Fq, PrecompileError> {
        Fq::from_slice(b).map_err(|_| PrecompileError::Failure)
    }

    pub(super) fn g1(b: &[u8; 64]) -> Result<G1, PrecompileError> {
        let x = fq(&b[..32])?;
        let y = fq(&b[32..])?;
        if x.is_zero() && y.is_zero() {
            Ok(G1::zero())
        } else {
            AffineG1::new(x, y)
                .map(G1::from)
                .map_err(|_| PrecompileError::Failure)
        }
    }

    pub(super) fn encode_g1(p: G1) -> [u8; 64] {
        let mut out = [0u8; 64];
        if let Some(a) = AffineG1::from_jacobian(p) {
            let _ = a.x().to_big_endian(&mut out[..32]);
            let _ = a.y().to_big_endian(&mut out[32..]);
        }
        out
    }

    pub(super) fn pairing(input: &[u8]) -> Result<bool, PrecompileError> {
        let mut pairs = alloc::vec::Vec::with_capacity(input.len() / 192);
        for c in input.as_chunks::<192>().0 {
            let mut a = [0u8; 64];
            a.copy_from_slice(&c[..64]);
            let a = g1(&a)?;
            let x = Fq2::new(fq(&c[96..128])?, fq(&c[64..96])?);
            let y = Fq2::new(fq(&c[160..192])?, fq(&c[128..160])?);
            let b = if x.is_zero() && y.is_zero() {
                G2::zero()
            } else {
                G2::from(AffineG2::new(x, y).map_err(|_| PrecompileError::Failure)?)
            };
            pairs.push((a, b));
        }
        Ok(substrate_bn::pairing_batch(&pairs) == Gt::one())
    }
}

const BLAKE2B_IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

const SIGMA: [[usize; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/// The BLAKE2b compression function F (EIP-152).
pub fn blake2f(rounds: u32, h: &mut [u64; 8], m: &[u64; 16], t: [u64; 2], f: bool) {
    let mut v = [0u64; 16];
    v[..8].copy_from_slice(h);
    v[8..].copy_from_slice(&BLAKE2B_IV);
    v[12] ^= t[0];
    v[13] ^= t[1];
    if f {
        v[14] = !v[14];
    }
    #[inline(always)]
    fn g(v: &mut [u64; 16], a: usize, b: usize, c: usize, d: usize, x: u64, y: u64) {
        v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
        v[d] = (v[d] ^ v[a]).rotate_right(32);
        v[c] = v[c].wrapping_add(v[d]);
        v[b] = (v[b] ^ v[c]).rotate_right(24);
        v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
        v[d] = (v[d] ^ v[a]).rotate_right(16);
        v[c] = v[c].wrapping_add(v[d]);
        v[b] = (v[b] ^ v[c]).rotate_right(63);
    }
    for i in 0..rounds as usize {
        let s = &SIGMA[i % 10];
        g(&mut v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
        g(&mut v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
        g(&mut v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
        g(&mut v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
        g(&mut v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
        g(&mut v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
        g(&mut v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
        g(&mut v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for i in 0..8 {
        h[i] ^= v[i] ^ v[i + 8];
    }
}

#[inline]
fn charge(cost: u64, gas: u64) -> Result<(), PrecompileError> {
    if cost > gas {
        Err(PrecompileError::OutOfGas)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        let mut a = [0u8; 20];
        assert_eq!(precompile_id(&a), None);
        a[19] = 4;
        assert_eq!(precompile_id(&a), Some(4));
        a[19] = 11;
        assert_eq!(precompile_id(&a), None);
        a[19] = 1;
        a[0] = 1;
        assert_eq!(precompile_id(&a), None);
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn call(id: u8, input: &[u8], gas: u64) -> Result<(u64, Vec<u8>), PrecompileError> {
        let mut b = vec![0u8; 1024];
        let mut out = SliceVec::new(&mut b);
        let mut budget = Budget::UNBOUNDED;
        let used = run(id, input, gas, &mut out, &mut budget)?;
        Ok((used, out.as_slice().to_vec()))
    }

    #[test]
    fn hashes() {
        let (g, o) = call(2, b"abc", 1000).unwrap();
        assert_eq!(g, 72);
        assert_eq!(
            o,
            hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        let (g, o) = call(3, b"abc", 1000).unwrap();
        assert_eq!(g, 720);
        assert_eq!(
            o,
            hex("0000000000000000000000008eb208f7e05d987a9b044a8e98c6b087f15a0bfc")
        );
    }

    #[test]
    fn ecrecover_known_signature() {
        // From the go-ethereum precompile tests.
        let input = hex("18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c000000000000000000000000000000000000000000000000000000000000001c73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75feeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549");
        let (g, o) = call(1, &input, 3000).unwrap();
        assert_eq!(g, 3000);
        assert_eq!(
            o,
            hex("000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b")
        );
        // A bad v gives empty output, not a failure.
        let mut bad = input.clone();
        bad[63] = 29;
        assert_eq!(call(1, &bad, 3000).unwrap(), (3000, vec![]));
    }

    #[test]
    fn modexp_small() {
        // 3^5 mod 7 = 5, lengths 1/1/1.
        let mut input = vec![0u8; 96];
        input[31] = 1;
        input[63] = 1;
        input[95] = 1;
        input.extend_from_slice(&[3, 5, 7]);
        assert_eq!(call(5, &input, 1000).unwrap(), (200, vec![5]));
    }

    /// Modexp head: base, exponent and modulus lengths.
    fn modexp_head(bl: u64, el: u64, ml: u64) -> Vec<u8> {
        let mut input = vec![0u8; 96];
        input[24..32].copy_from_slice(&bl.to_be_bytes());
        input[56..64].copy_from_slice(&el.to_be_bytes());
        input[88..96].copy_from_slice(&ml.to_be_bytes());
        input
    }

    #[test]
    fn modexp_operands_are_bounded_before_allocation() {
        let device = || Budget {
            steps: u64::MAX,
            modexp_operand_bytes: 1024,
        };
        let mut out_buf = vec![0u8; 1024];
        let mut out = SliceVec::new(&mut out_buf);
        // bl = 0, el = 800 KiB, ml = 1: ≈ 2.2 M gas, within 10 M, but an 800 KiB exponent.
        let input = modexp_head(0, 800 * 1024, 1);
        assert_eq!(
            run(5, &input, 10_000_000, &mut out, &mut device()),
            Err(PrecompileError::OperandTooLarge)
        );
        // Less gas than it costs: out of gas (the EVM result), not the device error.
        assert_eq!(
            run(5, &input, 2_000_000, &mut out, &mut device()),
            Err(PrecompileError::OutOfGas)
        );
        // At the bound it runs: 0^e mod 1 with a 1024-byte exponent.
        let input = modexp_head(0, 1024, 1);
        assert!(run(5, &input, 10_000_000, &mut out, &mut device()).is_ok());
        assert_eq!(out.as_slice(), &[0]);
        // ml = 0: empty output, no allocation, whatever el (here 2^63; bl = 0 makes it cheap).
        let input = modexp_head(0, 1 << 63, 0);
        assert_eq!(run(5, &input, 1000, &mut out, &mut device()), Ok(200));
        assert!(out.as_slice().is_empty());
        // A cost beyond u64 is out of gas, even with u64::MAX gas (it used to saturate).
        let input = modexp_head(1 << 40, 0, 0);
        assert_eq!(
            run(5, &input, u64::MAX, &mut out, &mut device()),
            Err(PrecompileError::OutOfGas)
        );
        // A length above 2^64 saturates and costs more gas than exists.
        let mut input = modexp_head(0, 0, 1);
        input[0] = 1;
        assert_eq!(
            run(5, &input, u64::MAX, &mut out, &mut device()),
            Err(PrecompileError::OutOfGas)
        );
    }

    #[test]
    fn precompile_work_is_checked_against_the_step_budget_first() {
        // blake2f with 2^32 - 1 rounds, paid for, and a budget of 1000 steps:
        // refused at once, before any round (running them takes minutes).
        let mut input = vec![0xff; 4];
        input.resize(213, 0);
        let mut budget = Budget {
            steps: 1000,
            modexp_operand_bytes: 1024,
        };
        let mut out_buf = vec![0u8; 64];
        let mut out = SliceVec::new(&mut out_buf);
        assert_eq!(
            run(9, &input, 1 << 40, &mut out, &mut budget),
            Err(PrecompileError::StepBudget)
        );
        assert_eq!(budget.steps, 1000);
        // Gas is checked before the budget: unpaid rounds are out of gas.
        assert_eq!(
            run(9, &input, 1000, &mut out, &mut budget),
            Err(PrecompileError::OutOfGas)
        );
        // Every precompile takes its gas cost from the budget.
        assert_eq!(run(4, &[0; 64], 100, &mut out, &mut budget), Ok(21));
        assert_eq!(budget.steps, 1000 - 21);
        assert_eq!(
            run(
                2,
                &[0; 64],
                1000,
                &mut out,
                &mut Budget {
                    steps: 83,
                    ..budget
                }
            ),
            Err(PrecompileError::StepBudget)
        );
    }

    #[test]
    fn bn_add_generator_twice() {
        // G + G = 2G on alt_bn128 (G = (1, 2)).
        let mut input = vec![0u8; 128];
        input[31] = 1;
        input[63] = 2;
        input[95] = 1;
        input[127] = 2;
        let (g, o) = call(6, &input, 1000).unwrap();
        assert_eq!(g, 150);
        assert_eq!(
            o,
            hex("030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4")
        );
        // A point off the curve fails.
        input[63] = 3;
        assert_eq!(call(6, &input, 1000), Err(PrecompileError::Failure));
    }

    #[test]
    fn blake2f_eip152_vector_5() {
        let mut input = hex("0000000c");
        input.extend(hex("48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b"));
        let mut m = vec![0u8; 128];
        m[..3].copy_from_slice(b"abc");
        input.extend(m);
        input.extend(3u64.to_le_bytes());
        input.extend(0u64.to_le_bytes());
        input.push(1);
        assert_eq!(input.len(), 213);
        let (g, o) = call(9, &input, 100).unwrap();
        assert_eq!(g, 12);
        assert_eq!(o, hex("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"));
        assert_eq!(call(9, &input[1..], 100), Err(PrecompileError::Failure));
    }

    #[test]
    fn identity() {
        let mut b = [0u8; 8];
        let mut out = SliceVec::new(&mut b);
        let mut budget = Budget::UNBOUNDED;
        let b = &mut budget;
        assert_eq!(run(4, &[1, 2, 3], 100, &mut out, b), Ok(18));
        assert_eq!(out.as_slice(), &[1, 2, 3]);
        assert_eq!(
            run(4, &[1, 2, 3], 17, &mut out, b),
            Err(PrecompileError::OutOfGas)
        );
    }
}
