//! Transactions of every type: known vectors, round trips (encode → decode → same), non-canonical forms rejected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use evm_state::rlp;
use k256::ecdsa::SigningKey;
use proptest::prelude::*;
use wallet::tx::rules::{self, Fork, Rules};
use wallet::{Error, SignedTransaction, Transaction, TxType, U256};

// ---- an encoder of the transaction layouts written from the EIPs, independent of the crate's ----

fn bytes(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    rlp::put_bytes(&mut out, b).unwrap();
    out
}

fn scalar(v: U256) -> Vec<u8> {
    let be = v.to_be_bytes::<32>();
    bytes(rlp::strip_zeros(&be))
}

fn num(v: u64) -> Vec<u8> {
    scalar(U256::from(v))
}

fn list(items: &[Vec<u8>]) -> Vec<u8> {
    let payload: Vec<u8> = items.concat();
    let mut out = Vec::new();
    rlp::put_list_header(&mut out, payload.len()).unwrap();
    out.extend_from_slice(&payload);
    out
}

type Auth = (U256, [u8; 20], u64, u8, U256, U256);

#[derive(Debug, Clone)]
struct Spec {
    ty: TxType,
    chain_id: U256,
    eip155: bool,
    nonce: u64,
    tip: U256,
    fee: U256,
    gas: u64,
    to: Option<[u8; 20]>,
    value: U256,
    data: Vec<u8>,
    access: Vec<([u8; 20], Vec<[u8; 32]>)>,
    blob_fee: U256,
    blobs: Vec<[u8; 32]>,
    auths: Vec<Auth>,
}

impl Spec {
    /// The body fields, each encoded (legacy: the first six).
    fn body(&self) -> Vec<Vec<u8>> {
        let to = bytes(self.to.as_ref().map_or(&[][..], |a| &a[..]));
        let access = list(
            &self
                .access
                .iter()
                .map(|(a, keys)| {
                    let keys: Vec<_> = keys.iter().map(|k| bytes(k)).collect();
                    list(&[bytes(a), list(&keys)])
                })
                .collect::<Vec<_>>(),
        );
        let common = vec![to, scalar(self.value), bytes(&self.data)];
        match self.ty {
            TxType::Legacy => [
                vec![num(self.nonce), scalar(self.fee), num(self.gas)],
                common,
            ]
            .concat(),
            TxType::Eip2930 => [
                vec![
                    scalar(self.chain_id),
                    num(self.nonce),
                    scalar(self.fee),
                    num(self.gas),
                ],
                common,
                vec![access],
            ]
            .concat(),
            _ => {
                let mut f = [
                    vec![
                        scalar(self.chain_id),
                        num(self.nonce),
                        scalar(self.tip),
                        scalar(self.fee),
                        num(self.gas),
                    ],
                    common,
                    vec![access],
                ]
                .concat();
                if self.ty == TxType::Eip4844 {
                    f.push(scalar(self.blob_fee));
                    let hashes: Vec<_> = self.blobs.iter().map(|h| bytes(h)).collect();
                    f.push(list(&hashes));
                }
                if self.ty == TxType::Eip7702 {
                    let auths: Vec<_> = self
                        .auths
                        .iter()
                        .map(|(c, a, n, y, r, s)| {
                            list(&[
                                scalar(*c),
                                bytes(a),
                                num(*n),
                                num(u64::from(*y)),
                                scalar(*r),
                                scalar(*s),
                            ])
                        })
                        .collect();
                    f.push(list(&auths));
                }
                f
            }
        }
    }

    fn envelope(&self, fields: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(t) = self.ty.type_byte() {
            out.push(t);
        }
        out.extend(list(fields));
        out
    }

    fn unsigned_fields(&self) -> Vec<Vec<u8>> {
        let mut f = self.body();
        if self.ty == TxType::Legacy && self.eip155 {
            f.extend([scalar(self.chain_id), bytes(&[]), bytes(&[])]);
        }
        f
    }

    fn unsigned(&self) -> Vec<u8> {
        self.envelope(&self.unsigned_fields())
    }

    fn signed(&self, y: u8, r: U256, s: U256) -> Vec<u8> {
        let mut f = self.body();
        let v = match (self.ty, self.eip155) {
            (TxType::Legacy, true) => self.chain_id * U256::from(2u8) + U256::from(35u8 + y),
            (TxType::Legacy, false) => U256::from(27u8 + y),
            _ => U256::from(y),
        };
        f.extend([scalar(v), scalar(r), scalar(s)]);
        self.envelope(&f)
    }

    fn check_decoded(&self, tx: &Transaction<'_>) {
        assert_eq!(tx.tx_type, self.ty);
        let chain = (self.ty != TxType::Legacy || self.eip155).then_some(self.chain_id);
        assert_eq!(tx.chain_id, chain);
        assert_eq!(tx.nonce, self.nonce);
        assert_eq!(tx.max_fee_per_gas, self.fee);
        let tip = if matches!(self.ty, TxType::Legacy | TxType::Eip2930) {
            self.fee
        } else {
            self.tip
        };
        assert_eq!(tx.max_priority_fee_per_gas, tip);
        assert_eq!(tx.gas_limit, self.gas);
        assert_eq!(tx.to, self.to);
        assert_eq!(tx.value, self.value);
        assert_eq!(tx.input, &self.data[..]);
        let access: Vec<_> = tx
            .access_list
            .iter()
            .map(|(a, k)| (a, k.collect::<Vec<_>>()))
            .collect();
        let want_access = if self.ty == TxType::Legacy {
            vec![]
        } else {
            self.access.clone()
        };
        assert_eq!(access, want_access);
        let want_blobs = if self.ty == TxType::Eip4844 {
            self.blobs.clone()
        } else {
            vec![]
        };
        assert_eq!(tx.blob_hashes.iter().collect::<Vec<_>>(), want_blobs);
        let auths: Vec<Auth> = tx
            .authorizations
            .iter()
            .map(|a| (a.chain_id, a.address, a.nonce, a.y_parity, a.r, a.s))
            .collect();
        let want_auths = if self.ty == TxType::Eip7702 {
            self.auths.clone()
        } else {
            vec![]
        };
        assert_eq!(auths, want_auths);
    }
}

fn u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        Just(U256::ZERO),
        any::<u64>().prop_map(U256::from),
        any::<[u64; 4]>().prop_map(U256::from_limbs),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    let ty = prop_oneof![
        Just(TxType::Legacy),
        Just(TxType::Eip2930),
        Just(TxType::Eip1559),
        Just(TxType::Eip4844),
        Just(TxType::Eip7702)
    ];
    let keys = proptest::collection::vec(any::<[u8; 32]>(), 0..3);
    let access = proptest::collection::vec((any::<[u8; 20]>(), keys), 0..3);
    let auth = (
        u256(),
        any::<[u8; 20]>(),
        any::<u64>(),
        any::<u8>(),
        u256(),
        u256(),
    );
    let auths = proptest::collection::vec(auth, 0..3);
    (
        (
            ty,
            u256().prop_filter("chain id 0", |c| !c.is_zero()),
            any::<bool>(),
            any::<u64>(),
            u256(),
            u256(),
            any::<u64>(),
        ),
        (
            proptest::option::of(any::<[u8; 20]>()),
            u256(),
            proptest::collection::vec(any::<u8>(), 0..80),
            access,
        ),
        (
            u256(),
            proptest::collection::vec(any::<[u8; 32]>(), 0..4),
            auths,
        ),
    )
        .prop_map(
            |(
                (ty, chain_id, eip155, nonce, tip, fee, gas),
                (to, value, data, access),
                (blob_fee, blobs, auths),
            )| {
                // Blob and set-code transactions always have a recipient; an
                // EIP-155 chain id must leave room for v in 256 bits.
                let to = if matches!(ty, TxType::Eip4844 | TxType::Eip7702) {
                    to.or(Some([7; 20]))
                } else {
                    to
                };
                let chain_id = if ty == TxType::Legacy {
                    (chain_id >> 2usize) | U256::from(1u8)
                } else {
                    chain_id
                };
                Spec {
                    ty,
                    chain_id,
                    eip155,
                    nonce,
                    tip,
                    fee,
                    gas,
                    to,
                    value,
                    data,
                    access,
                    blob_fee,
                    blobs,
                    auths,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Unsigned payload → decode → the same fields and the same bytes; sign →
    /// signed form → decode → the same transaction, signature, sender and hash.
    #[test]
    fn every_type_round_trips(spec in spec(), secret in any::<[u8; 32]>()) {
        let unsigned = spec.unsigned();
        let tx = Transaction::decode_unsigned(&unsigned).unwrap();
        spec.check_decoded(&tx);
        let mut payload = Vec::new();
        tx.write_signing_payload(&mut payload).unwrap();
        prop_assert_eq!(&payload, &unsigned);
        prop_assert_eq!(tx.signing_payload_len(), unsigned.len());
        prop_assert_eq!(tx.signing_hash(), evm_core::keccak256(&unsigned));

        let Ok(key) = SigningKey::from_slice(&secret) else { return Ok(()); };
        let sig = tx.sign(&key).unwrap();
        let mut signed = Vec::new();
        tx.write_signed(&sig, &mut signed).unwrap();
        prop_assert_eq!(tx.signed_len(&sig).unwrap(), signed.len());
        let r = U256::from_be_bytes(sig.r);
        let s = U256::from_be_bytes(sig.s);
        prop_assert_eq!(&signed, &spec.signed(sig.y_parity, r, s));
        let back = SignedTransaction::decode(&signed).unwrap();
        spec.check_decoded(&back.tx);
        prop_assert_eq!(back.signature, sig);
        prop_assert_eq!(back.hash(), evm_core::keccak256(&signed));
        prop_assert_eq!(tx.signed_hash(&sig).unwrap(), back.hash());
        prop_assert_eq!(back.tx.signing_hash(), tx.signing_hash());
        let address = wallet::address::address_of(&k256::PublicKey::from(key.verifying_key()));
        prop_assert_eq!(back.sender().unwrap(), address);
        // Neither form decodes as the other.
        prop_assert!(SignedTransaction::decode(&unsigned).is_err());
        prop_assert!(Transaction::decode_unsigned(&signed).is_err());
    }

    /// Non-canonical or malformed variants of a valid payload are all rejected.
    #[test]
    fn non_canonical_variants_are_rejected(spec in spec(), field in 0usize..14, junk in any::<u8>()) {
        let fields = spec.unsigned_fields();
        let field = field % fields.len();
        let mut variants: Vec<Vec<u8>> = Vec::new();
        // A trailing byte after the transaction.
        let mut trailing = spec.unsigned();
        trailing.push(junk);
        variants.push(trailing);
        // One field too many, one too few.
        let mut more = fields.clone();
        more.push(bytes(&[]));
        variants.push(spec.envelope(&more));
        let mut fewer = fields.clone();
        fewer.remove(field);
        variants.push(spec.envelope(&fewer));
        // A byte string field as a list, a list field as a byte string.
        let mut swapped = fields.clone();
        let f = &fields[field];
        swapped[field] = if f[0] >= 0xc0 {
            let inner = rlp::decode(f).unwrap();
            bytes(inner.payload())
        } else {
            list(std::slice::from_ref(f))
        };
        variants.push(spec.envelope(&swapped));
        if f[0] < 0xc0 {
            // The field's bytes with a leading zero byte: an integer with a
            // leading zero, a 21-byte address, a 33-byte hash, ... (calldata
            // takes any bytes, so it is left out).
            let is_data = field == if spec.ty == TxType::Legacy { 5 } else if spec.ty == TxType::Eip2930 { 6 } else { 7 };
            if !is_data {
                let item = rlp::decode(f).unwrap();
                let mut padded = vec![0u8];
                padded.extend_from_slice(item.bytes().unwrap());
                let mut zeroed = fields.clone();
                zeroed[field] = bytes(&padded);
                variants.push(spec.envelope(&zeroed));
            }
            // A single byte below 0x80 wrapped in a header.
            if f.len() == 1 && f[0] < 0x80 {
                let mut wrapped = fields.clone();
                wrapped[field] = vec![0x81, f[0]];
                variants.push(spec.envelope(&wrapped));
            }
            // A short string in the long length form.
            if (2..=56).contains(&f.len()) && f[0] >= 0x80 {
                let mut long = fields.clone();
                let payload = &f[1..];
                long[field] = [vec![0xb8, payload.len() as u8], payload.to_vec()].concat();
                variants.push(spec.envelope(&long));
            }
        }
        // The list header in the long form when the short one fits.
        let payload = fields.concat();
        if payload.len() <= 55 {
            let mut long = Vec::new();
            if let Some(t) = spec.ty.type_byte() {
                long.push(t);
            }
            long.extend([0xf8, payload.len() as u8]);
            long.extend_from_slice(&payload);
            variants.push(long);
        }
        // Truncated.
        let full = spec.unsigned();
        let cut = 1 + usize::from(junk) % full.len().min(8);
        variants.push(full[..full.len() - cut].to_vec());
        for v in &variants {
            prop_assert!(Transaction::decode_unsigned(v).is_err(), "accepted {}", hex::encode(v));
        }
    }

    /// Whatever the bytes, decoding returns; what it accepts re-encodes to the same bytes.
    #[test]
    fn decoding_never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(tx) = Transaction::decode_unsigned(&data) {
            let mut out = Vec::new();
            tx.write_signing_payload(&mut out).unwrap();
            prop_assert_eq!(out, data.clone());
        }
        if let Ok(tx) = SignedTransaction::decode(&data) {
            let mut out = Vec::new();
            tx.tx.write_signed(&tx.signature, &mut out).unwrap();
            prop_assert_eq!(out, data);
        }
    }
}

/// The example of EIP-155 itself: signing data, signing hash, signature and signed form.
#[test]
fn eip155_example() {
    let unsigned = hex::decode(
        "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080",
    )
    .unwrap();
    let tx = Transaction::decode_unsigned(&unsigned).unwrap();
    assert_eq!(tx.chain_id, Some(U256::from(1u8)));
    assert_eq!(tx.nonce, 9);
    assert_eq!(tx.gas_price(), U256::from(20_000_000_000u64));
    assert_eq!(
        hex::encode(tx.signing_hash()),
        "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"
    );
    let key = SigningKey::from_slice(&[0x46; 32]).unwrap();
    let sig = tx.sign(&key).unwrap();
    assert_eq!(
        sig.legacy_v(tx.chain_id.as_ref()).unwrap(),
        U256::from(37u8)
    );
    let mut signed = Vec::new();
    tx.write_signed(&sig, &mut signed).unwrap();
    let expected = "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
    assert_eq!(hex::encode(&signed), expected);
    let back = SignedTransaction::decode(&signed).unwrap();
    assert_eq!(
        hex::encode(back.sender().unwrap()),
        "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"
    );
    assert_eq!(back.v, Some(U256::from(37u8)));
}

fn base(ty: TxType) -> Spec {
    Spec {
        ty,
        chain_id: U256::from(1u8),
        eip155: true,
        nonce: 0,
        tip: U256::from(1u8),
        fee: U256::from(2u8),
        gas: 21_000,
        to: Some([1; 20]),
        value: U256::ZERO,
        data: vec![],
        access: vec![],
        blob_fee: U256::from(1u8),
        blobs: vec![[1; 32]],
        auths: vec![(U256::ZERO, [4; 20], 0, 0, U256::from(1u8), U256::from(1u8))],
    }
}

/// A legacy transaction on a chain whose id does not fit 64 bits: v is a 256-bit value.
#[test]
fn eip155_chain_id_past_u64() {
    let chain_id = U256::from(u64::MAX) * U256::from(1000u32);
    let spec = Spec {
        chain_id,
        ..base(TxType::Legacy)
    };
    let unsigned = spec.unsigned();
    let tx = Transaction::decode_unsigned(&unsigned).unwrap();
    let sig = tx.sign(&SigningKey::from_slice(&[9; 32]).unwrap()).unwrap();
    let v = sig.legacy_v(tx.chain_id.as_ref()).unwrap();
    assert_eq!(
        v,
        chain_id * U256::from(2u8) + U256::from(35u8 + sig.y_parity)
    );
    assert!(v > U256::from(u64::MAX));
    let mut signed = Vec::new();
    tx.write_signed(&sig, &mut signed).unwrap();
    let back = SignedTransaction::decode(&signed).unwrap();
    assert_eq!(back.tx.chain_id, Some(chain_id));
    assert_eq!(back.v, Some(v));
    assert_eq!(
        back.sender().unwrap(),
        wallet::address::address_of(&k256::PublicKey::from(
            SigningKey::from_slice(&[9; 32]).unwrap().verifying_key()
        ))
    );
}

#[test]
fn envelope_and_field_errors() {
    assert_eq!(Transaction::decode_unsigned(&[]), Err(Error::Empty));
    assert_eq!(
        Transaction::decode_unsigned(&[0x05, 0xc0]),
        Err(Error::TypeNotSupported { got: 5 })
    );
    assert_eq!(
        Transaction::decode_unsigned(&[0x00, 0xc0]),
        Err(Error::TypeNotSupported { got: 0 })
    );
    assert_eq!(
        Transaction::decode_unsigned(&[0x80]),
        Err(Error::TypeNotSupported { got: 0x80 })
    );
    assert!(matches!(
        Transaction::decode_unsigned(&[0x02, 0x80]),
        Err(Error::Rlp(_))
    ));
    let huge = vec![0xc0; wallet::limits::MAX_TX_BYTES + 1];
    assert!(matches!(
        Transaction::decode_unsigned(&huge),
        Err(Error::TooLong { .. })
    ));
    // A legacy EIP-155 payload whose "0, 0" fields are not empty, or whose chain id is 0.
    let not_zero = "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008001800a";
    assert!(Transaction::decode_unsigned(&hex::decode(not_zero).unwrap()).is_err());
    let zero_chain = "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080808080";
    assert!(Transaction::decode_unsigned(&hex::decode(zero_chain).unwrap()).is_err());
    // Blob and set-code transactions cannot create contracts.
    for ty in [TxType::Eip4844, TxType::Eip7702] {
        let create = Spec {
            to: None,
            ..base(ty)
        };
        assert!(matches!(
            Transaction::decode_unsigned(&create.unsigned()),
            Err(Error::Field { field: "to", .. })
        ));
    }
    // Too many access-list entries.
    let crowded = Spec {
        access: vec![([1; 20], vec![]); wallet::limits::MAX_ACCESS_LIST_ADDRESSES + 1],
        ..base(TxType::Eip1559)
    };
    assert!(matches!(
        Transaction::decode_unsigned(&crowded.unsigned()),
        Err(Error::TooMany { .. })
    ));
}

#[test]
fn rules_per_fork() {
    let cancun = Rules {
        fork: Fork::Cancun,
        chain_id: U256::from(1u8),
    };
    let prague = Rules {
        fork: Fork::Prague,
        ..cancun
    };
    let decode = |s: &Spec| -> Vec<u8> { s.unsigned() };
    // 21000 + 4 + 16 (data) + 2400 + 1900 (access list) = 25320.
    let blob = Spec {
        data: vec![0, 1],
        access: vec![([2; 20], vec![[3; 32]])],
        gas: 25_320,
        ..base(TxType::Eip4844)
    };
    let bytes = decode(&blob);
    let tx = Transaction::decode_unsigned(&bytes).unwrap();
    assert_eq!(rules::intrinsic_gas(&tx, Fork::Cancun), (25_320, 0));
    assert_eq!(rules::check(&tx, &cancun), Ok(()));
    let bytes = decode(&Spec {
        gas: 25_319,
        ..blob.clone()
    });
    assert!(matches!(
        rules::check(&Transaction::decode_unsigned(&bytes).unwrap(), &cancun),
        Err(rules::Invalid::IntrinsicGas { needed: 25_320, .. })
    ));
    let bytes = decode(&Spec {
        blobs: vec![[2; 32]],
        ..blob.clone()
    });
    assert_eq!(
        rules::check(&Transaction::decode_unsigned(&bytes).unwrap(), &cancun),
        Err(rules::Invalid::BlobVersion)
    );
    let bytes = decode(&Spec {
        blobs: vec![],
        ..blob
    });
    assert_eq!(
        rules::check(&Transaction::decode_unsigned(&bytes).unwrap(), &cancun),
        Err(rules::Invalid::BlobCount)
    );
    // One authorization costs 25 000 more.
    let setcode = Spec {
        gas: 46_000,
        ..base(TxType::Eip7702)
    };
    let bytes = decode(&setcode);
    let tx = Transaction::decode_unsigned(&bytes).unwrap();
    assert_eq!(
        rules::check(&tx, &cancun),
        Err(rules::Invalid::TypeNotActive)
    );
    assert_eq!(rules::check(&tx, &prague), Ok(()));
    let other_chain = Rules {
        chain_id: U256::from(5u8),
        ..prague
    };
    assert_eq!(
        rules::check(&tx, &other_chain),
        Err(rules::Invalid::ChainId)
    );
    let bytes = decode(&Spec {
        auths: vec![],
        ..setcode
    });
    assert_eq!(
        rules::check(&Transaction::decode_unsigned(&bytes).unwrap(), &prague),
        Err(rules::Invalid::NoAuthorizations)
    );
    // EIP-7623 floor from Prague: 1000 non-zero bytes cost 16 000 as calldata
    // but their floor is 21 000 + 40 000.
    let heavy = Spec {
        data: vec![1; 1000],
        gas: 37_000,
        ..base(TxType::Eip1559)
    };
    let bytes = decode(&heavy);
    let tx = Transaction::decode_unsigned(&bytes).unwrap();
    assert_eq!(rules::check(&tx, &cancun), Ok(()));
    assert_eq!(rules::intrinsic_gas(&tx, Fork::Prague), (37_000, 61_000));
    assert!(matches!(
        rules::check(&tx, &prague),
        Err(rules::Invalid::IntrinsicGas { needed: 61_000, .. })
    ));
    // Fees: the tip above the cap, and a gas-limit × fee product past 256 bits.
    let bytes = decode(&Spec {
        tip: U256::from(3u8),
        ..base(TxType::Eip1559)
    });
    assert_eq!(
        rules::check(&Transaction::decode_unsigned(&bytes).unwrap(), &cancun),
        Err(rules::Invalid::PriorityAboveMax)
    );
    let bytes = decode(&Spec {
        fee: U256::MAX,
        ..base(TxType::Legacy)
    });
    assert_eq!(
        rules::check(&Transaction::decode_unsigned(&bytes).unwrap(), &cancun),
        Err(rules::Invalid::FeeOverflow)
    );
}

#[test]
fn authorization_signatures_recover() {
    let key = SigningKey::from_slice(&[5; 32]).unwrap();
    let hash = wallet::tx::encode::authorization_hash(&U256::from(1u8), &[4; 20], 7);
    // The hash is keccak256(0x05 ‖ rlp([1, address, 7])).
    let expected =
        evm_core::keccak256(&[vec![5u8], list(&[num(1), bytes(&[4; 20]), num(7)])].concat());
    assert_eq!(hash, expected);
    let sig = wallet::sign::sign_authorization(&key, &U256::from(1u8), &[4; 20], 7).unwrap();
    assert_eq!(sig, wallet::sign::sign_hash(&key, &hash).unwrap());
    let mut spec = Spec {
        gas: 46_000,
        ..base(TxType::Eip7702)
    };
    spec.auths = vec![(
        U256::from(1u8),
        [4; 20],
        7,
        sig.y_parity,
        U256::from_be_bytes(sig.r),
        U256::from_be_bytes(sig.s),
    )];
    let unsigned = spec.unsigned();
    let tx = Transaction::decode_unsigned(&unsigned).unwrap();
    let auth = tx.authorizations.iter().next().unwrap();
    assert_eq!(auth.signing_hash(), hash);
    let me = wallet::address::address_of(&k256::PublicKey::from(key.verifying_key()));
    assert_eq!(auth.authority().unwrap(), me);
    // A y_parity of 2 decodes (EIP-7702 allows any u8) but recovers no one.
    spec.auths[0].3 = 2;
    let unsigned = spec.unsigned();
    let tx = Transaction::decode_unsigned(&unsigned).unwrap();
    assert!(tx
        .authorizations
        .iter()
        .next()
        .unwrap()
        .authority()
        .is_err());
}

/// Calldata is a slice of the input, not a copy.
#[test]
fn fields_borrow_the_input() {
    let spec = Spec {
        data: vec![0xab; 100],
        ..base(TxType::Eip1559)
    };
    let unsigned = spec.unsigned();
    let tx = Transaction::decode_unsigned(&unsigned).unwrap();
    let range = unsigned.as_ptr_range();
    assert!(range.contains(&tx.input.as_ptr()));
    assert_eq!(tx.input.len(), 100);
}
