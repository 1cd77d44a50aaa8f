//! Routines the host can time on the device: keccak256, ecrecover, BLS12-381 and P256VERIFY precompiles, ECDSA signing.

use evm_core::buf::SliceVec;
#[cfg(feature = "test-hooks")]
use k256::ecdsa::SigningKey;
#[cfg(feature = "test-hooks")]
use protocol::limits::BENCH_SECRET_KEY;
use protocol::limits::MAX_ROUTINE_INPUT;
use protocol::{ErrorCode, Routine};

use crate::service::{Measurement, Platform};

/// Largest routine output (a 65-byte signature).
pub const ROUTINE_OUTPUT: usize = 65;

/// Gas handed to the ecrecover precompile (its fixed cost).
const ECRECOVER_GAS: u64 = 3000;

/// Run `routine`, counting instructions on `platform`; write its output to
/// `out` and return the count and the output length.
#[inline(never)]
pub fn run_routine<P: Platform>(
    platform: &mut P,
    routine: &Routine<'_>,
    out: &mut [u8; ROUTINE_OUTPUT],
) -> Result<(Measurement, usize), ErrorCode> {
    let too_large = |len: usize| ErrorCode::InputTooLarge {
        got: u32::try_from(len).unwrap_or(u32::MAX),
        limit: MAX_ROUTINE_INPUT as u32,
    };
    match routine {
        Routine::Keccak256 { data } => {
            if data.len() > MAX_ROUTINE_INPUT {
                return Err(too_large(data.len()));
            }
            let mut digest = [0u8; 32];
            let m = platform.measure(&mut || {
                digest = evm_core::keccak256(data);
            });
            out[..32].copy_from_slice(&digest);
            Ok((m, 32))
        }
        Routine::EcRecover { input } => {
            if input.len() > MAX_ROUTINE_INPUT {
                return Err(too_large(input.len()));
            }
            let mut buf = [0u8; 32];
            let mut result = None;
            let m = platform.measure(&mut || {
                let mut output = SliceVec::new(&mut buf);
                // ecrecover's work is fixed (3000 gas): no step budget needed.
                let mut budget = evm_core::precompile::Budget::UNBOUNDED;
                result = Some(
                    evm_core::precompile::run(1, input, ECRECOVER_GAS, &mut output, &mut budget)
                        .map(|_| output.len()),
                );
            });
            match result {
                Some(Ok(len)) => {
                    out[..len].copy_from_slice(&buf[..len]);
                    Ok((m, len))
                }
                _ => Err(ErrorCode::Unsupported),
            }
        }
        Routine::Bls12 { address, input } => {
            if input.len() > MAX_ROUTINE_INPUT {
                return Err(too_large(input.len()));
            }
            bls12(platform, *address, input, out)
        }
        Routine::P256Verify { input } => {
            if input.len() > MAX_ROUTINE_INPUT {
                return Err(too_large(input.len()));
            }
            p256_verify(platform, input, out)
        }
        Routine::Spin { iterations } => spin(platform, *iterations),
        Routine::Sign { digest } => sign_with_bench_key(platform, digest, out),
    }
}

/// The BLS12-381 precompile at `address` on `input` with unbounded gas and
/// steps; its output (at most a 256-byte G2 point) is reported as its keccak256.
fn bls12<P: Platform>(
    platform: &mut P,
    address: u8,
    input: &[u8],
    out: &mut [u8; ROUTINE_OUTPUT],
) -> Result<(Measurement, usize), ErrorCode> {
    use evm_core::precompile::{bls12_381, Budget, PrecompileError};
    let f = bls12_381::at(u16::from(address)).ok_or(ErrorCode::Unsupported)?;
    let mut buf = [0u8; 256];
    let mut result = None;
    let m = platform.measure(&mut || {
        let mut output = SliceVec::new(&mut buf);
        let mut budget = Budget::UNBOUNDED;
        result = Some(f(input, u64::MAX, &mut output, &mut budget).map(|_| output.len()));
    });
    match result {
        Some(Ok(len)) => {
            out[..32].copy_from_slice(&evm_core::keccak256(buf.get(..len).unwrap_or_default()));
            Ok((m, 32))
        }
        Some(Err(PrecompileError::Failure)) => Ok((m, 0)),
        _ => Err(ErrorCode::Unsupported),
    }
}

/// P256VERIFY (its fixed 6,900 gas) on `input`; its output is the word 1 or nothing.
fn p256_verify<P: Platform>(
    platform: &mut P,
    input: &[u8],
    out: &mut [u8; ROUTINE_OUTPUT],
) -> Result<(Measurement, usize), ErrorCode> {
    use evm_core::precompile::{p256_verify, Budget, P256VERIFY_GAS};
    let mut buf = [0u8; 32];
    let mut result = None;
    let m = platform.measure(&mut || {
        let mut output = SliceVec::new(&mut buf);
        let mut budget = Budget::UNBOUNDED;
        result = Some(
            p256_verify(input, P256VERIFY_GAS, &mut output, &mut budget).map(|_| output.len()),
        );
    });
    match result {
        Some(Ok(len)) => {
            out[..len].copy_from_slice(&buf[..len]);
            Ok((m, len))
        }
        _ => Err(ErrorCode::Unsupported),
    }
}

/// ECDSA with the public benchmark key, for timing only: a production build
/// never signs a digest the host sends, so only test and benchmark builds
/// (`test-hooks`) serve it.
#[cfg(feature = "test-hooks")]
fn sign_with_bench_key<P: Platform>(
    platform: &mut P,
    digest: &[u8; 32],
    out: &mut [u8; ROUTINE_OUTPUT],
) -> Result<(Measurement, usize), ErrorCode> {
    let key = SigningKey::from_slice(&BENCH_SECRET_KEY).map_err(|_| ErrorCode::Unsupported)?;
    let mut signed = None;
    let m = platform.measure(&mut || signed = Some(key.sign_prehash_recoverable(digest)));
    match signed {
        Some(Ok((signature, recovery))) => {
            out[..64].copy_from_slice(&signature.to_bytes());
            out[64] = recovery.to_byte();
            Ok((m, 65))
        }
        _ => Err(ErrorCode::Unsupported),
    }
}

#[cfg(not(feature = "test-hooks"))]
fn sign_with_bench_key<P: Platform>(
    _: &mut P,
    _: &[u8; 32],
    _: &mut [u8; ROUTINE_OUTPUT],
) -> Result<(Measurement, usize), ErrorCode> {
    Err(ErrorCode::Unsupported)
}

/// A busy loop whose instruction count is linear in `iterations`.
#[cfg(feature = "test-hooks")]
fn spin<P: Platform>(platform: &mut P, iterations: u32) -> Result<(Measurement, usize), ErrorCode> {
    let m = platform.measure(&mut || {
        let mut i = 0u32;
        while core::hint::black_box(i) < iterations {
            i += 1;
        }
    });
    Ok((m, 0))
}

#[cfg(not(feature = "test-hooks"))]
fn spin<P: Platform>(_: &mut P, _: u32) -> Result<(Measurement, usize), ErrorCode> {
    Err(ErrorCode::Unsupported)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::service::TestHost as Host;

    #[cfg(feature = "test-hooks")]
    #[test]
    fn a_signature_recovers_to_the_bench_key_address() {
        use k256::ecdsa::SigningKey;
        use protocol::limits::BENCH_SECRET_KEY;
        let digest = [0x42; 32];
        let mut out = [0u8; ROUTINE_OUTPUT];
        let (_, len) = run_routine(&mut Host, &Routine::Sign { digest }, &mut out).unwrap();
        assert_eq!(len, 65);
        let mut input = [0u8; 128];
        input[..32].copy_from_slice(&digest);
        input[63] = 27 + out[64];
        input[64..128].copy_from_slice(&out[..64]);
        let mut recovered = [0u8; ROUTINE_OUTPUT];
        let (_, len) = run_routine(
            &mut Host,
            &Routine::EcRecover { input: &input },
            &mut recovered,
        )
        .unwrap();
        assert_eq!(len, 32);
        let key = SigningKey::from_slice(&BENCH_SECRET_KEY).unwrap();
        let point = key.verifying_key().to_encoded_point(false);
        let hash = evm_core::keccak256(&point.as_bytes()[1..]);
        assert_eq!(recovered[12..32], hash[12..]);
    }

    #[cfg(not(feature = "test-hooks"))]
    #[test]
    fn production_builds_sign_nothing_the_host_sends() {
        let mut out = [0u8; ROUTINE_OUTPUT];
        assert_eq!(
            run_routine(&mut Host, &Routine::Sign { digest: [0x42; 32] }, &mut out),
            Err(ErrorCode::Unsupported)
        );
        assert_eq!(out, [0u8; ROUTINE_OUTPUT]);
    }

    #[test]
    fn a_bls12_pairing_runs_and_reports_the_keccak_of_its_word() {
        // One pair of points at infinity: valid, the product is 1.
        let input = [0u8; 384];
        let mut out = [0u8; ROUTINE_OUTPUT];
        let routine = Routine::Bls12 {
            address: 0x0f,
            input: &input,
        };
        let (_, len) = run_routine(&mut Host, &routine, &mut out).unwrap();
        let mut one = [0u8; 32];
        one[31] = 1;
        assert_eq!(
            (len, out[..32].to_vec()),
            (32, evm_core::keccak256(&one).to_vec())
        );
        // Invalid (a padding byte set): no output; an unknown address: refused.
        let mut bad = input;
        bad[0] = 1;
        let routine = Routine::Bls12 {
            address: 0x0f,
            input: &bad,
        };
        assert_eq!(run_routine(&mut Host, &routine, &mut out).unwrap().1, 0);
        let routine = Routine::Bls12 {
            address: 0x0a,
            input: &input,
        };
        assert_eq!(
            run_routine(&mut Host, &routine, &mut out),
            Err(ErrorCode::Unsupported)
        );
    }

    #[test]
    fn p256verify_answers_one_for_a_valid_signature_and_nothing_else() {
        // A valid signature (revm-precompile's `secp256r1` test vector `ok_1`).
        let input = hex_literal(
            "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4d\
             a73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac\
             36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d60\
             4aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff3\
             7618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e",
        );
        let mut out = [0u8; ROUTINE_OUTPUT];
        let (_, len) =
            run_routine(&mut Host, &Routine::P256Verify { input: &input }, &mut out).unwrap();
        assert_eq!(
            (len, out[31], out[..31].iter().all(|b| *b == 0)),
            (32, 1, true)
        );
        let mut bad = input.clone();
        bad[0] ^= 1;
        let routine = Routine::P256Verify { input: &bad };
        assert_eq!(run_routine(&mut Host, &routine, &mut out).unwrap().1, 0);
        let routine = Routine::P256Verify {
            input: &input[..159],
        };
        assert_eq!(run_routine(&mut Host, &routine, &mut out).unwrap().1, 0);
    }

    fn hex_literal(s: &str) -> Vec<u8> {
        let s: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        s.chunks(2)
            .map(|c| u8::from_str_radix(core::str::from_utf8(c).unwrap(), 16).unwrap())
            .collect()
    }

    #[test]
    fn a_bad_signature_recovers_nothing() {
        let input = [0u8; 128];
        let mut out = [0u8; ROUTINE_OUTPUT];
        let (_, len) =
            run_routine(&mut Host, &Routine::EcRecover { input: &input }, &mut out).unwrap();
        assert_eq!(len, 0);
    }

    #[test]
    fn oversized_inputs_are_refused() {
        let data = [0u8; MAX_ROUTINE_INPUT + 1];
        let mut out = [0u8; ROUTINE_OUTPUT];
        for routine in [
            Routine::Keccak256 { data: &data },
            Routine::EcRecover { input: &data },
            Routine::Bls12 {
                address: 0x0f,
                input: &data,
            },
            Routine::P256Verify { input: &data },
        ] {
            assert!(matches!(
                run_routine(&mut Host, &routine, &mut out),
                Err(ErrorCode::InputTooLarge { .. })
            ));
        }
    }
}
