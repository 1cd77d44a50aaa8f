//! Fixed cases against revm: every edge input of P256VERIFY, BLS12-381 and modexp, every kind of authorization tuple.

use super::inputs::{bls_input, call_with, modexp_input, p256_input, precompile, How};
use super::*;

/// Both sides' result of `tx` in `w` (`None`: rejected, or a precompile is
/// left out of this build).
fn both(w: &World, tx: &TxEnv<'_>) -> Option<Result_> {
    let block = BlockEnv {
        coinbase: COINBASE,
        ..BlockEnv::default()
    };
    match same(w, tx, &block) {
        Ok(r) => r,
        Err(TestCaseError::Reject(_)) => None,
        Err(e) => panic!("{e}"),
    }
}

/// A's output when its code calls precompile `id` with `input` and returns what it answered.
fn precompile_output(id: u16, input: &[u8]) -> Option<Vec<u8>> {
    let how = How {
        op: 0xf1,
        gas: None,
        ret_len: 256,
    };
    let mut code = call_with(&precompile(id), input, how);
    // RETURNDATASIZE PUSH0 RETURN: the answer, which `call_with` copied to 0.
    code.extend_from_slice(&[0x3d, 0x5f, 0xf3]);
    let mut w = World::default();
    w.put(
        caller(),
        Acct {
            balance: U256::from(10u64.pow(18)),
            ..Acct::default()
        },
    );
    w.put(
        A,
        Acct {
            nonce: 1,
            code,
            ..Acct::default()
        },
    );
    let tx = TxEnv {
        caller: caller(),
        to: Some(A),
        gas_limit: 1 << 24,
        max_fee_per_gas: U256::from(1),
        ..TxEnv::default()
    };
    let r = both(&w, &tx)?;
    assert_eq!(r.status, 0, "precompile {id:#x}: the caller itself fails");
    Some(r.output)
}

#[test]
fn p256verify_edges_same_as_revm() {
    let one = {
        let mut v = vec![0u8; 32];
        v[31] = 1;
        v
    };
    for seed in 1u8..4 {
        for kind in 0u8..16 {
            let input = p256_input([seed; 32], [seed ^ 0x5a; 32], kind);
            let out = precompile_output(P256VERIFY, &input).expect("P256VERIFY is built in");
            // Valid: 0–4 and the high-s twin (9); the rest fail with no output.
            let valid = kind <= 4 || kind == 9;
            assert_eq!(out == one, valid, "kind {kind}: {out:02x?}");
            assert!(valid || out.is_empty(), "kind {kind}");
        }
    }
}

#[test]
fn bls12_381_edges_same_as_revm() {
    let mut answered = 0;
    for id in 0x0bu8..=0x11 {
        for kind in 0u8..16 {
            for len in [3u8, 0, 1, 2] {
                // The record count matters to the MSMs and the pairing only.
                let ks: &[usize] = if matches!(id, 0x0c | 0x0e | 0x0f) {
                    &[1, 2]
                } else {
                    &[1]
                };
                for &k in ks {
                    let input = bls_input(id, k, &[kind ^ id; 32], &[kind, 6], len);
                    let Some(out) = precompile_output(u16::from(id), &input) else {
                        continue; // BLS12-381 is not in this build
                    };
                    answered += usize::from(!out.is_empty());
                    // Valid points at exact length answer (a pairing of
                    // two balanced pairs answers 1).
                    if id == 0x0f && kind == 5 && len == 3 {
                        assert_eq!(out.last(), Some(&1), "balanced pairing");
                    }
                }
            }
        }
    }
    if cfg!(feature = "bls12-381") {
        assert!(answered > 100, "only {answered} BLS calls answered");
    }
}

#[test]
fn modexp_bounds_same_as_revm() {
    let lens = [1023u128, 1024, 1025];
    let mut answered = 0;
    for b in lens {
        for e in [1u128, 32, 33] {
            for m in lens {
                for exp_kind in [0u8, 2] {
                    let input = modexp_input(
                        [(b, false), (e, false), (m, false)],
                        &[3; 32],
                        exp_kind,
                        None,
                    );
                    let out = precompile_output(5, &input).expect("modexp is built in");
                    answered += usize::from(!out.is_empty());
                    // EIP-7823: an operand over 1024 bytes fails the call.
                    assert_eq!(out.is_empty(), b > 1024 || m > 1024, "{b} {e} {m}");
                }
            }
        }
    }
    // The exponent at the bound (payable with a 1-byte modulus) and over it.
    for e in [1024u128, 1025] {
        let input = modexp_input([(1, false), (e, false), (1, false)], &[5; 32], 0, None);
        let out = precompile_output(5, &input).expect("modexp is built in");
        assert_eq!(out.is_empty(), e > 1024, "exponent of {e} bytes");
    }
    // Small lengths and one over 2^64.
    for lens in [
        [(0, false); 3],
        [(1, false), (1, false), (1, false)],
        [(1, false), (0, true), (1, false)],
    ] {
        precompile_output(5, &modexp_input(lens, &[9; 32], 3, None));
    }
    assert!(answered > 0);
}

#[test]
fn authorizations_same_as_revm() {
    let t = targets();
    let base = AuthSpec {
        signer: 1,
        target: 0,
        chain: 0,
        nonce: 0,
        sig: 0,
    };
    let mut specs = Vec::new();
    for signer in 0..auth::SIGNERS {
        let b = AuthSpec { signer, ..base };
        specs.extend((0..auth::SIGS).map(|sig| AuthSpec { sig, ..b }));
        specs.extend((0..auth::CHAINS).map(|chain| AuthSpec { chain, ..b }));
        specs.extend((0..auth::NONCES).map(|nonce| AuthSpec { nonce, ..b }));
        specs.extend((0..t.len()).map(|target| AuthSpec { target, ..b }));
    }
    // A calls EOAs 0 and 1 (with their delegates' code, if any) and probes their code.
    let how = How {
        op: 0xf1,
        gas: None,
        ret_len: 32,
    };
    let mut code_a = call_with(&eoa(0), &[1, 2], how);
    code_a.extend(call_with(&eoa(1), &[], How { op: 0xfa, ..how }));
    code_a.extend(push_address(&eoa(0)));
    code_a.extend_from_slice(&[0x3f, 0x60, 9, 0x55]);
    // B: SSTORE(CALLER, CALLVALUE + 1), then return ADDRESS.
    let code_b = vec![
        0x34, 0x60, 1, 0x01, 0x33, 0x55, 0x30, 0x5f, 0x52, 0x60, 32, 0x5f, 0xf3,
    ];
    let c = Case {
        code_a,
        code_b,
        st_a: BTreeMap::new(),
        st_b: BTreeMap::new(),
        bal_a: 0,
        caller_nonce: 2,
        caller_delegate: None,
        eoas: vec![
            EoaSpec {
                kind: 1,
                nonce: 1,
                target: 0,
                balance: 5,
            },
            EoaSpec {
                kind: 2,
                nonce: 0,
                target: 1,
                balance: 0,
            },
            EoaSpec {
                kind: 3,
                nonce: 0,
                target: 0,
                balance: 0,
            },
        ],
        to: 0,
        value: 0,
        data: Vec::new(),
        gas_limit: 500_000,
        prio: Some(1),
        access: Vec::new(),
        block: (1, 1, 1),
        auths: None,
    };
    for s in specs {
        let case = Case {
            auths: Some(vec![s]),
            ..c.clone()
        };
        let w = world(&case);
        let list = authorizations(&[s], &w, 1);
        let tx = TxEnv {
            caller: caller(),
            to: Some(A),
            gas_limit: case.gas_limit,
            nonce: case.caller_nonce,
            max_fee_per_gas: U256::from(10),
            max_priority_fee_per_gas: Some(U256::from(1)),
            authorization_list: Some(&list),
            ..TxEnv::default()
        };
        let r = both(&w, &tx).expect("a valid transaction");
        let who = auth::address(s.signer);
        let code = r.post.get(&who).map(|a| a.code.clone()).unwrap_or_default();
        let want = if t[s.target] == [0; 20] {
            Vec::new()
        } else {
            designator(&t[s.target]).to_vec()
        };
        // Signer 3 (EOA 2) has contract code: its tuples never apply.
        match auth::valid(&s).map(|v| v && s.signer != 3) {
            Some(true) => assert_eq!(code, want, "{s:?} not applied"),
            Some(false) => {
                let pre = w
                    .accounts
                    .get(&who)
                    .map(|a| a.code.clone())
                    .unwrap_or_default();
                assert_eq!(code, pre, "{s:?} applied");
            }
            None => {}
        }
    }
}
