//! The EIP-2537 calls of the execution-spec state tests (Prague, filled for Osaka), replayed on the functions.
//!
//! Each case of `eest/state_tests/prague/eip2537_bls_12_381_precompiles`
//! whose contract is the suite's plain caller (`CALLDATACOPY` the input,
//! `CALL`/`CALLCODE`/`DELEGATECALL`/`STATICCALL` a precompile with a pushed
//! gas amount, store the success flag at slot 0, and in most files the
//! return-data size at 1 and its keccak at 2) and whose transaction leaves
//! that call its full pushed gas gives a vector: input, gas, and the stored
//! slots of the expected post-state, which the function must reproduce.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::tests::{call, ALL};
use crate::U256;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use zkevm_fixtures::hex::unhex;

const DIR: &str = "eest/state_tests/prague/eip2537_bls_12_381_precompiles";

/// A precompile call read from a contract: (address, pushed gas).
fn parse_caller(code: &[u8]) -> Option<(u8, u64)> {
    let prefix = unhex("0x36600060003760006000366000").unwrap();
    let rest = code.strip_prefix(&prefix[..])?;
    // PUSH1 0 (the value of CALL, CALLCODE), then PUSH1 address (never 0).
    let (addr, with_value, rest) = match rest {
        [0x60, 0x00, 0x60, a, rest @ ..] => (*a, true, rest),
        [0x60, a, rest @ ..] => (*a, false, rest),
        _ => return None,
    };
    let (&push, rest) = rest.split_first()?;
    let n = usize::from(push.checked_sub(0x5f)?);
    if !(1..=8).contains(&n) || rest.len() < n {
        return None;
    }
    let (g, rest) = rest.split_at(n);
    let gas = g.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
    let (&op, rest) = rest.split_first()?;
    let ok_op = match op {
        0xf1 | 0xf2 => with_value,
        0xf4 | 0xfa => !with_value,
        _ => false,
    };
    let short = unhex("0x6000553d600155").unwrap();
    let long = unhex("0x6000553d6001553d600060003e3d600020600255").unwrap();
    (ok_op && (rest == &short[..] || rest == &long[..])).then_some((addr, gas))
}

fn u256(v: Option<&Value>) -> U256 {
    v.and_then(Value::as_str)
        .map(|s| U256::from_str_radix(s.trim_start_matches("0x"), 16).unwrap())
        .unwrap_or_default()
}

fn intrinsic(data: &[u8]) -> u64 {
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    21_000 + 4 * zeros + 16 * (data.len() as u64 - zeros)
}

#[test]
fn eest_bls_vectors_reproduce() {
    let dir = match zkevm_fixtures::require(DIR) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    let mut checked: BTreeMap<String, usize> = BTreeMap::new();
    let (mut ok_calls, mut failed_calls, mut skipped) = (0, 0, 0);
    for file in &files {
        let json: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let group = file
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        for (name, case) in json.as_object().unwrap() {
            let tx = &case["transaction"];
            let to = tx["to"].as_str().unwrap().to_lowercase();
            let code = unhex(case["pre"][&to]["code"].as_str().unwrap()).unwrap();
            let Some((addr, pushed)) = parse_caller(&code) else {
                skipped += 1;
                continue;
            };
            let f = ALL
                .iter()
                .find(|(a, _)| *a == addr)
                .map(|(_, f)| *f)
                .unwrap();
            for post in case["post"]["Osaka"].as_array().unwrap() {
                if post.get("expectException").is_some() {
                    skipped += 1;
                    continue;
                }
                let idx = &post["indexes"];
                let data = tx["data"][idx["data"].as_u64().unwrap() as usize]
                    .as_str()
                    .unwrap();
                let data = unhex(data).unwrap();
                let limit = u256(tx["gasLimit"].get(idx["gas"].as_u64().unwrap() as usize));
                let limit = u64::try_from(limit).unwrap();
                // Room for the caller's own opcodes and memory, and the 1/64 rule.
                let words = data.len() as u64 / 32 + 1;
                let need = intrinsic(&data) + 10_000 + 6 * words + words * words / 512;
                if limit.saturating_sub(need) * 63 / 64 < pushed {
                    skipped += 1;
                    continue;
                }
                let storage = &post["state"][&to]["storage"];
                let success = u256(storage.get("0x00"));
                let r = call(f, &data, pushed);
                let context = format!("{}: {name} (data {})", file.display(), idx["data"]);
                match r {
                    Ok((used, out)) => {
                        assert_eq!(success, U256::from(1), "{context}: succeeded here");
                        assert!(used <= pushed);
                        if let Some(size) = storage.get("0x01") {
                            assert_eq!(u256(Some(size)), U256::from(out.len()), "{context}");
                        }
                        if let Some(h) = storage.get("0x02") {
                            let want = u256(Some(h));
                            assert_eq!(
                                U256::from_be_bytes(crate::keccak256(&out)),
                                want,
                                "{context}"
                            );
                        }
                        ok_calls += 1;
                    }
                    Err(e) => {
                        assert_eq!(success, U256::ZERO, "{context}: failed here with {e:?}");
                        failed_calls += 1;
                    }
                }
                *checked.entry(group.clone()).or_default() += 1;
            }
        }
    }
    println!("eest BLS vectors: {ok_calls} successful and {failed_calls} failing calls reproduced, {skipped} cases skipped; by directory: {checked:?}");
    // Every directory whose cases call a precompile directly gave vectors.
    for g in [
        "bls12_g1add",
        "bls12_g1msm",
        "bls12_g1mul",
        "bls12_g2add",
        "bls12_g2msm",
        "bls12_g2mul",
        "bls12_map_fp2_to_g2",
        "bls12_map_fp_to_g1",
        "bls12_pairing",
    ] {
        assert!(
            checked.get(g).copied().unwrap_or(0) > 0,
            "no vectors from {g}"
        );
    }
    assert!(
        ok_calls > 300 && failed_calls > 200,
        "{ok_calls} {failed_calls}"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    out
}
