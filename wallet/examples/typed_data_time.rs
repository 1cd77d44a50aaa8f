//! Host timing of EIP-712 typed data: parse + hash, and the display, of the spec's `Mail` example and of a 200-element array.
//!
//! `cargo run --profile bench -p wallet --example typed_data_time`: best of
//! 200 runs each; a measurement, not a test.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use wallet::TypedData;

const MAIL: &str = r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#;

/// The shortest of 200 runs of `f`.
fn best<T>(f: impl FnMut() -> T) -> Duration {
    common::best(200, f)
}

fn main() {
    let items: Vec<String> = (0..200).map(|i| format!("\"0x{i:x}\"")).collect();
    let array = format!(
        r#"{{"types":{{"M":[{{"name":"v","type":"uint256[]"}}]}},"primaryType":"M","domain":{{"chainId":1}},"message":{{"v":[{}]}}}}"#,
        items.join(",")
    );
    for (name, doc) in [("Mail", MAIL), ("uint256[200]", array.as_str())] {
        let parse = best(|| TypedData::parse(doc.as_bytes()).unwrap().digest());
        let td = TypedData::parse(doc.as_bytes()).unwrap();
        let display = best(|| {
            let mut s = String::with_capacity(16 * 1024);
            td.display(&mut s).unwrap();
            s.len()
        });
        println!(
            "{name} ({} bytes): parse + hash {:.1} us, display {:.1} us",
            doc.len(),
            parse.as_secs_f64() * 1e6,
            display.as_secs_f64() * 1e6
        );
    }
}
