//! The generated cases: contract code from opcodes and snippets, EOAs, the sender, the transaction and its authorization list.

use super::*;

/// Opcodes the generator draws from (every Osaka family, CLZ included, plus
/// bytes that are undefined at Osaka, some of them later forks' opcodes).
const POOL: &[u8] = &[
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x11, 0x12, 0x13,
    0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x20, 0x30, 0x31, 0x32, 0x33,
    0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43,
    0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
    0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x80, 0x81, 0x82, 0x83, 0x90, 0x91, 0x92, 0xa0, 0xa1,
    0xa2, 0xf0, 0xf1, 0xf2, 0xf4, 0xf5, 0xfa, 0xfd, 0xfe, 0xff, 0x0c, 0xef, 0x1f, 0x4b, 0xe6, 0xe7,
    0xe8,
];

/// `PUSH20 a`.
pub(super) fn push_address(a: &Address) -> Vec<u8> {
    let mut v = vec![0x73];
    v.extend_from_slice(a);
    v
}

/// A call with full arguments (so it does not underflow) to a generated
/// account, delegated or not, recorded in storage.
fn call_snippet() -> impl Strategy<Value = Vec<u8>> {
    let n = addresses().len();
    (
        0..n,
        inputs::how(),
        prop::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(|(i, how, input)| inputs::call_with(&addresses()[i], &input, how))
}

/// EXTCODESIZE, EXTCODEHASH, EXTCODECOPY (32 bytes from 0 or 1) or BALANCE
/// of an account, stored at a slot.
fn probe() -> impl Strategy<Value = Vec<u8>> {
    let n = addresses().len();
    (0..n, 0u8..5, 0u8..8).prop_map(|(i, kind, slot)| {
        let a = push_address(&addresses()[i]);
        let mut v = Vec::new();
        match kind {
            0 | 1 => {
                // PUSH1 32, PUSH1 kind, PUSH0, address, EXTCODECOPY, PUSH0, MLOAD.
                v.extend_from_slice(&[0x60, 32, 0x60, kind, 0x5f]);
                v.extend(a);
                v.extend_from_slice(&[0x3c, 0x5f, 0x51]);
            }
            _ => {
                v.extend(a);
                v.push([0x3b, 0x3f, 0x31][usize::from(kind - 2)]);
            }
        }
        v.extend_from_slice(&[0x60, slot, 0x55]);
        v
    })
}

/// CLZ of an edge or random word, stored at a slot.
fn clz() -> impl Strategy<Value = Vec<u8>> {
    (any::<[u8; 32]>(), 0u8..6, 0u32..256).prop_map(|(w, kind, k)| {
        let x = match kind {
            0 => U256::ZERO,
            1 => U256::MAX,
            2 | 3 => U256::from(1u8) << k,
            4 => U256::from_be_bytes(w) >> k,
            _ => U256::from_be_bytes(w),
        };
        let mut v = vec![0x7f];
        v.extend_from_slice(&x.to_be_bytes::<32>());
        v.extend_from_slice(&[0x1e, 0x61, 0x1e, 0x1e, 0x55]);
        v
    })
}

fn op() -> impl Strategy<Value = Vec<u8>> {
    let addrs = addresses();
    prop_oneof![
        8 => (0usize..POOL.len()).prop_map(|i| vec![POOL[i]]),
        8 => (0u8..40).prop_map(|v| vec![0x60, v]),
        // MSTORE a random word at 0, then CREATE or CREATE2 from it.
        2 => (any::<[u8; 32]>(), any::<bool>()).prop_map(|(w, two)| {
            let mut v = vec![0x7f];
            v.extend_from_slice(&w);
            v.extend_from_slice(&[0x60, 0, 0x52]);
            if two {
                v.extend_from_slice(&[0x60, 7, 0x60, 32, 0x60, 0, 0x60, 0, 0xf5]);
            } else {
                v.extend_from_slice(&[0x60, 32, 0x60, 0, 0x60, 0, 0xf0]);
            }
            v
        }),
        2 => any::<u16>().prop_map(|v| vec![0x61, (v >> 8) as u8, v as u8]),
        2 => (0..addrs.len()).prop_map(move |i| push_address(&addrs[i])),
        2 => any::<[u8; 32]>().prop_map(|w| {
            let mut v = vec![0x7f];
            v.extend_from_slice(&w);
            v
        }),
        4 => snippet(),
    ]
}

/// A self-contained piece of code (it leaves the stack as it found it).
fn snippet() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => call_snippet(),
        2 => probe(),
        1 => clz(),
        6 => inputs::precompile_call(),
    ]
}

/// Random code: either random opcodes and snippets after a few small pushes
/// (so that most programs get past their first instructions instead of
/// underflowing at once), or snippets, all run, and then a random tail.
pub(super) fn code() -> impl Strategy<Value = Vec<u8>> {
    let random = (
        prop::collection::vec(0u8..8, 0..8),
        prop::collection::vec(op(), 0..40),
    )
        .prop_map(|(pre, body)| {
            let mut c: Vec<u8> = pre.iter().flat_map(|v| [0x60, *v]).collect();
            c.extend(body.concat());
            c
        });
    let snippets = (
        prop::collection::vec(snippet(), 1..6),
        prop::collection::vec(op(), 0..12),
    )
        .prop_map(|(s, tail)| [s.concat(), tail.concat()].concat());
    prop_oneof![1 => random, 2 => snippets]
}

fn storage() -> impl Strategy<Value = BTreeMap<U256, U256>> {
    prop::collection::btree_map(
        (0u64..6).prop_map(U256::from),
        (1u64..4).prop_map(U256::from),
        0..4,
    )
}

/// An index into [`targets`], mostly the contracts (whose code then runs in
/// the delegating account).
fn target() -> impl Strategy<Value = usize> {
    prop_oneof![2 => 0usize..2, 1 => 0..targets().len()]
}

/// A generated EOA: absent, plain, delegated to a target, or holding
/// contract code (its authorizations must then be skipped).
#[derive(Debug, Clone, Copy)]
pub(super) struct EoaSpec {
    pub(super) kind: u8,
    pub(super) nonce: u64,
    pub(super) target: usize,
    pub(super) balance: u64,
}

fn eoa_spec() -> impl Strategy<Value = EoaSpec> {
    (0u8..4, 0u64..3, target(), 0u64..1000).prop_map(|(kind, nonce, target, balance)| EoaSpec {
        kind,
        nonce,
        target,
        balance,
    })
}

/// One generated message-call case.
#[derive(Debug, Clone)]
pub(super) struct Case {
    pub(super) code_a: Vec<u8>,
    pub(super) code_b: Vec<u8>,
    pub(super) st_a: BTreeMap<U256, U256>,
    pub(super) st_b: BTreeMap<U256, U256>,
    pub(super) bal_a: u64,
    pub(super) caller_nonce: u64,
    /// The sender's own delegation (a sender with a designator may send).
    pub(super) caller_delegate: Option<usize>,
    pub(super) eoas: Vec<EoaSpec>,
    /// Index into [`recipients`].
    pub(super) to: usize,
    pub(super) value: u64,
    pub(super) data: Vec<u8>,
    pub(super) gas_limit: u64,
    pub(super) prio: Option<u64>,
    pub(super) access: Vec<(usize, Vec<u8>)>,
    pub(super) block: (u64, u32, u64),
    /// A type-4 transaction's list (never empty: see `revm_bridge::revm_env`).
    pub(super) auths: Option<Vec<AuthSpec>>,
}

/// Where the transaction goes: the contracts, the EOAs (delegated ones run
/// their delegate's code), the sender, nobody, a precompile.
fn recipients() -> Vec<Address> {
    vec![
        A,
        A,
        A,
        A,
        B,
        B,
        eoa(0),
        eoa(1),
        eoa(2),
        caller(),
        NOBODY,
        pc(4),
    ]
}

pub(super) fn case() -> impl Strategy<Value = Case> {
    let code_part = (code(), code(), storage(), storage(), 0u64..1000);
    let accounts = (
        0u64..3,
        prop::option::weighted(0.2, target()),
        prop::collection::vec(eoa_spec(), EOAS),
    );
    let tx = (
        0..recipients().len(),
        0u64..100,
        prop_oneof![
            4 => prop::collection::vec(any::<u8>(), 0..40),
            1 => prop::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 0..2000),
        ],
        prop_oneof![
            4 => 30_000u64..400_000,
            4 => 400_000u64..4_000_000,
            1 => prop_oneof![Just(1u64 << 24), Just((1 << 24) + 1)],
        ],
        prop::option::of(0u64..12),
        prop::collection::vec(
            (
                0usize..addresses().len(),
                prop::collection::vec(0u8..6, 0..3),
            ),
            0..3,
        ),
        (1u64..1000, any::<u32>(), 0u64..11),
        prop::option::weighted(0.5, prop::collection::vec(auth::auth_spec(target()), 1..5)),
    );
    (code_part, accounts, tx).prop_map(
        |(
            (code_a, code_b, st_a, st_b, bal_a),
            (caller_nonce, caller_delegate, eoas),
            (to, value, data, gas_limit, prio, access, block, auths),
        )| Case {
            code_a,
            code_b,
            st_a,
            st_b,
            bal_a,
            caller_nonce,
            caller_delegate,
            eoas,
            to,
            value,
            data,
            gas_limit,
            prio,
            access,
            block,
            auths,
        },
    )
}

/// The pre-state of `c`.
pub(super) fn world(c: &Case) -> World {
    let t = targets();
    let mut w = World::default();
    w.put(
        caller(),
        Acct {
            nonce: c.caller_nonce,
            balance: U256::from(10u64.pow(18)),
            code: c
                .caller_delegate
                .map(|i| designator(&t[i]).to_vec())
                .unwrap_or_default(),
            ..Acct::default()
        },
    );
    w.put(
        A,
        Acct {
            nonce: 1,
            balance: U256::from(c.bal_a),
            code: c.code_a.clone(),
            storage: c.st_a.clone(),
        },
    );
    w.put(
        B,
        Acct {
            nonce: 1,
            balance: U256::from(7),
            code: c.code_b.clone(),
            storage: c.st_b.clone(),
        },
    );
    for (i, e) in c.eoas.iter().enumerate() {
        let code = match e.kind {
            0 => continue,
            1 => Vec::new(),
            2 => designator(&t[e.target]).to_vec(),
            _ => c.code_b.clone(),
        };
        let nonce = if e.kind == 2 { e.nonce + 1 } else { e.nonce };
        w.put(
            eoa(i),
            Acct {
                nonce,
                balance: U256::from(e.balance),
                code,
                ..Acct::default()
            },
        );
    }
    w
}

/// The tuples of `specs`, each signed for the nonce its authority will have
/// when it is applied if every earlier tuple of the list applies (the
/// sender's nonce is bumped first).
pub(super) fn authorizations(specs: &[AuthSpec], w: &World, chain_id: u64) -> Vec<Authorization> {
    let t = targets();
    let mut seen = [0u64; auth::SIGNERS];
    specs
        .iter()
        .map(|s| {
            let who = auth::address(s.signer);
            let pre = w.accounts.get(&who).map_or(0, |a| a.nonce) + u64::from(s.signer == 0);
            let nonce = pre + seen[s.signer];
            seen[s.signer] += 1;
            auth::build(s, t[s.target], nonce, chain_id)
        })
        .collect()
}

fn block_of(c: &Case) -> BlockEnv {
    let (number, timestamp, base_fee) = c.block;
    BlockEnv {
        number,
        coinbase: COINBASE,
        timestamp: u64::from(timestamp),
        gas_limit: 30_000_000,
        base_fee: U256::from(base_fee),
        prev_randao: [3; 32],
        excess_blob_gas: 0,
        chain_id: 1,
    }
}

/// Calls `f` with the transaction and block of case `c` in its pre-state `w`.
pub(super) fn with_tx<R>(c: &Case, w: &World, f: impl FnOnce(&TxEnv<'_>, &BlockEnv) -> R) -> R {
    let block = block_of(c);
    let addrs = addresses();
    let keys: Vec<(Address, Vec<B256>)> = c
        .access
        .iter()
        .map(|(a, ks)| {
            let keys = ks
                .iter()
                .map(|k| {
                    let mut b = [0u8; 32];
                    b[31] = *k;
                    b
                })
                .collect();
            (addrs[*a], keys)
        })
        .collect();
    let access_list: Vec<crate::AccessListItem<'_>> = keys
        .iter()
        .map(|(a, k)| crate::AccessListItem {
            address: *a,
            storage_keys: k,
        })
        .collect();
    let auths = c
        .auths
        .as_deref()
        .map(|s| authorizations(s, w, block.chain_id));
    let tx = TxEnv {
        caller: caller(),
        to: Some(recipients()[c.to]),
        value: U256::from(c.value),
        data: &c.data,
        gas_limit: c.gas_limit,
        nonce: c.caller_nonce,
        max_fee_per_gas: U256::from(10),
        max_priority_fee_per_gas: c.prio.map(U256::from),
        access_list: &access_list,
        authorization_list: auths.as_deref(),
        ..TxEnv::default()
    };
    f(&tx, &block)
}

/// A check of the generators themselves (it traces, so the hooks must be compiled in).
#[cfg(not(feature = "no-trace-hooks"))]
mod reach {
    use super::*;

    /// What the generated cases reach: calls of each precompile that answered,
    /// CLZ steps, frames running in a delegated account.
    #[derive(Default)]
    struct Reach {
        /// The precompile called by the previous step, if it was a call of one.
        pending: Option<u16>,
        /// Per precompile: calls, calls that answered.
        calls: BTreeMap<u16, (u32, u32)>,
        clz: u32,
        delegated_frames: u32,
        delegated: Vec<Address>,
        last: (usize, Address),
    }

    impl crate::Tracer for Reach {
        fn step(&mut self, st: &crate::Step<'_>) {
            if let Some(id) = self.pending.take() {
                let e = self.calls.entry(id).or_default();
                e.0 += 1;
                e.1 += u32::from(!st.return_data.is_empty());
            }
            if (st.depth, st.address) != self.last {
                self.last = (st.depth, st.address);
                self.delegated_frames += u32::from(self.delegated.contains(&st.address));
            }
            match st.op {
                0x1e => self.clz += 1,
                0xf1 | 0xf2 | 0xf4 | 0xfa => {
                    let a = st.stack.get(st.stack.len().wrapping_sub(2));
                    self.pending = a.filter(|a| **a < U256::from(0x200)).map(|a| a.to::<u16>());
                }
                _ => {}
            }
        }
    }

    /// The generators reach what they are for: answered calls of P256VERIFY,
    /// every BLS12-381 precompile and modexp, CLZ, code running in delegated
    /// accounts, type-4 transactions that delegate (a check of the test itself,
    /// on 256 deterministic cases; the tracer hooks must be compiled in).
    #[test]
    fn generators_reach_the_osaka_rules() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let strategy = case();
        let mut reach = Reach::default();
        let (mut type4, mut delegations) = (0, 0);
        for _ in 0..256 {
            let c = strategy.new_tree(&mut runner).expect("a case").current();
            let w = world(&c);
            reach.delegated = w
                .accounts
                .iter()
                .filter(|(_, a)| a.code.len() == 23 && a.code[..3] == [0xef, 1, 0])
                .map(|(k, _)| *k)
                .collect();
            let mut bufs = HeapBuffers::new(&LIMITS);
            let tracer = std::mem::take(&mut reach);
            let mut evm = Evm::with_tracer(&w, bufs.buffers(), tracer);
            evm.set_spec(SPEC);
            if with_tx(&c, &w, |tx, block| evm.transact(block, tx)).is_ok() && c.auths.is_some() {
                type4 += 1;
                delegations += evm
                    .changes()
                    .filter(|ch| matches!(ch, AccountChange::Updated { code: Some(k), .. } if k.len() == 23))
                    .count();
            }
            reach = std::mem::take(evm.tracer_mut());
        }
        println!(
            "{type4} type-4 transactions ran, {delegations} delegations set, {} frames in delegated accounts, {} CLZ steps; precompile calls (made, answered): {:x?}",
            reach.delegated_frames, reach.clz, reach.calls
        );
        assert!(type4 > 50 && delegations > 20 && reach.delegated_frames > 20 && reach.clz > 10);
        let ids = [5, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, P256VERIFY];
        for id in ids {
            let (_, answered) = reach.calls.get(&id).copied().unwrap_or_default();
            // BLS12-381 answers only in a build with it.
            if cfg!(feature = "bls12-381") || !(0x0b..=0x11).contains(&id) {
                assert!(answered > 0, "precompile {id:#x} never answered");
            }
        }
    }
}
