//! BLS12-381 benchmark inputs (EIP-2537) and the host's answers for them.

use evm_core::buf::SliceVec;
use evm_core::precompile::{bls12_381, Budget};

/// The host's output of the precompile at `address` on `input` (`None` if it fails).
pub fn host_output(address: u8, input: &[u8]) -> Option<Vec<u8>> {
    let f = bls12_381::at(u16::from(address))?;
    let mut buf = [0u8; 256];
    let mut out = SliceVec::new(&mut buf);
    let mut budget = Budget::UNBOUNDED;
    f(input, u64::MAX, &mut out, &mut budget).ok()?;
    Some(out.as_slice().to_vec())
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_default()
}

/// A 48-byte value as a 64-byte field element.
fn fe(s: &str) -> Vec<u8> {
    [vec![0u8; 16], unhex(s)].concat()
}

/// The G1 generator, encoded.
pub fn g1_generator() -> Vec<u8> {
    [
        fe("17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"),
        fe("08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1"),
    ]
    .concat()
}

/// The G2 generator, encoded.
pub fn g2_generator() -> Vec<u8> {
    [
        fe("024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"),
        fe("13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"),
        fe("0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801"),
        fe("0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be"),
    ]
    .concat()
}

/// `s·G1` for a 32-byte scalar, through the host's G1MSM.
fn g1_times(s: &[u8]) -> Vec<u8> {
    host_output(0x0c, &[g1_generator(), s.to_vec()].concat()).unwrap_or_default()
}

/// The benchmark set: (name, precompile address, input).
///
/// One pairing (e(G1, G2), output 0), two pairings (e(G1, G2)·e(−G1, G2),
/// output 1), and a G1 MSM of 8 points `kᵢ·G1` with 32-byte scalars (`kᵢ`
/// and the scalars are keccak256 of small counters).
pub fn bench_inputs() -> Vec<(&'static str, u8, Vec<u8>)> {
    let (g1, g2) = (g1_generator(), g2_generator());
    // r − 1: (r − 1)·G1 = −G1.
    let neg_g1 = g1_times(&unhex(
        "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
    ));
    let msm: Vec<u8> = (0u8..8)
        .flat_map(|i| {
            let point = g1_times(&evm_core::keccak256(&[i]));
            [point, evm_core::keccak256(&[100 + i]).to_vec()].concat()
        })
        .collect();
    vec![
        (
            "BLS12-381 pairing check, 1 pair (0x0f)",
            0x0f,
            [g1.clone(), g2.clone()].concat(),
        ),
        (
            "BLS12-381 pairing check, 2 pairs (0x0f)",
            0x0f,
            [g1, g2.clone(), neg_g1, g2].concat(),
        ),
        ("BLS12-381 G1 MSM, 8 points (0x0c)", 0x0c, msm),
    ]
}
