//! EIP-712 typed data: the spec's `Mail` example, MetaMask eth-sig-util v4 signatures, the display, the error cases, and parsing arbitrary bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use k256::ecdsa::SigningKey;
use proptest::prelude::*;
use wallet::typed_data::{digest, HashOnly};
use wallet::{sign_typed_data, Error, JsonError, TypedData, TypedDataError};

/// The EIP-712 example (`Example.js` of the EIP).
const MAIL: &str = r#"{
  "types": {
    "EIP712Domain": [
      {"name": "name", "type": "string"},
      {"name": "version", "type": "string"},
      {"name": "chainId", "type": "uint256"},
      {"name": "verifyingContract", "type": "address"}
    ],
    "Person": [
      {"name": "name", "type": "string"},
      {"name": "wallet", "type": "address"}
    ],
    "Mail": [
      {"name": "from", "type": "Person"},
      {"name": "to", "type": "Person"},
      {"name": "contents", "type": "string"}
    ]
  },
  "primaryType": "Mail",
  "domain": {
    "name": "Ether Mail",
    "version": "1",
    "chainId": 1,
    "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
  },
  "message": {
    "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
    "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
    "contents": "Hello, Bob!"
  }
}"#;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.trim_start_matches("0x")).unwrap()
}

fn parse(json: &str) -> TypedData<'_> {
    TypedData::parse(json.as_bytes()).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn td_error(json: &str) -> TypedDataError {
    match TypedData::parse(json.as_bytes()) {
        Err(Error::TypedData { error, .. }) => error,
        Err(e) => panic!("not a typed-data error: {e:?} for {json}"),
        Ok(_) => panic!("accepted: {json}"),
    }
}

#[test]
fn eip712_mail_example() {
    let td = parse(MAIL);
    let mut encoded = Vec::new();
    td.encode_type(&mut |b| encoded.extend_from_slice(b));
    assert_eq!(
        String::from_utf8(encoded).unwrap(),
        "Mail(Person from,Person to,string contents)Person(string name,address wallet)"
    );
    assert_eq!(
        td.domain_separator().to_vec(),
        h("f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f")
    );
    assert_eq!(
        td.message_hash().to_vec(),
        h("c52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e")
    );
    assert_eq!(
        td.digest().to_vec(),
        h("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
    );
    // The spec signs with keccak256("cow"): v = 28, r, s as in Example.js.
    let key = SigningKey::from_slice(&evm_core::keccak256(b"cow")).unwrap();
    let sig = sign_typed_data(&key, &td.digest()).unwrap();
    assert_eq!(
        hex::encode(sig),
        "4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d\
         07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562\
         1c"
    );
    // The signer is Cow.
    let rs = wallet::RecoverableSignature::new(
        sig[..32].try_into().unwrap(),
        sig[32..64].try_into().unwrap(),
        sig[64] - 27,
    )
    .unwrap();
    assert_eq!(
        wallet::checksummed(&rs.recover_address(&td.digest()).unwrap()).as_str(),
        "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"
    );
}

#[test]
fn mail_display() {
    let td = parse(MAIL);
    let mut out = String::new();
    td.display(&mut out).unwrap();
    assert_eq!(
        out,
        "EIP-712 typed data: Mail
domain: EIP712Domain
domain.name: string = \"Ether Mail\"
domain.version: string = \"1\"
domain.chainId: uint256 = 1
domain.verifyingContract: address = 0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC
message: Mail
message.from: Person
message.from.name: string = \"Cow\"
message.from.wallet: address = 0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826
message.to: Person
message.to.name: string = \"Bob\"
message.to.wallet: address = 0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB
message.contents: string = \"Hello, Bob!\"
domain separator: 0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f
message hash: 0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e
digest: 0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2
"
    );
    // A writer that fills up is an error, not a truncated display.
    let mut small = heapless_string::<64>();
    assert_eq!(td.display(&mut small), Err(Error::DisplayFull));
}

/// A `core::fmt::Write` of at most `N` bytes.
struct Bounded<const N: usize>(String);

impl<const N: usize> core::fmt::Write for Bounded<N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        if self.0.len() + s.len() > N {
            return Err(core::fmt::Error);
        }
        self.0.push_str(s);
        Ok(())
    }
}

fn heapless_string<const N: usize>() -> Bounded<N> {
    Bounded(String::new())
}

#[test]
fn the_domain_type_derives_from_the_present_fields() {
    // Without `EIP712Domain` in `types`, the domain type is the standard fields
    // present, in the standard order (whatever order the domain lists them in).
    let without = MAIL.replace(
        r#""EIP712Domain": [
      {"name": "name", "type": "string"},
      {"name": "version", "type": "string"},
      {"name": "chainId", "type": "uint256"},
      {"name": "verifyingContract", "type": "address"}
    ],"#,
        "",
    );
    assert!(!without.contains("EIP712Domain"));
    let reordered = without.replace(
        r#""name": "Ether Mail",
    "version": "1","#,
        r#""version": "1",
    "name": "Ether Mail","#,
    );
    for doc in [&without, &reordered] {
        assert_eq!(
            parse(doc).digest().to_vec(),
            h("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
        );
    }
    // A non-standard domain key then has no type.
    let extra = without.replace(r#""chainId": 1,"#, r#""chainId": 1, "foo": "x","#);
    assert_eq!(td_error(&extra), TypedDataError::UnknownField);
    // A declared EIP712Domain may not retype a standard field.
    let retyped = MAIL.replace(
        r#"{"name": "chainId", "type": "uint256"}"#,
        r#"{"name": "chainId", "type": "string"}"#,
    );
    assert_eq!(td_error(&retyped), TypedDataError::DomainFieldType);
}

/// The private key of MetaMask eth-sig-util's `sign-typed-data.test.ts`.
const ETH_SIG_UTIL_KEY: &str = "4af1bceebf7f3634ec3cff8a2c38e51178d5d4ce585c52d6043e5e2cc3418bb0";

fn v4_signature(json: &str) -> String {
    let key = SigningKey::from_slice(&h(ETH_SIG_UTIL_KEY)).unwrap();
    let td = parse(json);
    format!(
        "0x{}",
        hex::encode(sign_typed_data(&key, &td.digest()).unwrap())
    )
}

/// `{types: {EIP712Domain: [], Message: [{name: "data", type}]}, domain: {}, message: {data}}`,
/// the shape of eth-sig-util's "example data" cases.
fn message_doc(ty: &str, data: &str) -> String {
    format!(
        r#"{{"types":{{"EIP712Domain":[],"Message":[{{"name":"data","type":"{ty}"}}]}},"primaryType":"Message","domain":{{}},"message":{{"data":{data}}}}}"#
    )
}

/// Signatures from eth-sig-util's `__snapshots__/sign-typed-data.test.ts.snap`
/// (`signTypedData V4 …`); RFC 6979 makes them reproducible.
#[test]
fn eth_sig_util_v4_example_data() {
    for (ty, data, sig) in [
        ("string", r#""Hello!""#, "0x9809571f17ee150687932fb7b993f4437b05caf9c8e64818ab4356b33992f3796636c18e88ba9c6dc140f39f95d8ae5770ad2f17070af208690c82d33f3bc8701c"),
        ("string", "\"\u{1f601}\"", "0x64f99af2821e76b485ad87edfe6d82d52f8951304a83595ffa7fa4e4a79e96dd344108d1f5bb5b09b24b59ee13d4e67b2f2083e5f258d8553aa301d59cb51d761c"),
        ("string", r#""\ud83d\ude01""#, "0x64f99af2821e76b485ad87edfe6d82d52f8951304a83595ffa7fa4e4a79e96dd344108d1f5bb5b09b24b59ee13d4e67b2f2083e5f258d8553aa301d59cb51d761c"),
        ("address", r#""0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB""#, "0x9dfeb4cb581e1cc8ef7f1192dbbaa05a67545116c1ecb951b8aa5e7e2167e1ca463e8260231fe82395a38a597c90537f3282f6197c17b7e04baf52c5250fa3831b"),
        ("bool", "true", "0x5266f7fdc7b8d6552656609f7160760f323a4b37ba80e41b33fdb5637349538c123e338354fd3c0fa0741725c3a273a3857d9a2f490b7ebd612b83d10b2246a11b"),
        ("bool", "false", "0xf61ac8da1b7c663c7a7d16d1fefc75ffa739cd5a7af7b165405df3f616f899fa205e73f6f885b7fb6a4f0a5ec14c715c8642d4f59cb88abd361c8a1590cd70071b"),
        ("bytes", r#""0x""#, "0xfd9fdcd8d428bdcf00d760e9f984f4c8ec1703fc5503e5f02bf00292d6ce65e71175fe5666983a14ca41dba4b2b81c9b384bae97d8ec3ba84c7de4d4b79ab72d1c"),
        ("bytes", r#""0x10""#, "0x3de701e25bff8626c535c0b630b5d5cce8230965ef5cd21b894daef9c3fe15b7042ea68ebbe272a50d1d69dc1df1a3e5a5a16ca570cee8df43d251d4835b808f1b"),
        ("bytes", r#""0xa22cb465000000000000000000000000a9079d872d10185b54c5db2c36cc978cbd3f72b70000000000000000000000000000000000000000000000000000000000000001""#, "0x82533d24d72d06740288f8276a45cd67271a2cf48e0a48bf4782467edabaa3b726aa6e912ccbbe808dd7cd17f4aa018edcc655f0b639661178a823c9869cf1de1c"),
        ("bytes1", r#""0x10""#, "0xf11b3b9780d816c741a8902eec2e3b1d40225283c273d5aef4dc776045cfcf9b626ea06c50e5d6180cb9bc7583f2ffa8ddc5c99641b954830539bf7faf3e90041b"),
        ("int8", "0", "0x1316dd89e3828b6e3fb2a1b73f35e9914e5f13bd7e636a6ffc091e38d27d75dd450443e38024d88f7b856da9fccf4b27d508cb403e6206c618a03a912f68f4141b"),
        ("int8", r#""0x0""#, "0x1316dd89e3828b6e3fb2a1b73f35e9914e5f13bd7e636a6ffc091e38d27d75dd450443e38024d88f7b856da9fccf4b27d508cb403e6206c618a03a912f68f4141b"),
        ("int256", "-9007199254740991", "0x3f27685a18b99b2a0964095574c35167bd34cd85b3a65862d88db43d92617cf670ac65add7b0cbe16f88b26c4b2dc5f81d921cede6dc7a728ff81daf85b337691b"),
        ("uint8", "255", "0x07a0c3566cff100c5861355d1aeddb437269f05f6413498c32be63a7383152123e6a794d4fbfae20a512303ed5b7462d9fbb38cd581b890d3a54817576ef5fe91b"),
        ("uint256", "9007199254740991", "0x6a871571b479e3cfd3c71e44d9e81fc169bf648e672404b062fdb6248c4efd0f0d82c40b312190135421a05746ed106c008ff0a45a2db04c5efe59e5b65312f51c"),
        ("uint256[]", r#"[0, "0", "0x0", 9007199254740991]"#, "0x48d5cfcf02360720a54aa2755fd11ae1957a878745b26b6666227e9cb9464d8f056792506f5de051d7e35a3cbef3114e8374ac46623b4aac7a21325ab455c2781b"),
        ("uint8[]", r#"[0, "0", "0x0", 255]"#, "0x0466b76f5405629eac6b15b559dd020a360ca0d5b7ebc879524cf37677e15baf079c1696188d1e6fd391d138cba5473c3e876ba5674693ee881fe28fed32ae011c"),
        ("int256[]", r#"[0, "0", "0x0", 9007199254740991, -9007199254740991]"#, "0x43ed28e7b664ad41c7b04584452c6046d1ab9cd6b6f9e069d327e4b5717b3cf821d37bdbabd9d66a5ebb32001570ae8e39dec978d863b6c6f33204cf11b71c5c1c"),
    ] {
        assert_eq!(v4_signature(&message_doc(ty, data)), sig, "{ty} {data}");
    }
}

#[test]
fn eth_sig_util_v4_structs_arrays_and_recursion() {
    // "should sign data with custom type".
    let custom = r#"{"types":{"EIP712Domain":[],
      "Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],
      "Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},
      "primaryType":"Mail","domain":{},
      "message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                 "to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#;
    assert_eq!(v4_signature(custom), "0x22ee0cb3a379f3a122f7b59456ebcf404ca139320a0723560abde49cc95f4a2f69774bf94c4e776f1a9c8c8a67e9e2bdda131e04bde935f73fae376ee788920d1c");
    // "should sign data when given extraneous types": an unused type changes nothing.
    let extraneous = r#"{"types":{"EIP712Domain":[],"Message":[{"name":"data","type":"string"}],"Extra":[{"name":"data","type":"string"}]},"primaryType":"Message","domain":{},"message":{"data":"Hello!"}}"#;
    assert_eq!(v4_signature(extraneous), "0x9809571f17ee150687932fb7b993f4437b05caf9c8e64818ab4356b33992f3796636c18e88ba9c6dc140f39f95d8ae5770ad2f17070af208690c82d33f3bc8701c");
    // "should sign data with a custom data type array": Person[] and address[] nested.
    let arrays = r#"{"types":{"EIP712Domain":[],
      "Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address[]"}],
      "Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person[]"},{"name":"contents","type":"string"}]},
      "primaryType":"Mail","domain":{},
      "message":{"from":{"name":"Cow","wallet":["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826","0xDD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"]},
                 "to":[{"name":"Bob","wallet":["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"]}],"contents":"Hello, Bob!"}}"#;
    assert_eq!(v4_signature(arrays), "0x17c484deba479e3e9f821a6d5defc0179ddf52195c0cd75895c936b3ab4d217c6ba7f1f164a3ac9701e1694a04a13f421fb67ec44cd316846326a98b0d5838a01c");
    // "should sign data with a recursive data type": the inner `replyTo` is
    // absent there, which v4 encodes as 32 zero bytes; here it is an explicit `null`.
    let recursive = r#"{"types":{"EIP712Domain":[],
      "Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],
      "Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"},{"name":"replyTo","type":"Mail"}]},
      "primaryType":"Mail","domain":{},
      "message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                 "to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!",
                 "replyTo":{"to":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                            "from":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello!","replyTo":null}}}"#;
    assert_eq!(v4_signature(recursive), "0x8f549ddc5ce19505b8ae0d262db4640c7b1410dec5ee037d65c2225d53c845bd38265565378b7e7a53e08499dcfdb70e885ed9207f67d7bc34278b81b39b93d11b");

    let mut out = String::new();
    parse(arrays).display(&mut out).unwrap();
    assert!(
        out.contains("message.from.wallet: address[] (2 items)\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "message.from.wallet[1]: address = 0xdd2A3D9F938e13CD947eC05abC7fE734DF8dD826\n"
        ),
        "{out}"
    );
    assert!(out.contains("message.to: Person[] (1 item)\nmessage.to[0]: Person\nmessage.to[0].name: string = \"Bob\"\n"), "{out}");
    let mut out = String::new();
    parse(recursive).display(&mut out).unwrap();
    assert!(
        out.contains("message.replyTo.replyTo: Mail = null\n"),
        "{out}"
    );
}

#[test]
fn nested_and_fixed_arrays() {
    // uint8[2][] is an array of pairs: keccak(keccak(a0 ‖ a1) ‖ keccak(b0 ‖ b1)).
    let doc = message_doc("uint8[2][]", "[[1, 2], [3, 4]]");
    let td = parse(&doc);
    let word = |n: u8| {
        let mut w = [0u8; 32];
        w[31] = n;
        w
    };
    let pair = |a, b| evm_core::keccak256(&[word(a), word(b)].concat());
    let array = evm_core::keccak256(&[pair(1, 2), pair(3, 4)].concat());
    let type_hash = evm_core::keccak256(b"Message(uint8[2][] data)");
    let message = evm_core::keccak256(&[type_hash, array].concat());
    assert_eq!(td.message_hash(), message);
    let domain = evm_core::keccak256(&evm_core::keccak256(b"EIP712Domain()"));
    assert_eq!(td.domain_separator(), domain);
    assert_eq!(td.digest(), digest(&domain, &message));
    let mut out = String::new();
    td.display(&mut out).unwrap();
    assert!(out.contains("message.data[1][0]: uint8 = 3\n"), "{out}");
    // A fixed dimension must match.
    assert_eq!(
        td_error(&message_doc("uint8[2][]", "[[1, 2], [3]]")),
        TypedDataError::ArrayLength {
            got: 1,
            expected: 2
        }
    );
}

#[test]
fn values_are_rendered_for_reading() {
    for (ty, data, shown) in [
        ("int16", r#""-32768""#, "-32768"),
        ("uint256", r#""0xff""#, "255"),
        (
            "uint256",
            r#""115792089237316195423570985008687907853269984665640564039457584007913129639935""#,
            "115792089237316195423570985008687907853269984665640564039457584007913129639935",
        ),
        ("bytes4", r#""0xDEADBEEF""#, "0xdeadbeef"),
        ("bytes", r#""0xAB01""#, "0xab01"),
        (
            "address",
            r#""0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826""#,
            "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826",
        ),
        (
            "string",
            r#""line\nfake: 0x1 \"q\" \\ \u00e9\u202e""#,
            r#""line\nfake: 0x1 \"q\" \\ \u{e9}\u{202e}""#,
        ),
    ] {
        let doc = message_doc(ty, data);
        let mut out = String::new();
        parse(&doc).display(&mut out).unwrap();
        assert!(
            out.contains(&format!("message.data: {ty} = {shown}\n")),
            "{out}"
        );
        assert_eq!(out.lines().count(), 7, "one line per value: {out}");
    }
}

#[test]
fn out_of_range_and_malformed_values() {
    use TypedDataError::*;
    for (ty, data, e) in [
        ("uint8", "256", OutOfRange),
        ("uint8", "-1", OutOfRange),
        (
            "uint256",
            r#""115792089237316195423570985008687907853269984665640564039457584007913129639936""#,
            OutOfRange,
        ),
        ("uint256", &format!("\"0x1{}\"", "0".repeat(64)), OutOfRange),
        ("int8", "128", OutOfRange),
        ("int8", "-129", OutOfRange),
        ("int8", r#""0xff""#, OutOfRange),
        ("int8", "255", OutOfRange),
        ("uint256", r#""01""#, ValueSyntax),
        ("uint256", r#""-0""#, ValueSyntax),
        ("uint256", r#""""#, ValueSyntax),
        ("uint256", r#""0x""#, ValueSyntax),
        ("uint256", r#""0xg""#, ValueSyntax),
        ("uint256", r#""1e3""#, ValueSyntax),
        ("uint256", r#"" 1""#, ValueSyntax),
        (
            "uint256",
            "true",
            Expected {
                expected: "an integer",
            },
        ),
        (
            "bool",
            "1",
            Expected {
                expected: "true or false",
            },
        ),
        (
            "bool",
            r#""true""#,
            Expected {
                expected: "true or false",
            },
        ),
        (
            "address",
            r#""0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB0""#,
            ValueSyntax,
        ),
        (
            "address",
            r#""bBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB""#,
            ValueSyntax,
        ),
        (
            "address",
            r#""0X bBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBB""#,
            ValueSyntax,
        ),
        (
            "address",
            "10",
            Expected {
                expected: "a 0x string",
            },
        ),
        (
            "bytes32",
            r#""0x10""#,
            BytesLength {
                got: 1,
                expected: 32,
            },
        ),
        ("bytes1", r#""0x101""#, ValueSyntax),
        ("bytes1", r#""a""#, ValueSyntax),
        ("bytes", r#""0x101""#, ValueSyntax),
        ("bytes", r#""hello""#, ValueSyntax),
        (
            "string",
            "10",
            Expected {
                expected: "a string",
            },
        ),
        (
            "string",
            "null",
            Expected {
                expected: "a string",
            },
        ),
        (
            "uint8[]",
            "1",
            Expected {
                expected: "an array",
            },
        ),
        (
            "uint8[2]",
            "[1]",
            ArrayLength {
                got: 1,
                expected: 2,
            },
        ),
    ] {
        assert_eq!(td_error(&message_doc(ty, data)), e, "{ty} {data}");
    }
}

#[test]
fn document_and_type_errors() {
    use TypedDataError::*;
    let ok = message_doc("uint8", "1");
    assert!(TypedData::parse(ok.as_bytes()).is_ok());
    for (doc, e) in [
        (
            "[]".to_owned(),
            Expected {
                expected: "an object",
            },
        ),
        (
            ok.replace(r#""primaryType":"Message","#, ""),
            MissingMember {
                name: "primaryType",
            },
        ),
        (
            ok.replace(r#""domain":{},"#, r#""domain":{},"extra":1,"#),
            UnknownMember,
        ),
        (
            ok.replace(r#""primaryType":"Message""#, r#""primaryType":"Nope""#),
            UnknownType,
        ),
        (
            ok.replace(
                r#""primaryType":"Message""#,
                r#""primaryType":"EIP712Domain""#,
            ),
            PrimaryTypeIsDomain,
        ),
        (message_doc("Nope", "1"), UnknownType),
        (message_doc("uint", "1"), UnknownType),
        (message_doc("uint8[", "1"), TypeSyntax),
        (message_doc("uint8[0]", "[]"), TypeSyntax),
        (message_doc("uint8[01]", "[1]"), TypeSyntax),
        (message_doc("uint8[257]", "[]"), TypeSyntax),
        (
            ok.replace(r#""name":"data""#, r#""name":"1data""#),
            NameSyntax,
        ),
        (
            ok.replace(r#""Message":["#, r#""uint8":[],"Message":["#),
            ReservedName,
        ),
        (
            ok.replace(r#""Message":["#, r#""Bad-Name":[],"Message":["#),
            NameSyntax,
        ),
        (
            ok.replace(
                r#"{"name":"data","type":"uint8"}"#,
                r#"{"name":"data","type":"uint8"},{"name":"data","type":"bool"}"#,
            ),
            DuplicateField,
        ),
        (
            ok.replace(
                r#"{"name":"data","type":"uint8"}"#,
                r#"{"name":"data","type":"uint8","x":1}"#,
            ),
            UnknownMember,
        ),
        (
            ok.replace(r#"{"name":"data","type":"uint8"}"#, r#"{"name":"data"}"#),
            MissingMember { name: "type" },
        ),
        (
            ok.replace(r#""message":{"data":1}"#, r#""message":{}"#),
            MissingField,
        ),
        (
            ok.replace(
                r#""message":{"data":1}"#,
                r#""message":{"data":1,"more":2}"#,
            ),
            UnknownField,
        ),
        (
            ok.replace(r#""message":{"data":1}"#, r#""message":[]"#),
            Expected {
                expected: "an object",
            },
        ),
        (
            ok.replace(r#""domain":{}"#, r#""domain":{"name":"x"}"#),
            UnknownField,
        ),
    ] {
        assert_eq!(td_error(&doc), e, "{doc}");
    }
    // JSON errors carry their offset.
    let dup = ok.replace(r#""domain":{}"#, r#""domain":{},"domain":{}"#);
    assert_eq!(
        TypedData::parse(dup.as_bytes()).err(),
        Some(Error::Json {
            error: JsonError::DuplicateKey,
            at: dup.rfind(r#""domain""#).unwrap()
        })
    );
    assert!(matches!(
        TypedData::parse(format!("{ok} x").as_bytes()),
        Err(Error::Json {
            error: JsonError::TrailingBytes,
            ..
        })
    ));
}

#[test]
fn limits_are_errors() {
    // Too many types.
    let defs: Vec<String> = (0..wallet::limits::MAX_TYPES)
        .map(|i| format!(r#""T{i}":[]"#))
        .collect();
    let doc = format!(
        r#"{{"types":{{{},"Message":[{{"name":"data","type":"uint8"}}]}},"primaryType":"Message","domain":{{}},"message":{{"data":1}}}}"#,
        defs.join(",")
    );
    assert_eq!(td_error(&doc), TypedDataError::TooManyTypes);
    // Too deep: structs nested past the JSON depth.
    let mut types = String::from(r#""S0":[{"name":"v","type":"uint8"}]"#);
    let mut value = String::from(r#"{"v":1}"#);
    for i in 1..wallet::limits::MAX_JSON_DEPTH {
        types.push_str(&format!(r#","S{i}":[{{"name":"s","type":"S{}"}}]"#, i - 1));
        value = format!(r#"{{"s":{value}}}"#);
    }
    let doc = format!(
        r#"{{"types":{{{types}}},"primaryType":"S{}","domain":{{}},"message":{value}}}"#,
        wallet::limits::MAX_JSON_DEPTH - 1
    );
    assert!(matches!(
        TypedData::parse(doc.as_bytes()),
        Err(Error::Json {
            error: JsonError::TooDeep,
            ..
        })
    ));
    // An array past MAX_ARRAY_LEN.
    let items = vec!["true"; wallet::limits::MAX_ARRAY_LEN + 1].join(",");
    assert_eq!(
        td_error(&message_doc("bool[]", &format!("[{items}]"))),
        TypedDataError::ArrayTooLong
    );
}

#[test]
fn hash_only_is_blind() {
    let td = parse(MAIL);
    let blind = HashOnly {
        domain_separator: td.domain_separator(),
        message_hash: td.message_hash(),
    };
    assert!(blind.is_blind());
    assert_eq!(blind.digest(), td.digest());
    let mut out = String::new();
    blind.display(&mut out).unwrap();
    assert!(
        out.starts_with("EIP-712 typed data: hash only (BLIND SIGNING)\n"),
        "{out}"
    );
    assert!(
        out.ends_with(
            "digest: 0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2\n"
        ),
        "{out}"
    );
}

proptest! {
    #[test]
    fn parsing_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = TypedData::parse(&bytes);
    }

    #[test]
    fn mutated_documents_parse_or_fail_cleanly(at in 0usize..MAIL.len(), byte in any::<u8>(), cut in any::<bool>()) {
        let mut doc = MAIL.as_bytes().to_vec();
        if cut { doc.truncate(at) } else { doc[at] = byte }
        if let Ok(td) = TypedData::parse(&doc) {
            let mut out = String::new();
            td.display(&mut out).unwrap();
            let last = format!("digest: 0x{}\n", hex::encode(td.digest()));
            prop_assert!(out.ends_with(&last));
        }
    }

    #[test]
    fn integers_round_trip(v in any::<i64>(), bits in 1u16..=32) {
        let bits = bits * 8;
        let doc = message_doc(&format!("int{bits}"), &format!("\"{v}\""));
        let fits = bits >= 64 || (i128::from(v) >= -(1i128 << (bits - 1)) && i128::from(v) < (1i128 << (bits - 1)));
        match TypedData::parse(doc.as_bytes()) {
            Ok(td) => {
                prop_assert!(fits);
                let mut out = String::new();
                td.display(&mut out).unwrap();
                prop_assert!(out.contains(&format!("message.data: int{bits} = {v}\n")), "{}", out);
            }
            Err(e) => {
                prop_assert!(!fits);
                prop_assert!(matches!(e, Error::TypedData { error: TypedDataError::OutOfRange, .. }), "{:?}", e);
            }
        }
    }
}

#[test]
fn the_parsed_form_is_bounded() {
    // The value table (MAX_JSON_VALUES nodes of 12 bytes) and the type table:
    // what a device keeps while the user reads the display.
    let size = core::mem::size_of::<TypedData<'static>>();
    assert!(size <= 10 * 1024, "TypedData is {size} bytes");
    println!("size_of::<TypedData>() = {size}");
}
