//! Serving the wallet requests: addresses, signing requests answered with their display, the user's answer.

use protocol::{DisplaySteps, ErrorCode, SignTxQuery, WalletError, WalletRequest, WalletResponse};
use wallet::address::Checksummed;
use wallet::tx::rules::{self, Fork, Rules};
use wallet::{checksummed, Transaction, U256};

use super::display::{self, Text};
use super::keys::{self, path_of, StoredSeed};
use super::pending::PendingSlot;
use super::timer::Timer;
use crate::check;
use crate::service::Platform;

/// The fork whose rules a transaction must meet before the device shows it.
pub const FORK: Fork = Fork::Osaka;

/// The wallet's state: the pending request and the buffers answers borrow.
#[derive(Debug)]
pub struct Session {
    slot: PendingSlot,
    text: Text,
    address_text: Option<Checksummed>,
    public_key: [u8; 33],
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

fn err(e: WalletError) -> ErrorCode {
    ErrorCode::Wallet(e)
}

impl Session {
    /// Nothing pending.
    pub fn new() -> Self {
        Self {
            slot: PendingSlot::new(),
            text: Text::new(),
            address_text: None,
            public_key: [0; 33],
        }
    }

    /// Drop the pending request (the service calls this for every request
    /// or frame that is not a `Confirm` or `Reject`).
    pub fn interrupt(&mut self) {
        self.slot.drop_pending();
    }

    /// The pending request's id, if one is pending.
    pub fn pending_id(&self) -> Option<u32> {
        self.slot.pending().map(|p| p.id)
    }

    /// Serve `request` (with `staged`, the staging area's bytes). Nothing is
    /// pending after an error: a request opens its pending entry only once its
    /// display is ready, and an answer always takes the pending entry.
    #[inline(never)]
    pub fn handle<P: Platform>(
        &mut self,
        platform: &mut P,
        request: WalletRequest<'_>,
        staged: &[u8],
    ) -> Result<WalletResponse<'_>, ErrorCode> {
        match request {
            WalletRequest::Confirm { id } => return self.answer(platform, id, true),
            WalletRequest::Reject { id } => return self.answer(platform, id, false),
            _ => self.slot.drop_pending(),
        }
        match request {
            WalletRequest::LoadMnemonic { words, passphrase } => {
                keys::load_mnemonic(platform, words, passphrase)
                    .map(|instructions| WalletResponse::Loaded { instructions })
            }
            WalletRequest::GetAddress { path } => self.address(platform, &path),
            WalletRequest::SignTransaction { path } => {
                let query: SignTxQuery<'_> =
                    protocol::decode_exact(staged).map_err(ErrorCode::BadStagedInput)?;
                self.show(platform, &path, |timer, text, from, steps| {
                    let (tx, hash) = timer.run(|| {
                        let tx = Transaction::decode_unsigned(query.tx)
                            .map_err(|_| WalletError::MalformedTransaction)?;
                        let chain_id = tx.chain_id.unwrap_or(U256::from(1u8));
                        rules::check(
                            &tx,
                            &Rules {
                                fork: FORK,
                                chain_id,
                            },
                        )
                        .map_err(|_| WalletError::InvalidTransaction)?;
                        display::transaction(text, &tx, from)
                            .map_err(|_| WalletError::DisplayTooLong)?;
                        let hash = tx.signing_hash();
                        Ok((tx, hash))
                    })?;
                    if let Some(witness) = query.witness {
                        // Verify the witness, run the transaction on the proven
                        // state and show what it does; any refusal drops the request.
                        let ((w, state), verify) = timer.time(|| {
                            let w =
                                check::decode_witness(&tx, witness).map_err(WalletError::from)?;
                            let state = check::verify::verify(&w).map_err(WalletError::from)?;
                            Ok((w, state))
                        })?;
                        steps.verify_witness = verify;
                        steps.simulate = timer
                            .time(|| {
                                let report =
                                    check::run(&tx, from, &w, &state).map_err(WalletError::from)?;
                                drop(state);
                                report.render(text).map_err(|_| WalletError::DisplayTooLong)
                            })?
                            .1;
                    }
                    Ok(hash)
                })
            }
            WalletRequest::SignPersonalMessage { path, message } => {
                if message.len() > protocol::limits::MAX_MESSAGE {
                    return Err(ErrorCode::InputTooLarge {
                        got: u32::try_from(message.len()).unwrap_or(u32::MAX),
                        limit: protocol::limits::MAX_MESSAGE as u32,
                    });
                }
                self.show(platform, &path, |timer, text, from, _| {
                    timer.run(|| {
                        let hash = wallet::sign::personal_message_hash(message);
                        display::personal_message(text, from, message, &hash)
                            .map_err(|_| WalletError::DisplayTooLong)?;
                        Ok(hash)
                    })
                })
            }
            WalletRequest::SignTypedData { path } => {
                self.show(platform, &path, |timer, text, from, _| {
                    timer.run(|| typed_data(text, from, staged))
                })
            }
            WalletRequest::SignAuthorization {
                path,
                chain_id,
                address,
                nonce,
            } => self.show(platform, &path, |timer, text, from, _| {
                timer.run(|| {
                    let chain_id = U256::from_be_bytes(chain_id);
                    display::authorization(text, from, &chain_id, &address, nonce)
                        .map_err(|_| WalletError::DisplayTooLong)?;
                    Ok(wallet::tx::encode::authorization_hash(
                        &chain_id, &address, nonce,
                    ))
                })
            }),
            WalletRequest::Confirm { .. } | WalletRequest::Reject { .. } => {
                Err(err(WalletError::NothingPending))
            }
        }
    }

    /// The user's answer to the pending request: the signature, or its
    /// rejection. Never signs anything but the pending request whose id is `id`,
    /// with the key its display was derived for (dropped, and so wiped, here).
    #[inline(never)]
    fn answer<P: Platform>(
        &mut self,
        platform: &mut P,
        id: u32,
        confirmed: bool,
    ) -> Result<WalletResponse<'static>, ErrorCode> {
        let pending = self.slot.answer(id).map_err(err)?;
        if !confirmed {
            return Ok(WalletResponse::Rejected { id });
        }
        let (sig, instructions) = Timer::new(platform)
            .time(|| {
                pending
                    .key
                    .sign_hash(&pending.hash)
                    .map_err(|_| WalletError::Signing)
            })
            .map_err(err)?;
        drop(pending);
        Ok(WalletResponse::Signature {
            id,
            r: sig.r,
            s: sig.s,
            y_parity: sig.y_parity,
            instructions,
        })
    }

    #[inline(never)]
    fn address<P: Platform>(
        &mut self,
        platform: &mut P,
        path: &[u32],
    ) -> Result<WalletResponse<'_>, ErrorCode> {
        let path = path_of(path).map_err(err)?;
        let seed = StoredSeed::load(platform).map_err(err)?;
        let mut timer = Timer::new(platform);
        let derived = timer.time(|| seed.derive(&path));
        drop(seed);
        let (key, derive) = derived.map_err(err)?;
        let (address, shown) = timer.time(|| Ok(key.address())).map_err(err)?;
        // The public key the address computed.
        self.public_key = key.public_key();
        let text = self.address_text.insert(checksummed(&address));
        Ok(WalletResponse::Address {
            address,
            checksummed: text.as_str(),
            public_key: &self.public_key,
            derive_instructions: derive,
            address_instructions: shown,
        })
    }

    /// Derive the key of `path` and its address, render the request with
    /// `render` (given the timer for its steps, the text, the signer's address
    /// and the steps to fill in; it returns the hash to sign) and make it the
    /// pending request, with the key.
    #[inline(never)]
    fn show<P: Platform>(
        &mut self,
        platform: &mut P,
        path: &[u32],
        render: impl FnOnce(
            &mut Timer<'_, P>,
            &mut Text,
            &wallet::Address,
            &mut DisplaySteps,
        ) -> Result<[u8; 32], WalletError>,
    ) -> Result<WalletResponse<'_>, ErrorCode> {
        let path = path_of(path).map_err(err)?;
        let seed = StoredSeed::load(platform).map_err(err)?;
        let mut timer = Timer::new(platform);
        let derived = timer.time(|| {
            let key = seed.derive(&path)?;
            let from = key.address();
            Ok((key, from))
        });
        drop(seed);
        let ((key, from), derive) = derived.map_err(err)?;
        let mut steps = DisplaySteps {
            derive,
            ..DisplaySteps::default()
        };
        self.text.clear();
        let hash = render(&mut timer, &mut self.text, &from, &mut steps).map_err(err)?;
        let instructions = timer.total();
        let id = self.slot.open(key, hash);
        Ok(WalletResponse::Display {
            id,
            text: self.text.as_str(),
            instructions,
            steps,
        })
    }
}

/// Parses the staged EIP-712 JSON, shows it and gives its digest. Out of
/// line: the parsed data (about 9 KiB) and the parser's own temporaries stay
/// in this frame alone, not in the request's.
#[inline(never)]
fn typed_data(
    text: &mut Text,
    from: &wallet::Address,
    staged: &[u8],
) -> Result<[u8; 32], WalletError> {
    let typed = wallet::typed_data::TypedData::parse(staged)
        .map_err(|_| WalletError::MalformedTypedData)?;
    display::typed_data(text, from, &typed).map_err(|_| WalletError::DisplayTooLong)?;
    Ok(typed.digest())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::limits::TX_FRAME;
    use crate::service::{Action, Measurement, MemoryStats, Service};
    use protocol::limits::MAX_WIRE_FRAME;
    use protocol::{decode_frame, encode_frame, Request, Response};
    use wallet::DerivationPath;
    use zkevm_fixtures::unsigned::{eip1559, erc20_transfer, rlp_bytes, rlp_int, rlp_list};

    /// A host board with RAM key storage.
    pub(crate) struct KeyPlatform {
        pub(crate) seed: Option<[u8; 64]>,
    }

    impl Platform for KeyPlatform {
        fn memory(&self) -> MemoryStats {
            MemoryStats::default()
        }
        fn measure(&mut self, routine: &mut dyn FnMut()) -> Measurement {
            routine();
            Measurement {
                instructions: 1,
                resolution: 1,
            }
        }
        fn send(&mut self, _frame: &[u8]) {}
        fn load_seed(&self, seed: &mut [u8; 64]) -> bool {
            self.seed.map(|s| *seed = s).is_some()
        }
        fn store_seed(&mut self, seed: &[u8; 64]) -> bool {
            self.seed = Some(*seed);
            true
        }
    }

    pub(crate) const TEST_MNEMONIC: &str =
        "test test test test test test test test test test test junk";

    /// The seed of the "test … junk" mnemonic.
    pub(crate) fn test_seed() -> [u8; 64] {
        *wallet::Mnemonic::parse(TEST_MNEMONIC)
            .unwrap()
            .to_seed("")
            .unwrap()
            .as_bytes()
    }

    /// m/44'/60'/0'/0/0.
    pub(crate) fn account0() -> protocol::PathIndices {
        heapless::Vec::from_slice(DerivationPath::bip44(0).unwrap().indices()).unwrap()
    }

    pub(crate) const ACCOUNT0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    pub(crate) fn send(
        service: &mut Service<'_, KeyPlatform>,
        request: &Request<'_>,
    ) -> Response<'static> {
        let mut wire = [0u8; MAX_WIRE_FRAME];
        let n = encode_frame(request, &mut wire).unwrap();
        let mut out = [0u8; TX_FRAME];
        match service.handle(Ok(&mut wire[..n - 1]), &mut out) {
            Action::Reply(len) => {
                let leaked: &'static mut [u8] =
                    Box::leak(out[..len - 1].to_vec().into_boxed_slice());
                decode_frame(leaked).unwrap()
            }
            other => panic!("{other:?}"),
        }
    }

    pub(crate) fn wallet(
        service: &mut Service<'_, KeyPlatform>,
        request: WalletRequest<'_>,
    ) -> Response<'static> {
        send(service, &Request::Wallet(request))
    }

    fn refused(e: WalletError) -> Response<'static> {
        Response::Error(ErrorCode::Wallet(e))
    }

    /// An unsigned EIP-7702 transaction with one authorization on `auth_chain`.
    fn eip7702(auth_chain: u128) -> Vec<u8> {
        let auth = rlp_list(&[
            rlp_int(auth_chain),
            rlp_bytes(&[0x42; 20]),
            rlp_int(0),
            rlp_int(0),
            rlp_int(1),
            rlp_int(1),
        ]);
        let mut tx = vec![4u8];
        tx.extend(rlp_list(&[
            rlp_int(1),
            rlp_int(0),
            rlp_int(1),
            rlp_int(2),
            rlp_int(100_000),
            rlp_bytes(&[0x11; 20]),
            rlp_int(0),
            rlp_bytes(&[]),
            rlp_list(&[]),
            rlp_list(&[auth]),
        ]));
        tx
    }

    pub(crate) fn staged_tx(tx: &[u8], witness: Option<&[u8]>) -> Vec<u8> {
        postcard::to_allocvec(&SignTxQuery { tx, witness }).unwrap()
    }

    fn service(stage: &mut [u8]) -> Service<'_, KeyPlatform> {
        Service::new(
            KeyPlatform {
                seed: Some(test_seed()),
            },
            "test",
            stage,
        )
    }

    /// Stage `tx` and ask for its signature: the display text and id.
    fn display_of(service: &mut Service<'_, KeyPlatform>, tx: &[u8]) -> Response<'static> {
        let staged = staged_tx(tx, None);
        assert!(matches!(
            send(
                service,
                &Request::Stage {
                    offset: 0,
                    data: &staged
                }
            ),
            Response::Staged { .. }
        ));
        wallet(service, WalletRequest::SignTransaction { path: account0() })
    }

    fn text_of(response: &Response<'_>) -> (u32, String) {
        match response {
            Response::Wallet(WalletResponse::Display { id, text, .. }) => (*id, (*text).to_owned()),
            other => panic!("not a display: {other:?}"),
        }
    }

    #[test]
    fn the_test_mnemonic_gives_its_address_and_public_key() {
        let mut stage = [0u8; 64];
        let mut s = service(&mut stage);
        match wallet(&mut s, WalletRequest::GetAddress { path: account0() }) {
            Response::Wallet(WalletResponse::Address {
                checksummed,
                public_key,
                address,
                ..
            }) => {
                assert_eq!(checksummed, ACCOUNT0);
                assert_eq!(public_key.len(), 33);
                let key = k256::PublicKey::from_sec1_bytes(public_key).unwrap();
                assert_eq!(wallet::address::address_of(&key), address);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_erc20_transfer_is_shown_then_signed_on_confirm() {
        let mut stage = vec![0u8; 4096];
        let mut s = service(&mut stage);
        let tx = eip1559(Some([0x22; 20]), 0, &erc20_transfer([0x33; 20], 250));
        let (id, text) = text_of(&display_of(&mut s, &tx));
        for line in [
            "Sign transaction (EIP-1559)",
            "chain: 1",
            &format!("from: {ACCOUNT0}"),
            "value: 0 ETH",
            "nonce: 7",
            "gas limit: 100000",
            "max fee per gas: 30 gwei",
            "max priority fee per gas: 1 gwei",
            "max fee: 0.003 ETH",
            "ERC-20 transfer of token 0x2222222222222222222222222222222222222222",
            "  to: 0x3333333333333333333333333333333333333333",
            "  amount: 250 (token base units)",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "no line {line:?} in\n{text}"
            );
        }
        let Response::Wallet(WalletResponse::Signature {
            id: sid,
            r,
            s: sv,
            y_parity,
            ..
        }) = wallet(&mut s, WalletRequest::Confirm { id })
        else {
            panic!("no signature");
        };
        assert_eq!(sid, id);
        let sig = wallet::RecoverableSignature::new(r, sv, y_parity).unwrap();
        let decoded = Transaction::decode_unsigned(&tx).unwrap();
        let signer = sig.recover_address(&decoded.signing_hash()).unwrap();
        assert_eq!(checksummed(&signer).as_str(), ACCOUNT0);
        // Confirmed once: a second Confirm finds nothing.
        assert_eq!(
            wallet(&mut s, WalletRequest::Confirm { id }),
            refused(WalletError::NothingPending)
        );
    }

    #[test]
    fn a_transaction_with_a_witness_shows_its_simulation_then_signs() {
        let mut stage = vec![0u8; 16 * 1024];
        let mut s = service(&mut stage);
        let from = wallet::parse_address(ACCOUNT0).unwrap();
        let (tx, witness) = crate::check::tests::tx_and_witness_for(from);
        send(
            &mut s,
            &Request::Stage {
                offset: 0,
                data: &staged_tx(&tx, Some(&witness)),
            },
        );
        let (id, text) = text_of(&wallet(
            &mut s,
            WalletRequest::SignTransaction { path: account0() },
        ));
        assert!(
            text.contains("(supplied by the host)\noutcome: success\n"),
            "{text}"
        );
        assert!(
            text.contains("WARNING: proxy implementation changes: slot 0 of"),
            "{text}"
        );
        let Response::Wallet(WalletResponse::Signature { .. }) =
            wallet(&mut s, WalletRequest::Confirm { id })
        else {
            panic!("no signature");
        };
        // A changed byte in a proof node: refused, nothing pending.
        let mut bad = witness.clone();
        let at = bad.len() / 2;
        bad[at] ^= 0x40;
        send(
            &mut s,
            &Request::Stage {
                offset: 0,
                data: &staged_tx(&tx, Some(&bad)),
            },
        );
        assert!(matches!(
            wallet(&mut s, WalletRequest::SignTransaction { path: account0() }),
            Response::Error(ErrorCode::Wallet(_))
        ));
        assert_eq!(
            wallet(&mut s, WalletRequest::Confirm { id: id + 1 }),
            refused(WalletError::NothingPending)
        );
    }

    /// The EIP-712 spec's `Mail` example.
    const MAIL: &str = r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#;

    #[test]
    fn typed_data_is_shown_field_by_field_then_signed_on_confirm() {
        let mut stage = vec![0u8; 4096];
        let mut s = service(&mut stage);
        send(
            &mut s,
            &Request::Stage {
                offset: 0,
                data: MAIL.as_bytes(),
            },
        );
        let (id, text) = text_of(&wallet(
            &mut s,
            WalletRequest::SignTypedData { path: account0() },
        ));
        for line in [
            "Sign typed data (EIP-712)",
            "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
        ] {
            assert!(
                text.lines().any(|l| l.contains(line)),
                "no {line:?} in\n{text}"
            );
        }
        assert!(text.contains("Hello, Bob!"), "{text}");
        let Response::Wallet(WalletResponse::Signature {
            r, s: sv, y_parity, ..
        }) = wallet(&mut s, WalletRequest::Confirm { id })
        else {
            panic!("no signature");
        };
        let sig = wallet::RecoverableSignature::new(r, sv, y_parity).unwrap();
        let digest = wallet::typed_data::TypedData::parse(MAIL.as_bytes())
            .unwrap()
            .digest();
        let signer = sig.recover_address(&digest).unwrap();
        assert_eq!(checksummed(&signer).as_str(), ACCOUNT0);
    }

    #[test]
    fn approvals_creations_blind_calls_and_delegations_are_flagged() {
        let mut stage = vec![0u8; 4096];
        let mut s = service(&mut stage);
        let mut approve = super::super::calldata::APPROVE.to_vec();
        approve.extend_from_slice(&[0; 12]);
        approve.extend_from_slice(&[0x44; 20]);
        approve.extend_from_slice(&[0xff; 32]);
        let (_, text) = text_of(&display_of(&mut s, &eip1559(Some([0x22; 20]), 0, &approve)));
        assert!(
            text.contains("  amount: unlimited\nWARNING: unlimited approval"),
            "{text}"
        );
        let (_, text) = text_of(&display_of(&mut s, &eip1559(None, 0, &[0x60, 0x00])));
        assert!(text.contains("to: contract creation\n"), "{text}");
        assert!(text.contains("init code: 2 bytes"), "{text}");
        let (_, text) = text_of(&display_of(
            &mut s,
            &eip1559(
                Some([0x22; 20]),
                1_500_000_000_000_000_000,
                &[0xde, 0xad, 0xbe, 0xef, 1],
            ),
        ));
        assert!(text.contains("value: 1.5 ETH"), "{text}");
        let digest = display::Hex(&evm_core::keccak256(&[0xde, 0xad, 0xbe, 0xef, 1])).to_string();
        assert!(
            text.contains(
                "WARNING: blind signing: unknown calldata (5 bytes, selector 0xdeadbeef)"
            ),
            "{text}"
        );
        assert!(text.contains(&digest), "{text}");
        let (_, text) = text_of(&display_of(&mut s, &eip7702(0)));
        assert!(text.contains("authorization: delegate to 0x4242"), "{text}");
        assert!(
            text.contains("WARNING: authorization with chain id 0"),
            "{text}"
        );
        let (_, text) = text_of(&display_of(&mut s, &eip7702(1)));
        assert!(!text.contains("chain id 0"), "{text}");
    }

    #[test]
    fn reject_and_any_other_request_drop_the_pending_request() {
        let mut stage = vec![0u8; 4096];
        let mut s = service(&mut stage);
        let tx = eip1559(Some([0x22; 20]), 1, &[]);
        let (id, _) = text_of(&display_of(&mut s, &tx));
        assert_eq!(
            wallet(&mut s, WalletRequest::Reject { id }),
            Response::Wallet(WalletResponse::Rejected { id })
        );
        assert_eq!(
            wallet(&mut s, WalletRequest::Confirm { id }),
            refused(WalletError::NothingPending)
        );
        // A Ping in between.
        let (id, _) = text_of(&display_of(&mut s, &tx));
        assert!(matches!(
            send(&mut s, &Request::Ping),
            Response::Pong { .. }
        ));
        assert_eq!(
            wallet(&mut s, WalletRequest::Confirm { id }),
            refused(WalletError::NothingPending)
        );
        // A second signing request: the first id is no longer the pending one,
        // and confirming it drops the second too.
        let (first, _) = text_of(&display_of(&mut s, &tx));
        let second = text_of(&wallet(
            &mut s,
            WalletRequest::SignPersonalMessage {
                path: account0(),
                message: b"hello",
            },
        ))
        .0;
        assert_ne!(first, second);
        assert_eq!(
            wallet(&mut s, WalletRequest::Confirm { id: first }),
            refused(WalletError::WrongId {
                got: first,
                expected: second
            })
        );
        assert_eq!(
            wallet(&mut s, WalletRequest::Confirm { id: second }),
            refused(WalletError::NothingPending)
        );
        // A frame that does not decode.
        let (id, _) = text_of(&display_of(&mut s, &tx));
        let mut out = [0u8; TX_FRAME];
        s.handle(Ok(&mut [0x05, 0x11, 0x22]), &mut out);
        assert_eq!(
            wallet(&mut s, WalletRequest::Confirm { id }),
            refused(WalletError::NothingPending)
        );
    }

    #[test]
    fn bad_transactions_and_unsupported_requests_are_refused() {
        let mut stage = vec![0u8; 4096];
        let mut s = service(&mut stage);
        let tx = eip1559(Some([0x22; 20]), 1, &[]);
        let mut trailing = tx.clone();
        trailing.push(0);
        assert_eq!(
            display_of(&mut s, &trailing),
            refused(WalletError::MalformedTransaction)
        );
        assert_eq!(
            display_of(&mut s, &[0x02]),
            refused(WalletError::MalformedTransaction)
        );
        // Gas limit 100 is below the intrinsic 21000.
        let mut low_gas = vec![2u8];
        low_gas.extend(rlp_list(&[
            rlp_int(1),
            rlp_int(0),
            rlp_int(1),
            rlp_int(1),
            rlp_int(100),
            rlp_bytes(&[1; 20]),
            rlp_int(0),
            rlp_bytes(&[]),
            rlp_list(&[]),
        ]));
        assert_eq!(
            display_of(&mut s, &low_gas),
            refused(WalletError::InvalidTransaction)
        );
        let staged = staged_tx(&tx, Some(&[1, 2, 3]));
        send(
            &mut s,
            &Request::Stage {
                offset: 0,
                data: &staged,
            },
        );
        assert!(matches!(
            wallet(&mut s, WalletRequest::SignTransaction { path: account0() }),
            Response::Error(ErrorCode::Wallet(WalletError::WitnessRejected(
                protocol::WitnessFault::Decode(_)
            )))
        ));
        assert_eq!(
            wallet(&mut s, WalletRequest::SignTypedData { path: account0() }),
            refused(WalletError::MalformedTypedData)
        );
        let long = vec![b'a'; protocol::limits::MAX_MESSAGE + 1];
        assert!(matches!(
            wallet(
                &mut s,
                WalletRequest::SignPersonalMessage {
                    path: account0(),
                    message: &long
                }
            ),
            Response::Error(ErrorCode::InputTooLarge { .. })
        ));
        // Nothing staged: not a query.
        assert!(matches!(
            wallet(&mut s, WalletRequest::SignTransaction { path: account0() }),
            Response::Error(ErrorCode::BadStagedInput(_))
        ));
    }

    #[test]
    fn without_a_seed_nothing_is_derived() {
        let mut stage = [0u8; 16];
        let mut s = Service::new(KeyPlatform { seed: None }, "test", &mut stage);
        assert_eq!(
            wallet(&mut s, WalletRequest::GetAddress { path: account0() }),
            refused(WalletError::NoSeed)
        );
        assert_eq!(
            wallet(
                &mut s,
                WalletRequest::SignPersonalMessage {
                    path: account0(),
                    message: b"x"
                }
            ),
            refused(WalletError::NoSeed)
        );
    }

    #[test]
    fn messages_and_authorizations_sign_their_hashes() {
        let mut stage = [0u8; 16];
        let mut s = service(&mut stage);
        let (id, text) = text_of(&wallet(
            &mut s,
            WalletRequest::SignPersonalMessage {
                path: account0(),
                message: b"hello world",
            },
        ));
        assert!(text.contains("text: hello world"), "{text}");
        let Response::Wallet(WalletResponse::Signature {
            r, s: sv, y_parity, ..
        }) = wallet(&mut s, WalletRequest::Confirm { id })
        else {
            panic!()
        };
        // viem's signMessage example for account 0.
        let mut rsv = [0u8; 65];
        rsv[..32].copy_from_slice(&r);
        rsv[32..64].copy_from_slice(&sv);
        rsv[64] = 27 + y_parity;
        assert_eq!(
            display::Hex(&rsv).to_string(),
            "0xa461f509887bd19e312c0c58467ce8ff8e300d3c1a90b608a760c5b80318eaf15fe57c96f9175d6cd4daad4663763baa7e78836e067d0163e9a2ccf2ff753f5b1b"
        );
        let mut chain = [0u8; 32];
        chain[31] = 1;
        let (id, text) = text_of(&wallet(
            &mut s,
            WalletRequest::SignAuthorization {
                path: account0(),
                chain_id: chain,
                address: [0x42; 20],
                nonce: 3,
            },
        ));
        assert!(text.contains(&format!("authority: {ACCOUNT0}")), "{text}");
        let Response::Wallet(WalletResponse::Signature {
            r, s: sv, y_parity, ..
        }) = wallet(&mut s, WalletRequest::Confirm { id })
        else {
            panic!()
        };
        let hash = wallet::tx::encode::authorization_hash(&U256::from(1u8), &[0x42; 20], 3);
        let sig = wallet::RecoverableSignature::new(r, sv, y_parity).unwrap();
        assert_eq!(
            checksummed(&sig.recover_address(&hash).unwrap()).as_str(),
            ACCOUNT0
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Random request sequences: a signature answers only a `Confirm`
        /// for the id of the display that was the answer just before it.
        #[test]
        fn no_signature_without_its_display_and_confirm(
            ops in proptest::collection::vec((0u8..10, proptest::prelude::any::<u32>()), 1..24),
        ) {
            let mut stage = vec![0u8; 1024];
            let mut s = service(&mut stage);
            let tx = staged_tx(&eip1559(Some([0x22; 20]), 1, &[]), None);
            let mut shown: Option<u32> = None;
            let mut seen_ids = Vec::new();
            for (op, n) in ops {
                let confirm_id = match (op, shown) {
                    (6, Some(id)) => Some(id),
                    (7, _) => Some(n % 4),
                    _ => None,
                };
                let response = match op {
                    0 => wallet(&mut s, WalletRequest::GetAddress { path: account0() }),
                    1 => wallet(&mut s, WalletRequest::SignPersonalMessage { path: account0(), message: &n.to_be_bytes() }),
                    2 => wallet(&mut s, WalletRequest::SignAuthorization { path: account0(), chain_id: [0; 32], address: [1; 20], nonce: u64::from(n) }),
                    3 => send(&mut s, &Request::Stage { offset: 0, data: &tx }),
                    4 => wallet(&mut s, WalletRequest::SignTransaction { path: account0() }),
                    5 => wallet(&mut s, WalletRequest::Reject { id: shown.unwrap_or(n) }),
                    6 | 7 => wallet(&mut s, WalletRequest::Confirm { id: confirm_id.unwrap_or(n) }),
                    8 => send(&mut s, &Request::Ping),
                    _ => {
                        let mut out = [0u8; TX_FRAME];
                        s.handle(Ok(&mut [0x05, 0x11, 0x22]), &mut out);
                        Response::Error(ErrorCode::Frame(protocol::FrameError::BadCobs))
                    }
                };
                if let Response::Wallet(WalletResponse::Signature { id, .. }) = response {
                    proptest::prop_assert!(matches!(op, 6 | 7));
                    proptest::prop_assert_eq!(Some(id), shown, "signed {} after {:?}", id, shown);
                    proptest::prop_assert_eq!(Some(id), confirm_id.or(Some(n)));
                    proptest::prop_assert!(seen_ids.contains(&id));
                }
                shown = match response {
                    Response::Wallet(WalletResponse::Display { id, .. }) => {
                        seen_ids.push(id);
                        Some(id)
                    }
                    _ => None,
                };
            }
        }
    }

    #[cfg(not(feature = "test-hooks"))]
    #[test]
    fn a_production_build_refuses_to_load_a_mnemonic() {
        let mut stage = [0u8; 16];
        let mut s = Service::new(KeyPlatform { seed: None }, "test", &mut stage);
        assert_eq!(
            wallet(
                &mut s,
                WalletRequest::LoadMnemonic {
                    words: TEST_MNEMONIC,
                    passphrase: None
                }
            ),
            refused(WalletError::LoadRefused)
        );
        assert_eq!(s.platform_mut().seed, None);
    }

    #[cfg(feature = "test-hooks")]
    #[test]
    fn a_test_build_loads_a_mnemonic() {
        let mut stage = [0u8; 16];
        let mut s = Service::new(KeyPlatform { seed: None }, "test", &mut stage);
        assert!(matches!(
            wallet(
                &mut s,
                WalletRequest::LoadMnemonic {
                    words: TEST_MNEMONIC,
                    passphrase: None
                }
            ),
            Response::Wallet(WalletResponse::Loaded { .. })
        ));
        assert_eq!(s.platform_mut().seed, Some(test_seed()));
        assert_eq!(
            wallet(
                &mut s,
                WalletRequest::LoadMnemonic {
                    words: "test test",
                    passphrase: None
                }
            ),
            refused(WalletError::InvalidMnemonic)
        );
    }
}
