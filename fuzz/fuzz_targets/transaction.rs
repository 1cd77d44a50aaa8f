//! Fuzz target `transaction`: the wallet's strict transaction decoders on arbitrary bytes; what decodes re-encodes to the same bytes, signs, and recovers its signer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wallet::tx::rules::{self, Fork, Rules};
use wallet::{ExtendedKey, SignedTransaction, Transaction, TxType, U256};

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = Transaction::decode_unsigned(data) {
        // The signing payload is the input, byte for byte.
        let mut payload = Vec::new();
        tx.write_signing_payload(&mut payload).expect("a Vec sink");
        assert_eq!(payload, data, "signing payload differs from the input");
        assert_eq!(tx.signing_payload_len(), data.len());
        assert_eq!(tx.signing_hash(), evm_core::keccak256(data));
        inspect(&tx);
        // Signed with a fixed key, the signed form decodes to the same
        // transaction and recovers the key's address.
        let key = ExtendedKey::master(&[7; 32]).expect("a valid seed");
        let sig = tx.sign(&key.signing_key()).expect("signing a hash");
        let mut signed = Vec::new();
        match tx.write_signed(&sig, &mut signed) {
            Ok(()) => {
                assert_eq!(tx.signed_len(&sig).ok(), Some(signed.len()));
                let back = SignedTransaction::decode(&signed).expect("our own signed form decodes");
                assert_eq!(back.signature, sig);
                assert_eq!(back.tx.signing_hash(), tx.signing_hash());
                assert_eq!(back.sender().ok(), Some(key.address()));
                assert_eq!(tx.signed_hash(&sig).ok(), Some(back.hash()));
            }
            // Only a legacy chain id too large for v (or a signed form past the input limit).
            Err(e) => assert!(
                tx.tx_type == TxType::Legacy && matches!(e, wallet::Error::ChainIdTooLarge),
                "write_signed failed: {e}"
            ),
        }
    }
    if let Ok(signed) = SignedTransaction::decode(data) {
        let mut again = Vec::new();
        signed
            .tx
            .write_signed(&signed.signature, &mut again)
            .expect("a decoded signature re-encodes");
        assert_eq!(again, data, "signed form differs from the input");
        assert_eq!(signed.hash(), evm_core::keccak256(data));
        let _ = signed.sender();
        inspect(&signed.tx);
        // The signing payload of a signed transaction decodes as unsigned.
        let mut payload = Vec::new();
        signed
            .tx
            .write_signing_payload(&mut payload)
            .expect("a Vec sink");
        let unsigned = Transaction::decode_unsigned(&payload).expect("its signing payload decodes");
        assert_eq!(unsigned.signing_hash(), signed.tx.signing_hash());
    }
});

/// Walks every list and checks the rules under every fork: nothing panics.
fn inspect(tx: &Transaction<'_>) {
    let mut keys = 0;
    let mut addresses = 0;
    for (_, slots) in tx.access_list.iter() {
        addresses += 1;
        keys += slots.count();
    }
    assert_eq!(addresses, tx.access_list.addresses());
    assert_eq!(keys, tx.access_list.storage_keys());
    assert_eq!(tx.blob_hashes.iter().count(), tx.blob_hashes.len());
    let mut auths = 0;
    for a in tx.authorizations.iter() {
        auths += 1;
        let _ = a.authority();
    }
    assert_eq!(auths, tx.authorizations.len());
    for fork in Fork::ALL {
        let _ = rules::intrinsic_gas(tx, fork);
        let _ = rules::check(
            tx,
            &Rules {
                fork,
                chain_id: U256::from(1u8),
            },
        );
    }
}
