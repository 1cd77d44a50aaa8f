//! Osaka device benchmark inputs: a valid P256VERIFY signature and CLZ loops, with the host's answers.

use evm_core::buf::SliceVec;
use evm_core::precompile::{p256_verify, Budget, P256VERIFY_GAS};
use protocol::BlockQuery;

use crate::benchmarks::{BenchCase, PreAccount};
use crate::{Device, Reply, Result};

/// A valid secp256r1 signature as P256VERIFY input (hash ‖ r ‖ s ‖ qx ‖ qy;
/// revm-precompile's `secp256r1` test vector `ok_1`).
pub fn p256_valid_input() -> Vec<u8> {
    hex::decode(concat!(
        "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4d",
        "a73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac",
        "36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d60",
        "4aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff3",
        "7618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e",
    ))
    .unwrap_or_default()
}

/// The host's P256VERIFY output on `input` (the word 1, or empty), or `None` on an error.
pub fn p256_host_output(input: &[u8]) -> Option<Vec<u8>> {
    let mut buf = [0u8; 32];
    let mut out = SliceVec::new(&mut buf);
    let mut budget = Budget::UNBOUNDED;
    p256_verify(input, P256VERIFY_GAS, &mut out, &mut budget).ok()?;
    Some(out.as_slice().to_vec())
}

/// CLZ (EIP-7939).
const CLZ: u8 = 0x1e;

/// Code counting a stack word down from `n` to 0; each round runs `DUP1`,
/// `CLZ` (when `with_clz`) and `POP` on the counter, then the loop's
/// `PUSH1 1, SWAP1, SUB, DUP1, PUSH1 3, JUMPI`.
pub fn clz_loop_code(n: u16, with_clz: bool) -> Vec<u8> {
    let [hi, lo] = n.to_be_bytes();
    // PUSH2 n; loop (pc 3): JUMPDEST
    let mut code = vec![0x61, hi, lo, 0x5b, 0x80];
    if with_clz {
        code.push(CLZ);
    }
    // POP; PUSH1 1; SWAP1; SUB; DUP1; PUSH1 3; JUMPI; STOP
    code.extend_from_slice(&[0x50, 0x60, 0x01, 0x90, 0x03, 0x80, 0x60, 0x03, 0x57, 0x00]);
    code
}

/// A call of [`clz_loop_code`] as a device query (and host run), under the
/// device's default fork (Osaka).
pub fn clz_loop_case(n: u16, with_clz: bool) -> BenchCase {
    let word = |v: u64| {
        let mut w = [0u8; 32];
        w[24..].copy_from_slice(&v.to_be_bytes());
        w
    };
    let (caller, to) = ([0xca; 20], [0xc1; 20]);
    BenchCase {
        name: format!(
            "{} loop of {n} rounds",
            if with_clz { "CLZ" } else { "no-CLZ" }
        ),
        accounts: vec![
            PreAccount {
                address: to,
                nonce: 1,
                balance: [0; 32],
                code: clz_loop_code(n, with_clz),
            },
            PreAccount {
                address: caller,
                nonce: 0,
                balance: word(1_000_000_000_000_000_000),
                code: Vec::new(),
            },
        ],
        block: BlockQuery {
            number: 1,
            timestamp: 1_800_000_000,
            gas_limit: 30_000_000,
            base_fee: word(7),
            coinbase: [0xc0; 20],
            chain_id: 1,
        },
        caller,
        to,
        nonce: 0,
        data: Vec::new(),
        gas_limit: 10_000_000,
        gas_price: word(10),
        value: [0; 32],
    }
}

/// Device instructions of a CLZ loop and of the same loop without CLZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClzCounts {
    /// Rounds of each loop.
    pub rounds: u16,
    /// Instructions of the loop with CLZ.
    pub with_clz: u64,
    /// Instructions of the loop without it.
    pub without_clz: u64,
}

impl ClzCounts {
    /// Instructions per round of the loop with CLZ.
    pub fn per_round(&self) -> f64 {
        self.with_clz as f64 / f64::from(self.rounds)
    }

    /// Instructions per CLZ: the difference of the two loops, per round.
    pub fn per_clz(&self) -> f64 {
        (self.with_clz as f64 - self.without_clz as f64) / f64::from(self.rounds)
    }
}

/// Runs both loops of `rounds` rounds on `device`, each checked equal
/// (status, gas, output) to the host's run.
pub fn clz_loop_counts(device: &mut Device, rounds: u16) -> Result<ClzCounts> {
    let mut count = |with_clz| -> Result<u64> {
        let case = clz_loop_case(rounds, with_clz);
        let host = case.run_on_host()?;
        match device.execute(&case.query_bytes()?)? {
            Reply::Executed(s)
                if (s.status, s.gas_used, s.output_hash)
                    == (host.status, host.gas_used, host.output_hash) =>
            {
                s.instructions
                    .ok_or_else(|| format!("{}: not measured", case.name))
            }
            other => Err(format!("{}: device {other:?}, host {host:?}", case.name)),
        }
    };
    Ok(ClzCounts {
        rounds,
        with_clz: count(true)?,
        without_clz: count(false)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::ExecOutcome;

    #[test]
    fn the_p256_input_verifies_and_a_changed_one_does_not() {
        let input = p256_valid_input();
        assert_eq!(input.len(), 160);
        let mut one = vec![0u8; 32];
        one[31] = 1;
        assert_eq!(p256_host_output(&input), Some(one));
        let mut bad = input;
        bad[40] ^= 1;
        assert_eq!(p256_host_output(&bad), Some(Vec::new()));
    }

    #[test]
    fn clz_costs_its_5_gas_per_round_on_the_host() {
        let run = |with| clz_loop_case(1000, with).run_on_host().unwrap();
        let (with, without) = (run(true), run(false));
        assert_eq!(
            (with.status, without.status),
            (ExecOutcome::Success, ExecOutcome::Success)
        );
        assert_eq!(with.gas_used - without.gas_used, 5 * 1000);
    }
}
