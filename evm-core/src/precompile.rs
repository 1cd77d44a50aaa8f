//! Precompiled contracts by fork: 0x01–0x0a (Cancun), 0x0b–0x11 BLS12-381 (Prague), 0x100 P256VERIFY (Osaka).

use crate::buf::SliceVec;
use crate::spec::Spec;
use crate::state::Address;

mod blake2f;
pub mod bls12_381;
#[cfg(any(test, feature = "bn254"))]
mod bn254;
mod ecrecover;
mod identity;
mod kzg;
#[cfg(any(test, feature = "alloc"))]
mod modexp;
mod p256verify;
mod ripemd160;
mod sha256;

pub use crate::limits::MODEXP_MAX_OSAKA;
pub use blake2f::blake2f;
pub use kzg::BLS_MODULUS;
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

/// The buffer a precompile writes its output to.
pub type Output<'o> = SliceVec<'o, u8>;

/// What a precompile call answers: the gas it used, or why it failed.
pub type GasUsed = Result<u64, PrecompileError>;

/// A precompile function: `input`, the gas available, the output buffer
/// (cleared first), the device's bounds; answers the gas it used.
pub type Precompile = fn(&[u8], u64, &mut Output<'_>, &mut Budget) -> GasUsed;

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
pub fn run(id: u8, input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
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
    out: &mut Output<'_>,
    budget: &mut Budget,
) -> GasUsed {
    out.clear();
    match id {
        1 => ecrecover::run(input, gas, out, budget),
        2 => sha256::run(input, gas, out, budget),
        3 => ripemd160::run(input, gas, out, budget),
        4 => identity::run(input, gas, out, budget),
        #[cfg(any(test, feature = "alloc"))]
        5 => modexp::run(spec, input, gas, out, budget),
        #[cfg(any(test, feature = "bn254"))]
        6 => bn254::add(input, gas, out, budget),
        #[cfg(any(test, feature = "bn254"))]
        7 => bn254::mul(input, gas, out, budget),
        #[cfg(any(test, feature = "bn254"))]
        8 => bn254::pairing_check(input, gas, out, budget),
        9 => blake2f::run(input, gas, out, budget),
        #[cfg(feature = "kzg")]
        10 => kzg::run(input, gas, out, budget),
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
    out: &mut Output<'_>,
    budget: &mut Budget,
) -> GasUsed {
    let f = bls12_381::at(id).ok_or(PrecompileError::Unsupported)?;
    f(input, gas, out, budget)
}

/// `N` bytes of `input` from `off`, zero-padded.
fn padded<const N: usize>(input: &[u8], off: usize) -> [u8; N] {
    let mut w = [0u8; N];
    let src = input.get(off..).unwrap_or(&[]);
    let n = src.len().min(N);
    w[..n].copy_from_slice(&src[..n]);
    w
}

/// Appends `b` to `out` (a full return-data buffer is a device limit).
#[inline]
fn put(out: &mut SliceVec<'_, u8>, b: &[u8]) -> Result<(), PrecompileError> {
    out.extend_from_slice(b)
        .map(|_| ())
        .map_err(|_| PrecompileError::Capacity)
}

/// The 32-byte word 1 or 0 of a check (pairings, P256VERIFY).
#[inline]
fn word(ok: bool) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[31] = u8::from(ok);
    w
}

/// The input must be exactly `len` bytes (else the call fails).
#[inline]
fn exact(input: &[u8], len: usize) -> Result<(), PrecompileError> {
    if input.len() == len {
        Ok(())
    } else {
        Err(PrecompileError::Failure)
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
