//! Tests of the Prague and Osaka rules, one or more per EIP, each run against the fork before it.

use super::authorization::{designator, signing_hash};
use super::test_support::{Mem, CONTRACT, SENDER};
use super::*;
use crate::env::Authorization;
use crate::error::InvalidTx;
use crate::opcode::op;
use crate::precompile::PrecompileError;
use crate::result::{ExecStatus, Halt};
use crate::{HeapBuffers, Limits};

fn tx() -> TxEnv<'static> {
    TxEnv {
        caller: SENDER,
        to: Some(CONTRACT),
        gas_limit: 1_000_000,
        max_fee_per_gas: U256::from(10),
        ..TxEnv::default()
    }
}

/// Outcome and storage writes of `t` on `state` under `spec`.
type Run = Result<(Outcome, Vec<(Address, U256, U256)>), Error<()>>;

fn run(spec: Spec, state: &Mem, t: &TxEnv<'_>) -> Run {
    run_in(spec, state, &BlockEnv::default(), t)
}

fn run_in(spec: Spec, state: &Mem, block: &BlockEnv, t: &TxEnv<'_>) -> Run {
    let mut hb = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::new(state, hb.buffers());
    evm.set_spec(spec);
    let out = evm.transact(block, t)?;
    Ok((out, evm.storage_changes().collect()))
}

/// `PUSH<n> x, op, PUSH1 0, SSTORE, STOP`: stores `op(x)` in slot 0.
fn store_unary(x: U256, op: u8) -> Vec<u8> {
    let mut c = vec![0x7f];
    c.extend_from_slice(&x.to_be_bytes::<32>());
    c.extend_from_slice(&[op, 0x60, 0, 0x55, 0x00]);
    c
}

fn slot0(r: &Run) -> Option<U256> {
    let (_, w) = r.as_ref().ok()?;
    w.iter().find(|(_, k, _)| k.is_zero()).map(|(_, _, v)| *v)
}

// EIP-7939: CLZ.

#[test]
fn clz_counts_leading_zeros_from_osaka_on() {
    for (x, want) in [
        (U256::ZERO, 256u64),
        (U256::from(1), 255),
        (U256::MAX, 0),
        (U256::from(1) << 200, 55),
    ] {
        let state = Mem::contract(&store_unary(x, op::CLZ));
        let r = run(Spec::Osaka, &state, &tx());
        if want == 0 {
            // Zero stored in a zero slot: no write, but success.
            assert!(r.as_ref().is_ok_and(|o| o.0.status == ExecStatus::Success));
            assert_eq!(slot0(&r), None);
        } else {
            assert_eq!(slot0(&r), Some(U256::from(want)), "clz({x})");
        }
    }
    // Before Osaka 0x1e is undefined.
    let state = Mem::contract(&store_unary(U256::from(1), op::CLZ));
    for spec in [Spec::Cancun, Spec::Prague] {
        let r = run(spec, &state, &tx());
        assert_eq!(
            r.map(|o| o.0.status),
            Ok(ExecStatus::Halt(Halt::InvalidOpcode))
        );
    }
}

#[test]
fn clz_costs_five_gas() {
    // PUSH1 1 CLZ STOP: 3 + 5.
    let state = Mem::contract(&[0x60, 1, op::CLZ, 0x00]);
    let r = run(Spec::Osaka, &state, &tx()).unwrap();
    assert_eq!(r.0.gas_used, 21_000 + 3 + 5);
}

/// `CALL target` with no input and all gas, `POP`, `STOP`.
fn call_code(target: &Address) -> Vec<u8> {
    let mut c = vec![0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73];
    c.extend_from_slice(target);
    c.extend_from_slice(&[0x5a, 0xf1, 0x50, 0x00]);
    c
}

fn precompile_address(id: u16) -> Address {
    let mut a = [0u8; 20];
    a[18..].copy_from_slice(&id.to_be_bytes());
    a
}

// EIP-7951: P256VERIFY at 0x100.

#[test]
fn p256verify_is_a_warm_precompile_from_osaka_on() {
    let a = precompile_address(0x100);
    let state = Mem::contract(&call_code(&a));
    let gas = |spec| run(spec, &state, &tx()).map(|o| o.0.gas_used);
    // 6 PUSHes (18), GAS (2), POP (2); the call: warm 100 + 6900 in the precompile.
    let pushes = 21_000 + 6 * 3 + 2 + 2;
    assert_eq!(
        gas(Spec::Osaka),
        Ok(pushes + 100 + precompile::P256VERIFY_GAS)
    );
    // Before Osaka an empty, cold account.
    assert_eq!(gas(Spec::Prague), Ok(pushes + 2600));
    // The dispatch verifies a real signature.
    use p256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
    let key = SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    let hash = [0x11u8; 32];
    let sig: Signature = key.sign_prehash(&hash).unwrap();
    let q = key.verifying_key().to_encoded_point(false);
    let mut input = hash.to_vec();
    input.extend_from_slice(&sig.to_bytes());
    input.extend_from_slice(q.x().unwrap());
    input.extend_from_slice(q.y().unwrap());
    let mut b = [0u8; 64];
    let mut out = SliceVec::new(&mut b);
    let mut budget = precompile::Budget::UNBOUNDED;
    let r = precompile::run_spec(Spec::Osaka, 0x100, &input, 10_000, &mut out, &mut budget);
    assert_eq!(r, Ok(precompile::P256VERIFY_GAS));
    assert_eq!(out.as_slice().last(), Some(&1));
    let r = precompile::run_spec(Spec::Prague, 0x100, &input, 10_000, &mut out, &mut budget);
    assert_eq!(r, Err(PrecompileError::Unsupported));
}

// EIP-7823 and EIP-7883: modexp.

fn modexp_input(bl: u64, el: u64, ml: u64, tail: &[u8]) -> Vec<u8> {
    let mut input = vec![0u8; 96];
    input[24..32].copy_from_slice(&bl.to_be_bytes());
    input[56..64].copy_from_slice(&el.to_be_bytes());
    input[88..96].copy_from_slice(&ml.to_be_bytes());
    input.extend_from_slice(tail);
    input
}

fn modexp(spec: Spec, input: &[u8]) -> Result<(u64, Vec<u8>), PrecompileError> {
    let mut b = vec![0u8; 2048];
    let mut out = SliceVec::new(&mut b);
    let mut budget = precompile::Budget::UNBOUNDED;
    let used = precompile::run_spec(spec, 5, input, 10_000_000, &mut out, &mut budget)?;
    Ok((used, out.as_slice().to_vec()))
}

#[test]
fn modexp_gas_eip7883() {
    // 3^5 mod 7: minimum 200 before Osaka, 500 from Osaka.
    let small = modexp_input(1, 1, 1, &[3, 5, 7]);
    assert_eq!(modexp(Spec::Prague, &small), Ok((200, vec![5])));
    assert_eq!(modexp(Spec::Osaka, &small), Ok((500, vec![5])));
    // 64-byte base and modulus, exponent 2^255 (32 bytes, 255 iterations):
    // Prague 8² × 255 / 3 = 5440; Osaka 2 × 8² × 255 = 32640.
    let mut tail = vec![1u8; 64];
    let mut e = [0u8; 32];
    e[0] = 0x80;
    tail.extend_from_slice(&e);
    tail.extend_from_slice(&[0xff; 64]);
    let big = modexp_input(64, 32, 64, &tail);
    assert_eq!(modexp(Spec::Prague, &big).map(|r| r.0), Ok(5440));
    assert_eq!(modexp(Spec::Osaka, &big).map(|r| r.0), Ok(32_640));
    // A 40-byte exponent 0x01 ‖ 0…: iterations 16 × 8 + 0 in Osaka (8 × 8 before).
    let mut tail = vec![2u8];
    let mut e = vec![0u8; 40];
    e[0] = 1;
    tail.extend_from_slice(&e);
    tail.push(9);
    let long_exp = modexp_input(1, 40, 1, &tail);
    assert_eq!(
        modexp(Spec::Osaka, &long_exp).map(|r| r.0),
        Ok(16 * (16 * 8 + 248))
    );
    assert_eq!(modexp(Spec::Prague, &long_exp).map(|r| r.0), Ok(200));
}

#[test]
fn modexp_operands_above_1024_bytes_fail_from_osaka_on() {
    for (bl, el, ml) in [(1025, 1, 1), (1, 1025, 1), (1, 1, 1025)] {
        let input = modexp_input(bl, el, ml, &[]);
        assert_eq!(modexp(Spec::Osaka, &input), Err(PrecompileError::Failure));
        // Before Osaka it is priced (and bounded only by the device's budget).
        assert_ne!(modexp(Spec::Prague, &input), Err(PrecompileError::Failure));
    }
    // 1024 each is allowed.
    let input = modexp_input(1024, 1, 1024, &[]);
    assert!(modexp(Spec::Osaka, &input).is_ok());
}

// EIP-7825: the transaction gas limit cap.

#[test]
fn gas_limit_above_2_pow_24_is_rejected_from_osaka_on() {
    let state = Mem::contract(&[0x00]);
    let block = BlockEnv {
        gas_limit: 60_000_000,
        ..BlockEnv::default()
    };
    let t = TxEnv {
        gas_limit: (1 << 24) + 1,
        ..tx()
    };
    assert_eq!(
        run_in(Spec::Osaka, &state, &block, &t).map(|o| o.0.status),
        Err(Error::InvalidTx(InvalidTx::GasLimitAboveCap))
    );
    assert!(run_in(Spec::Prague, &state, &block, &t).is_ok());
    let t = TxEnv {
        gas_limit: 1 << 24,
        ..tx()
    };
    assert!(run_in(Spec::Osaka, &state, &block, &t).is_ok());
}

#[test]
fn gas_limit_cap_can_be_lifted_and_is_reset_by_set_spec() {
    let state = Mem::contract(&[0x00]);
    let block = BlockEnv {
        gas_limit: 60_000_000,
        ..BlockEnv::default()
    };
    let t = TxEnv {
        gas_limit: 50_000_000,
        ..tx()
    };
    let mut hb = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::new(&state, hb.buffers());
    assert_eq!(evm.tx_gas_limit_cap(), Some(1 << 24));
    evm.set_tx_gas_limit_cap(None);
    assert!(evm.transact(&block, &t).is_ok());
    evm.set_tx_gas_limit_cap(Some(1_000_000));
    assert_eq!(
        evm.transact(
            &block,
            &TxEnv {
                gas_limit: 1_000_001,
                ..tx()
            }
        )
        .map(|o| o.status),
        Err(Error::InvalidTx(InvalidTx::GasLimitAboveCap))
    );
    evm.set_spec(Spec::Osaka);
    assert_eq!(evm.tx_gas_limit_cap(), Some(1 << 24));
    assert_eq!(
        evm.transact(&block, &t).map(|o| o.status),
        Err(Error::InvalidTx(InvalidTx::GasLimitAboveCap))
    );
    evm.set_spec(Spec::Prague);
    assert_eq!(evm.tx_gas_limit_cap(), None);
}

// EIP-7691 / 7840 / 7594: blob schedule and blobs per transaction.

#[test]
fn blobs_per_transaction_by_fork() {
    let state = Mem::contract(&[0x00]);
    let hashes = [[1u8; 32]; 9];
    let blob_tx = |n: usize| TxEnv {
        blob_hashes: &hashes[..n],
        max_fee_per_blob_gas: Some(U256::from(1)),
        max_priority_fee_per_gas: Some(U256::ZERO),
        ..tx()
    };
    let ok = |spec, n| run(spec, &state, &blob_tx(n)).is_ok();
    let count = Err(Error::InvalidTx(InvalidTx::BlobCount));
    assert!(ok(Spec::Cancun, 6));
    assert_eq!(run(Spec::Cancun, &state, &blob_tx(7)).map(|_| ()), count);
    assert!(ok(Spec::Prague, 9));
    assert!(ok(Spec::Osaka, 6));
    assert_eq!(run(Spec::Osaka, &state, &blob_tx(7)).map(|_| ()), count);
}

#[test]
fn blob_base_fee_follows_the_fork_update_fraction() {
    // BLOBBASEFEE PUSH1 0 SSTORE STOP
    let state = Mem::contract(&[0x4a, 0x60, 0, 0x55, 0x00]);
    let block = BlockEnv {
        excess_blob_gas: 5_007_716,
        ..BlockEnv::default()
    };
    let fee = |spec| slot0(&run_in(spec, &state, &block, &tx()));
    // e^1 → 2 with Prague's fraction; e^1.5 → 4 with Cancun's.
    assert_eq!(fee(Spec::Prague), Some(U256::from(2)));
    assert_eq!(fee(Spec::Cancun), Some(U256::from(4)));
    // A `blobSchedule` override is honoured.
    let mut hb = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::new(&state, hb.buffers());
    evm.set_blob_params(BlobParams {
        update_fraction: 2_503_858,
        ..Spec::Osaka.blob_params()
    });
    evm.transact(&block, &tx()).unwrap();
    let v: Vec<_> = evm.storage_changes().collect();
    assert_eq!(v[0].2, U256::from(7)); // e^2 → 7
}

// EIP-7623: the calldata floor.

#[test]
fn calldata_heavy_transactions_pay_the_floor_from_prague_on() {
    let state = Mem::contract(&[0x00]);
    let data = [0xffu8; 1000];
    let t = TxEnv {
        data: &data,
        ..tx()
    };
    let gas = |spec| run(spec, &state, &t).map(|o| o.0.gas_used);
    assert_eq!(gas(Spec::Cancun), Ok(37_000));
    assert_eq!(gas(Spec::Prague), Ok(61_000));
    // Enough for the intrinsic gas but not the floor: rejected.
    let t = TxEnv {
        gas_limit: 50_000,
        ..t
    };
    assert!(run(Spec::Cancun, &state, &t).is_ok());
    assert_eq!(
        run(Spec::Prague, &state, &t).map(|_| ()),
        Err(Error::InvalidTx(InvalidTx::FloorGasTooLow {
            got: 50_000,
            expected: 61_000
        }))
    );
    // Execution above the floor pays its own gas.
    let mut code = vec![0x60, 1, 0x60, 0, 0x55]; // SSTORE 22 100
    code.push(0x00);
    let state = Mem::contract(&code);
    let t = TxEnv {
        data: &data[..10],
        ..tx()
    };
    let g = run(Spec::Prague, &state, &t).map(|o| o.0.gas_used);
    assert_eq!(g, Ok(21_000 + 160 + 6 + 22_100));
}

// EIP-7702: authorizations and delegation.

/// The address of the k256 key `[byte; 32]`.
fn key_address(byte: u8) -> Address {
    let key = k256::ecdsa::SigningKey::from_slice(&[byte; 32]).unwrap();
    let p = key.verifying_key().to_encoded_point(false);
    let h = keccak256(&p.as_bytes()[1..]);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    a
}

/// An authorization of `address` by the key `[byte; 32]`.
fn sign(byte: u8, chain_id: u64, address: Address, nonce: u64) -> Authorization {
    let key = k256::ecdsa::SigningKey::from_slice(&[byte; 32]).unwrap();
    let mut a = Authorization {
        chain_id: U256::from(chain_id),
        address,
        nonce,
        ..Authorization::default()
    };
    let (sig, id) = key.sign_prehash_recoverable(&signing_hash(&a)).unwrap();
    a.r = U256::from_be_slice(&sig.r().to_bytes());
    a.s = U256::from_be_slice(&sig.s().to_bytes());
    a.y_parity = u8::from(id.is_y_odd());
    a
}

/// Code at the delegate: `SSTORE(0, CALLER)`-like marker: stores 0x42 in slot 1.
const DELEGATE_CODE: [u8; 6] = [0x60, 0x42, 0x60, 1, 0x55, 0x00];
const DELEGATE: Address = [0xdd; 20];

fn authority_state() -> Mem {
    Mem::default()
        .with(SENDER, 0, 10u64.pow(18), &[])
        .with(DELEGATE, 1, 0, &DELEGATE_CODE)
}

/// Outcome, storage writes, the authority's new code and nonce.
type Run7702 = (Outcome, Vec<(Address, U256, U256)>, Option<Vec<u8>>, u64);

/// Runs `t`, returning the outcome, the storage writes and the authority's new code.
fn run_7702(spec: Spec, state: &Mem, t: &TxEnv<'_>) -> Result<Run7702, Error<()>> {
    let mut hb = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::new(state, hb.buffers());
    evm.set_spec(spec);
    let out = evm.transact(&BlockEnv::default(), t)?;
    let authority = key_address(1);
    let mut code = None;
    let mut nonce = 0;
    for c in evm.changes() {
        if let AccountChange::Updated {
            address,
            info,
            code: new,
            ..
        } = c
        {
            if address == authority {
                code = new.map(<[u8]>::to_vec);
                nonce = info.nonce;
            }
        }
    }
    Ok((out, evm.storage_changes().collect(), code, nonce))
}

#[test]
fn an_authorization_sets_the_designator_and_the_call_runs_the_delegate() {
    let authority = key_address(1);
    let state = authority_state();
    let auths = [sign(1, 1, DELEGATE, 0)];
    let t = TxEnv {
        to: Some(authority),
        authorization_list: Some(&auths),
        max_priority_fee_per_gas: Some(U256::ZERO),
        ..tx()
    };
    let (out, writes, code, nonce) = run_7702(Spec::Prague, &state, &t).unwrap();
    assert_eq!(out.status, ExecStatus::Success);
    assert_eq!(code.as_deref(), Some(&designator(&DELEGATE)[..]));
    assert_eq!(nonce, 1);
    // The delegate's code ran in the authority's storage.
    assert_eq!(writes, vec![(authority, U256::from(1), U256::from(0x42))]);
    // Gas: 21 000 + 25 000 (a new authority: no refund) + 6 + 22 100 (the
    // delegate is warmed for free).
    assert_eq!(out.gas_used, 21_000 + 25_000 + 6 + 22_100);
    // Type 4 does not exist before Prague.
    assert_eq!(
        run_7702(Spec::Cancun, &state, &t).map(|_| ()),
        Err(Error::InvalidTx(InvalidTx::TypeNotSupported))
    );
}

#[test]
fn invalid_authorizations_are_skipped() {
    let authority = key_address(1);
    let state = authority_state();
    let wrong_chain = sign(1, 5, DELEGATE, 0);
    let wrong_nonce = sign(1, 1, DELEGATE, 1);
    let mut bad_sig = sign(1, 1, DELEGATE, 0);
    bad_sig.y_parity = 2;
    let max_nonce = sign(1, 1, DELEGATE, u64::MAX);
    for a in [wrong_chain, wrong_nonce, bad_sig, max_nonce] {
        let auths = [a];
        let t = TxEnv {
            to: Some(authority),
            authorization_list: Some(&auths),
            ..tx()
        };
        let (out, writes, code, _) = run_7702(Spec::Osaka, &state, &t).unwrap();
        assert_eq!(out.status, ExecStatus::Success);
        assert_eq!(code, None, "{a:?}");
        assert!(writes.is_empty());
        assert_eq!(out.gas_used, 21_000 + 25_000);
    }
    // Chain id 0 is valid on any chain.
    let auths = [sign(1, 0, DELEGATE, 0)];
    let t = TxEnv {
        to: Some(authority),
        authorization_list: Some(&auths),
        ..tx()
    };
    let (_, _, code, _) = run_7702(Spec::Osaka, &state, &t).unwrap();
    assert_eq!(code.as_deref(), Some(&designator(&DELEGATE)[..]));
}

#[test]
fn an_existing_authority_earns_the_refund_and_the_sender_may_be_the_authority() {
    // The sender is the authority: its nonce is bumped first, so the tuple carries nonce 1.
    let me = key_address(1);
    let state = Mem::default()
        .with(me, 0, 10u64.pow(18), &[])
        .with(DELEGATE, 1, 0, &DELEGATE_CODE);
    let auths = [sign(1, 1, DELEGATE, 1)];
    let t = TxEnv {
        caller: me,
        to: Some(me),
        authorization_list: Some(&auths),
        ..tx()
    };
    let (out, writes, code, nonce) = run_7702(Spec::Osaka, &state, &t).unwrap();
    assert_eq!(code.as_deref(), Some(&designator(&DELEGATE)[..]));
    assert_eq!(nonce, 2);
    assert_eq!(writes, vec![(me, U256::from(1), U256::from(0x42))]);
    // Refund 12 500 (existing authority) + 0, capped at a fifth of 68 106.
    let used = 21_000 + 25_000 + 6 + 22_100;
    assert_eq!(out.gas_refunded, 12_500);
    assert_eq!(out.gas_used, used - 12_500);
}

#[test]
fn type_4_shape_rejections() {
    let state = authority_state();
    let t = TxEnv {
        to: Some(key_address(1)),
        authorization_list: Some(&[]),
        ..tx()
    };
    assert_eq!(
        run(Spec::Prague, &state, &t).map(|_| ()),
        Err(Error::InvalidTx(InvalidTx::EmptyAuthorizationList))
    );
    let auths = [sign(1, 1, DELEGATE, 0)];
    let t = TxEnv {
        to: None,
        authorization_list: Some(&auths),
        ..tx()
    };
    assert_eq!(
        run(Spec::Prague, &state, &t).map(|_| ()),
        Err(Error::InvalidTx(InvalidTx::SetCodeCreate))
    );
    // Intrinsic gas counts 25 000 per tuple.
    let t = TxEnv {
        to: Some(key_address(1)),
        authorization_list: Some(&auths),
        gas_limit: 45_999,
        ..tx()
    };
    assert_eq!(
        run(Spec::Prague, &state, &t).map(|_| ()),
        Err(Error::InvalidTx(InvalidTx::IntrinsicGasTooLow {
            got: 45_999,
            expected: 46_000
        }))
    );
}

#[test]
fn calls_to_a_delegated_account_run_the_delegate_and_extcode_sees_the_designator() {
    let authority = [0xee; 20];
    let d = designator(&DELEGATE);
    // Caller: CALL authority with 100 000 gas, then EXTCODESIZE(authority) into slot 0.
    let mut code = call_code(&authority);
    code.truncate(code.len() - 4);
    code.extend_from_slice(&[0x62, 0x01, 0x86, 0xa0, 0xf1, 0x50, 0x73]);
    code.extend_from_slice(&authority);
    code.extend_from_slice(&[0x3b, 0x60, 0, 0x55, 0x00]);
    let state = Mem::contract(&code)
        .with(authority, 0, 0, &d)
        .with(DELEGATE, 1, 0, &DELEGATE_CODE);
    let (out, writes) = run(Spec::Prague, &state, &tx()).unwrap();
    assert_eq!(out.status, ExecStatus::Success);
    assert!(writes.contains(&(authority, U256::from(1), U256::from(0x42))));
    assert!(writes.contains(&(CONTRACT, U256::ZERO, U256::from(23))));
    // The delegate is accessed cold by the call: 2600 more than in Cancun,
    // where the designator is code starting with 0xef (an invalid opcode).
    let (cancun, w) = run(Spec::Cancun, &state, &tx()).unwrap();
    assert!(!w.contains(&(authority, U256::from(1), U256::from(0x42))));
    assert_eq!(cancun.status, ExecStatus::Success);
    // A sender whose code is a designator may send (EIP-3607 as amended).
    let state = Mem::contract(&[0x00]).with(SENDER, 0, 10u64.pow(18), &d);
    assert!(run(Spec::Prague, &state, &tx()).is_ok());
    assert_eq!(
        run(Spec::Cancun, &state, &tx()).map(|_| ()),
        Err(Error::InvalidTx(InvalidTx::SenderHasCode))
    );
}

#[test]
fn delegation_to_a_precompile_runs_no_precompile() {
    // The authority delegates to 0x04 (identity): calling it runs empty code.
    let authority = [0xee; 20];
    let state = Mem::contract(&call_code(&authority)).with(
        authority,
        0,
        0,
        &designator(&precompile_address(4)),
    );
    let (out, _) = run(Spec::Prague, &state, &tx()).unwrap();
    // 6 PUSHes, GAS, POP; cold authority 2600, warm precompile delegate 100; nothing run.
    assert_eq!(out.gas_used, 21_000 + 18 + 2 + 2 + 2600 + 100);
}

// EIP-2537: the BLS12-381 addresses exist from Prague on (warm precompiles).

#[test]
fn bls_addresses_are_precompiles_from_prague_on() {
    for id in 0x0b..=0x11u16 {
        let a = precompile_address(id);
        assert!(precompile::is_precompile_in(Spec::Prague, &a));
        assert!(!precompile::is_precompile_in(Spec::Cancun, &a));
        let state = Mem::contract(&call_code(&a));
        // Empty input has the wrong length: a failed call (all its gas), with
        // or without the `bls12-381` feature, never a device limit.
        let (out, _) = run(Spec::Osaka, &state, &tx()).unwrap();
        let (cancun, _) = run(Spec::Cancun, &state, &tx()).unwrap();
        // Under Osaka the failed precompile takes all the call's gas; under
        // Cancun the address is an empty account and the call costs little.
        assert!(out.gas_used > cancun.gas_used + 10_000, "0x{id:x}");
    }
}
