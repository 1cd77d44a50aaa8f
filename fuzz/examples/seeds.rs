//! Writes the committed seed corpora under `fuzz/corpus/<target>/`: valid frames of each request kind, staged queries, RLP samples, a real `eth_getProof` proof and chain headers (when `../shared/fixtures` is there), trace rows and small contracts.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example seeds` (from the
//! workspace root); deterministic, so re-running it changes nothing.

use std::path::{Path, PathBuf};

use evm_state::rlp;
use firmware::limits::TX_FRAME;
use firmware::{Action, Service};
use protocol::limits::MAX_WIRE_FRAME;
use protocol::{
    decode_frame, encode_frame, AccountQuery, BlockQuery, ExecQuery, Request, Response, Routine,
    TraceMode, TxQuery,
};
use zkevm_fuzz::{proof_query_bytes, FuzzPlatform, ADDRESSES};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = root().join("corpus").join(target);
    std::fs::create_dir_all(&dir).expect("corpus dir");
    std::fs::write(dir.join(name), bytes).expect("seed file");
}

fn u16le(n: usize) -> [u8; 2] {
    u16::try_from(n)
        .expect("seed part fits a u16")
        .to_le_bytes()
}

/// A service record of kind 0: `body`, framed as it is.
fn body_record(body: &[u8]) -> Vec<u8> {
    let mut out = vec![0];
    out.extend_from_slice(&u16le(body.len()));
    out.extend_from_slice(body);
    out
}

/// A service record of kind 4: `bytes` staged in chunks of 2048, then
/// `Execute` with `trace` (`None`: `VerifyProof`).
fn staged_record(bytes: &[u8], trace: Option<TraceMode>) -> Vec<u8> {
    let mut out = vec![4];
    out.extend_from_slice(&u16le(2047)); // chunk = 1 + 2047
    match trace {
        None => out.push(0),
        Some(mode) => out.extend([1, mode as u8]),
    }
    out.extend_from_slice(&u16le(bytes.len()));
    out.extend_from_slice(bytes);
    out
}

fn postcard<T: serde::Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("serialises")
}

/// An ERC-20-like contract: `SSTORE(CALLDATALOAD(4), CALLVALUE + SLOAD)`,
/// a log and a 32-byte return.
const TOKEN: &[u8] = &[
    0x60, 0x04, 0x35, // PUSH1 4 CALLDATALOAD
    0x80, 0x54, // DUP1 SLOAD
    0x60, 0xfa, 0x01, // PUSH1 250 ADD
    0x90, 0x55, // SWAP1 SSTORE
    0x60, 0x01, 0x60, 0x00, 0x52, // MSTORE(0, 1)
    0x60, 0x20, 0x60, 0x00, 0xa0, // LOG0(0, 32)
    0x60, 0x20, 0x60, 0x00, 0xf3, // RETURN(0, 32)
];

fn exec_query<'a>(code: &'a [u8], data: &'a [u8], storage: &'a [u8]) -> ExecQuery<'a> {
    let mut balance = [0u8; 32];
    balance[20] = 1;
    let mut accounts = heapless::Vec::new();
    for account in [
        AccountQuery {
            address: ADDRESSES[0],
            nonce: 0,
            balance,
            code: &[],
            storage: &[],
        },
        AccountQuery {
            address: ADDRESSES[1],
            nonce: 1,
            balance: [0; 32],
            code,
            storage,
        },
    ] {
        accounts.push(account).expect("two accounts");
    }
    ExecQuery {
        block: BlockQuery {
            number: 1,
            timestamp: 1,
            gas_limit: 30_000_000,
            base_fee: [0; 32],
            coinbase: [0xc0; 20],
            chain_id: 1,
        },
        accounts,
        tx: TxQuery {
            caller: ADDRESSES[0],
            to: Some(ADDRESSES[1]),
            value: [0; 32],
            data,
            gas_limit: 100_000,
            nonce: 0,
            max_fee: [0; 32],
            max_priority_fee: None,
        },
    }
}

/// The trace rows the firmware streams for `query`.
fn streamed_rows(query: &[u8]) -> Vec<u8> {
    let mut stage = vec![0u8; query.len()];
    let mut service = Service::new(FuzzPlatform::default(), "seeds", &mut stage);
    let mut out = vec![0u8; TX_FRAME];
    for request in [
        Request::Stage {
            offset: 0,
            data: query,
        },
        Request::Execute {
            trace: TraceMode::Stream,
        },
    ] {
        let mut wire = vec![0u8; MAX_WIRE_FRAME];
        let n = encode_frame(&request, &mut wire).expect("fits a frame");
        let action = service.handle(Ok(&mut wire[..n - 1]), &mut out);
        assert!(matches!(action, Action::Reply(_)), "{action:?}");
    }
    let mut rows = Vec::new();
    for mut frame in std::mem::take(&mut service.platform_mut().sent) {
        frame.pop();
        if let Ok(Response::TraceRows { data, .. }) = decode_frame::<Response<'_>>(&mut frame) {
            rows.extend_from_slice(data);
        }
    }
    rows
}

fn fixtures() -> PathBuf {
    std::env::var_os("ZKEVM_FIXTURES")
        .map_or_else(|| root().join("../../shared/fixtures"), PathBuf::from)
}

fn hex_bytes(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string").trim_start_matches("0x")).expect("hex")
}

fn word(v: &serde_json::Value) -> [u8; 32] {
    let s = v.as_str().expect("hex quantity").trim_start_matches("0x");
    let padded = format!("{s:0>64}");
    hex::decode(padded)
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

/// The `eth_getProof` sample with a storage slot, against block 54's state
/// root, and the first blocks of the chain: `None` without the fixtures.
#[allow(clippy::type_complexity)]
fn fixture_proof() -> Option<(
    Vec<u8>,
    [u8; 32],
    [u8; 20],
    Vec<Vec<u8>>,
    Vec<([u8; 32], Vec<Vec<u8>>)>,
)> {
    let base = fixtures().join("execution-apis");
    let chain = std::fs::read(base.join("chain.rlp")).ok()?;
    let header = evm_state::block::find_header(&chain, 54).ok()??;
    let text = std::fs::read_to_string(base.join("eth_getProof/get-account-proof-with-storage.io"))
        .ok()?;
    let line = text.lines().find_map(|l| l.strip_prefix("<<"))?;
    let json: serde_json::Value = serde_json::from_str(line.trim()).ok()?;
    let r = &json["result"];
    let nodes = |v: &serde_json::Value| -> Vec<Vec<u8>> {
        v.as_array().expect("list").iter().map(hex_bytes).collect()
    };
    let address: [u8; 20] = hex_bytes(&r["address"]).try_into().ok()?;
    let storage = r["storageProof"]
        .as_array()?
        .iter()
        .map(|sp| (word(&sp["key"]), nodes(&sp["proof"])))
        .collect();
    Some((
        chain,
        header.state_root,
        address,
        nodes(&r["accountProof"]),
        storage,
    ))
}

/// An RLP list of already encoded items.
fn rlp_list(items: &[Vec<u8>]) -> Vec<u8> {
    let payload = items.concat();
    let mut out = Vec::new();
    rlp::put_list_header(&mut out, payload.len()).expect("a Vec sink");
    out.extend_from_slice(&payload);
    out
}

fn rlp_bytes(b: &[u8]) -> Vec<u8> {
    rlp::to_vec(b)
}

/// transaction: the EIP-155 example, an unsigned payload of every type, and
/// (with the fixtures) the TransactionTests' `txbytes` up to 1 KiB.
fn transaction_seeds() {
    let eip155 = hex::decode(
        "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080",
    )
    .expect("hex");
    write("transaction", "eip155-unsigned", &eip155);
    let signed = hex::decode("f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83").expect("hex");
    write("transaction", "eip155-signed", &signed);
    let to = rlp_bytes(&[0x35; 20]);
    let one = rlp::to_vec(&1u64);
    let gas = rlp::to_vec(&21_000u64);
    let data = rlp_bytes(&[0xa9, 0x05, 0x9c, 0xbb, 0, 1]);
    let access = rlp_list(&[rlp_list(&[
        rlp_bytes(&[2; 20]),
        rlp_list(&[rlp_bytes(&[3; 32])]),
    ])]);
    let pre155 = rlp_list(&[
        one.clone(),
        one.clone(),
        gas.clone(),
        to.clone(),
        one.clone(),
        data.clone(),
    ]);
    write("transaction", "legacy-pre155-unsigned", &pre155);
    let create = rlp_list(&[
        one.clone(),
        one.clone(),
        gas.clone(),
        rlp_bytes(&[]),
        one.clone(),
        data.clone(),
    ]);
    write("transaction", "legacy-create-unsigned", &create);
    let head = [
        one.clone(),
        one.clone(),
        one.clone(),
        one.clone(),
        gas.clone(),
        to.clone(),
        one.clone(),
        data.clone(),
        access.clone(),
    ];
    let typed = |t: u8, fields: &[Vec<u8>]| [vec![t], rlp_list(fields)].concat();
    let mut f2930 = head.to_vec();
    f2930.remove(2);
    write("transaction", "eip2930-unsigned", &typed(1, &f2930));
    write("transaction", "eip1559-unsigned", &typed(2, &head));
    let mut f4844 = head.to_vec();
    f4844.push(one.clone());
    f4844.push(rlp_list(&[rlp_bytes(&[1; 32])]));
    write("transaction", "eip4844-unsigned", &typed(3, &f4844));
    let mut f7702 = head.to_vec();
    let auth = rlp_list(&[
        one.clone(),
        rlp_bytes(&[4; 20]),
        one.clone(),
        rlp::to_vec(&0u64),
        one.clone(),
        one.clone(),
    ]);
    f7702.push(rlp_list(&[auth]));
    write("transaction", "eip7702-unsigned", &typed(4, &f7702));

    let dir = fixtures().join("ethereum-tests/TransactionTests");
    let Ok(groups) = std::fs::read_dir(&dir) else {
        println!("no TransactionTests fixtures: their transaction seeds skipped");
        return;
    };
    let mut files: Vec<PathBuf> = groups
        .flatten()
        .filter_map(|g| std::fs::read_dir(g.path()).ok())
        .flat_map(|d| d.flatten().map(|e| e.path()))
        .collect();
    files.sort();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        for (name, test) in json.as_object().into_iter().flatten() {
            let Some(tx) = test["txbytes"].as_str() else {
                continue;
            };
            let Ok(bytes) = hex::decode(tx.trim_start_matches("0x")) else {
                continue;
            };
            if bytes.len() <= 1024 {
                let name: String = name
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                write("transaction", &format!("tt-{name}"), &bytes);
            }
        }
    }
}

/// typed_data: whole documents (mode byte 0: the EIP-712 `Mail` example,
/// arrays of structs, a recursive `null`) and one value per type of the
/// target's value mode (mode byte `132 + i` selects `TYPES[i]`).
fn typed_data_seeds() {
    let docs = [
        (
            "mail",
            r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#,
        ),
        (
            "arrays",
            r#"{"types":{"EIP712Domain":[],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address[]"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person[]"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{},"message":{"from":{"name":"Cow","wallet":["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826","0xDD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"]},"to":[{"name":"Bob","wallet":["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"]}],"contents":"Hello, Bob!"}}"#,
        ),
        (
            "recursive",
            r#"{"types":{"Node":[{"name":"v","type":"int256[2][]"},{"name":"next","type":"Node"}]},"primaryType":"Node","domain":{"chainId":"0x1","salt":"0x0000000000000000000000000000000000000000000000000000000000000001"},"message":{"v":[[1,-1],["0x2","-3"]],"next":{"v":[],"next":null}}}"#,
        ),
    ];
    for (name, doc) in docs {
        write(
            "typed_data",
            &format!("doc-{name}"),
            &[&[0u8][..], doc.as_bytes()].concat(),
        );
    }
    let values = [
        r#""0x1f""#,
        "-128",
        r#""0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826""#,
        "true",
        r#""0xdeadbeef""#,
        r#""0x01020304""#,
        r#""h\u00e9llo\n\ud83d\ude01""#,
        "[1,2,3]",
        r#"[[1,-1],["0x2","-3"]]"#,
        r#"{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"}"#,
        r#"[{"name":"a","wallet":"0x0000000000000000000000000000000000000000"}]"#,
        r#"{"from":{"name":"a","wallet":"0x0000000000000000000000000000000000000000"},"to":[],"replyTo":null}"#,
    ];
    for (i, value) in values.iter().enumerate() {
        let mode = 132 + u8::try_from(i).expect("12 values");
        write(
            "typed_data",
            &format!("value-{i:02}"),
            &[&[mode][..], value.as_bytes()].concat(),
        );
    }
}

fn main() {
    // stark_proof: real proofs of the verifier's test AIR at the reference
    // options (2^3 rows: no FRI layer; 2^5 and 2^6: one).
    for log2 in [3u32, 5, 6] {
        let (bytes, _) = verifier::shape::test_air::prove_standard(log2);
        write("stark_proof", &format!("fib-logup-rows-2-{log2}"), &bytes);
    }
    // …and edit lists `(u16 offset, u8 xor)` of the 2^3-row proof: none, the
    // option bytes, a query value, the FRI partitions byte.
    for (name, edits) in [
        ("edits-none", vec![]),
        ("edits-options", vec![(15u16, 1u8), (16, 2)]),
        ("edits-query-value", vec![(300, 0x40)]),
        ("edits-partitions", vec![(5103, 6)]),
    ] {
        let bytes: Vec<u8> = edits
            .iter()
            .flat_map(|&(at, x): &(u16, u8)| {
                let [lo, hi] = at.to_le_bytes();
                [lo, hi, x]
            })
            .collect();
        write("stark_proof", name, &bytes);
    }

    // service: one valid frame body of each request kind, then sequences.
    let requests = [
        Request::Ping,
        Request::Info,
        Request::Measure(Routine::Keccak256 { data: b"abc" }),
        Request::Measure(Routine::EcRecover { input: &[1; 128] }),
        Request::Measure(Routine::Sign { digest: [7; 32] }),
        Request::Measure(Routine::Spin { iterations: 10 }),
        Request::Panic,
        Request::Exit { code: 0 },
        Request::Stage {
            offset: 0,
            data: &[1, 2, 3],
        },
        Request::VerifyProof,
        Request::Execute {
            trace: TraceMode::Commit,
        },
    ];
    let names = [
        "ping",
        "info",
        "keccak",
        "ecrecover",
        "sign",
        "spin",
        "panic",
        "exit",
        "stage",
        "verify",
        "execute",
    ];
    for (request, name) in requests.iter().zip(names) {
        let mut seed = vec![1]; // a staging area of 8 KiB
        seed.extend(body_record(&postcard(request)));
        write("service", &format!("request-{name}"), &seed);
    }
    let storage = [[0u8; 64], {
        let mut pair = [0u8; 64];
        pair[31] = 7;
        pair[63] = 1;
        pair
    }]
    .concat();
    let mut calldata = vec![0xa9, 0x05, 0x9c, 0xbb];
    calldata.extend_from_slice(&[0; 31]);
    calldata.push(7);
    let token = postcard(&exec_query(TOKEN, &calldata, &storage));
    for (mode, name) in [(TraceMode::Off, "off"), (TraceMode::Stream, "stream")] {
        let mut seed = vec![1];
        seed.extend(body_record(&postcard(&Request::Ping)));
        seed.extend(staged_record(&token, Some(mode)));
        write("service", &format!("execute-token-{name}"), &seed);
    }
    // Invalid staging then a run: the staged query must not run.
    let mut seed = vec![0]; // a staging area of 512 bytes
    seed.extend(staged_record(&token, Some(TraceMode::Off)));
    seed.extend(body_record(&[5, 9, 1, 2]));
    seed.extend(body_record(&postcard(&Request::Execute {
        trace: TraceMode::Off,
    })));
    write("service", "stage-out-of-order", &seed);
    write(
        "service",
        "structured",
        &[2, 3, 1, 2, 9, 8, 7, 5, 4, 3, 2, 1, 0, 5, 1, 2, 3, 4],
    );

    // trace_rows: the rows of the token transfer, whole and one row alone.
    let rows = streamed_rows(&token);
    assert!(!rows.is_empty(), "the token transfer streams rows");
    write("trace_rows", "token-transfer", &rows);
    if let Ok((_, rest)) = evm_trace::decode_row(&rows) {
        write("trace_rows", "one-row", &rows[..rows.len() - rest.len()]);
    }

    // rlp: strings, scalars, lists, nesting, long forms.
    let long = [0x61u8; 60];
    let samples: Vec<(&str, Vec<u8>)> = vec![
        ("empty-string", rlp::to_vec(&b""[..])),
        ("single-byte", rlp::to_vec(&b"\x7f"[..])),
        ("short-string", rlp::to_vec(&b"dog"[..])),
        ("long-string", rlp::to_vec(&long[..])),
        ("u64", rlp::to_vec(&0x0102_0304_0506u64)),
        ("u256", rlp::to_vec(&evm_state::U256::MAX)),
        ("empty-list", vec![0xc0]),
        (
            "nested",
            vec![0xc7, 0xc0, 0xc1, 0xc0, 0xc3, 0xc0, 0xc1, 0xc0],
        ),
        (
            "list-of-strings",
            vec![0xc8, 0x83, b'c', b'a', b't', 0x83, b'd', b'o', b'g'],
        ),
        ("account", {
            let account = evm_state::Account::default();
            let mut buf = [0u8; evm_state::limits::MAX_ACCOUNT_RLP];
            let n = account.encode_to(&mut buf).expect("an account encodes");
            buf[..n].to_vec()
        }),
    ];
    for (name, bytes) in &samples {
        write("rlp", name, bytes);
    }

    // interpreter: small contracts under tiny limits (see the target's
    // `limits`: 16 bytes of limits come first, then each account's code,
    // balance and slot count, the recipient, calldata, value, gas, fee).
    let limits = [
        0x00, 0x10, 0x40, 0x00, 0x08, 4, 6, 8, 4, 32, 2, 16, 16, 16, 0x00, 0x40,
    ];
    let programs: [(&str, &[u8]); 6] = [
        ("token", TOKEN),
        ("loop", &[0x5b, 0x60, 0x00, 0x56]), // JUMPDEST PUSH1 0 JUMP
        ("memory", &[0x61, 0xff, 0xff, 0x51, 0x00]), // MLOAD(0xffff)
        (
            "call",
            &[
                0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb,
                0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0x5a, 0xf1,
                0x00,
            ],
        ),
        (
            "create",
            &[
                0x60, 0x01, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0x5f, 0xf0, 0x00,
            ],
        ),
        (
            "modexp",
            &[
                0x60, 0x01, 0x5f, 0x52, 0x60, 0x01, 0x60, 0x20, 0x52, 0x60, 0x01, 0x60, 0x40, 0x52,
                0x60, 0x20, 0x5f, 0x60, 0x80, 0x5f, 0x60, 0x05, 0x5a, 0xfa, 0x00,
            ],
        ),
    ];
    for (name, code) in programs {
        let mut seed = vec![1];
        seed.extend_from_slice(&limits);
        seed.extend_from_slice(&u16le(code.len()));
        seed.extend_from_slice(code);
        seed.extend([0, 0]); // balance 0, no storage
        seed.extend_from_slice(&u16le(0)); // B: no code
        seed.extend([0, 0, 3]); // balance 0, no storage; to = A
        seed.extend_from_slice(&u16le(calldata.len()));
        seed.extend_from_slice(&calldata);
        seed.push(0); // value
        seed.extend(200_000u32.to_le_bytes()); // gas above the intrinsic cost
        write("interpreter", &format!("contract-{name}"), &seed);
    }
    for id in 1u8..=10 {
        let mut seed = vec![0, id];
        seed.extend(100_000u32.to_le_bytes()); // gas
        seed.extend(100_000u32.to_le_bytes()); // steps
        seed.extend(1024u16.to_le_bytes()); // modexp operand bytes
        seed.extend(256u16.to_le_bytes()); // output capacity
        seed.extend_from_slice(&[1; 96]);
        write("interpreter", &format!("precompile-{id:02}"), &seed);
    }

    // proof and witness: valid worlds are built from the input (mode 1).
    write(
        "proof",
        "world",
        &[1, 3, 0, 0, 0, 0, 7, 9, 3, 0, 1, 0, 2, 1, 5, 2, 3, 4],
    );
    write(
        "witness",
        "world",
        &[2, 1, 3, 0, 0, 0, 0, 7, 9, 3, 0, 1, 0, 2, 1, 5, 2, 3, 4],
    );
    write("witness", "arbitrary-nodes", &[2, 0, 1, 2, 3, 4, 0xc0]);

    transaction_seeds();
    typed_data_seeds();

    // block_header: a built header (mode 1) and, with the fixtures, the chain.
    write("block_header", "built", &[1, 9, 1, 2, 3]);
    let Some((chain, state_root, address, account_proof, storage)) = fixture_proof() else {
        println!("no ../shared/fixtures: fixture seeds (eth_getProof, chain.rlp) skipped");
        return;
    };
    // Block 2 (the number, little-endian: an even first byte is the raw
    // mode) in chains of the first 1, 2 and 3 blocks.
    let mut rest = &chain[..];
    for blocks in 1..=3 {
        let Ok((block, tail)) = rlp::decode_prefix(rest) else {
            break;
        };
        rest = tail;
        let mut seed = 2u64.to_le_bytes().to_vec();
        seed.extend_from_slice(&chain[..chain.len() - rest.len()]);
        write("block_header", &format!("chain-blocks-{blocks}"), &seed);
        if let Some(Ok(header)) = block.list().ok().and_then(|mut l| l.next()) {
            write("rlp", &format!("chain-header-{blocks}"), header.raw());
        }
    }

    // The real proof: raw mode of `proof` (root, key, nodes) and a staged
    // ProofQuery for `service`.
    let mut seed = vec![0];
    seed.extend_from_slice(&state_root);
    let key = evm_state::keccak256(&address);
    seed.extend_from_slice(&u16le(key.len()));
    seed.extend_from_slice(&key);
    seed.push(account_proof.len() as u8);
    for node in &account_proof {
        seed.extend_from_slice(&u16le(node.len()));
        seed.extend_from_slice(node);
    }
    write("proof", "eth-get-proof-account", &seed);
    let query = proof_query_bytes(state_root, address, &account_proof, &storage)
        .expect("the fixture proof fits a query");
    let mut seed = vec![1];
    seed.extend(staged_record(&query, None));
    write("service", "verify-eth-get-proof", &seed);
    println!("seeds written under {}", root().join("corpus").display());
}
