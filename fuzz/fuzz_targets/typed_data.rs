//! Fuzz target `typed_data`: the wallet's EIP-712 parser and hashing on arbitrary bytes, whole documents or values under a fixed type; what parses hashes, displays and re-parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wallet::typed_data::digest;
use wallet::{Error, TypedData};

/// Field types the value mode puts the input under.
const TYPES: [&str; 12] = [
    "uint256",
    "int8",
    "address",
    "bool",
    "bytes",
    "bytes4",
    "string",
    "uint8[]",
    "int256[2][]",
    "Person",
    "Person[]",
    "Mail",
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        let _ = TypedData::parse(data);
        return;
    };
    if mode < 128 {
        check(rest);
    } else {
        // `rest` as the value of `message.data` of a type from the list.
        let ty = TYPES[usize::from(mode) % TYPES.len()];
        let mut doc = format!(
            r#"{{"types":{{"Person":[{{"name":"name","type":"string"}},{{"name":"wallet","type":"address"}}],"Mail":[{{"name":"from","type":"Person"}},{{"name":"to","type":"Person[]"}},{{"name":"replyTo","type":"Mail"}}],"Message":[{{"name":"data","type":"{ty}"}}]}},"primaryType":"Message","domain":{{"name":"x","chainId":1}},"message":{{"data":"#
        )
        .into_bytes();
        doc.extend_from_slice(rest);
        doc.extend_from_slice(b"}}");
        check(&doc);
    }
});

fn check(doc: &[u8]) {
    let Ok(td) = TypedData::parse(doc) else {
        return;
    };
    assert_eq!(
        td.digest(),
        digest(&td.domain_separator(), &td.message_hash())
    );
    let mut out = String::new();
    td.display(&mut out).expect("a String takes any display");
    let last = format!("digest: 0x{}\n", hex(&td.digest()));
    assert!(out.ends_with(&last), "display ends with the digest");
    // Every line is printable ASCII: no value can forge a line.
    assert!(out
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b)));
    // A full writer is an error, never a panic or a silent cut.
    let mut small = Bounded(0);
    assert_eq!(td.display(&mut small), Err(Error::DisplayFull));
    // Parsing is deterministic.
    let again = TypedData::parse(doc).expect("parses twice");
    assert_eq!(again.digest(), td.digest());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A writer that takes 40 bytes and refuses the rest.
struct Bounded(usize);

impl core::fmt::Write for Bounded {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0 += s.len();
        if self.0 > 40 {
            Err(core::fmt::Error)
        } else {
            Ok(())
        }
    }
}
