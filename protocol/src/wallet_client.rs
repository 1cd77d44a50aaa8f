//! The host side of the wallet requests (`std`): one call per request, the device's answer owned.

use std::io::{Read, Write};

use crate::client::{Client, ClientError, Reply};
use crate::{
    ErrorCode, PathIndices, Request, SignTxQuery, WalletError, WalletReply, WalletRequest,
};

/// A wallet answer, or the device's refusal.
pub type WalletAnswer = Result<WalletReply, ErrorCode>;

/// `path` as the indices of a wallet request (at most ten levels).
pub fn path_indices(indices: &[u32]) -> Result<PathIndices, ClientError> {
    heapless::Vec::from_slice(indices).map_err(|_| ClientError::InputTooLong)
}

impl<S: Read + Write> Client<S> {
    /// Send one wallet request: the device's wallet answer or its error.
    pub fn wallet(&mut self, request: WalletRequest<'_>) -> Result<WalletAnswer, ClientError> {
        match self.call(&Request::Wallet(request))? {
            Reply::Wallet(reply) => Ok(Ok(reply)),
            Reply::Error(code) => Ok(Err(code)),
            other => Err(ClientError::Unexpected {
                expected: "a wallet answer or an error",
                got: Box::new(other),
            }),
        }
    }

    /// Stage the unsigned transaction `tx` (and `witness`), then ask for its
    /// signature with the key at `path`: the display (or the refusal).
    pub fn sign_transaction(
        &mut self,
        path: PathIndices,
        tx: &[u8],
        witness: Option<&[u8]>,
    ) -> Result<WalletAnswer, ClientError> {
        let mut buf = vec![0u8; tx.len() + witness.map_or(0, <[u8]>::len) + 16];
        let query = postcard::to_slice(&SignTxQuery { tx, witness }, &mut buf)
            .map_err(|_| ClientError::InputTooLong)?;
        match self.try_stage(query)? {
            Ok(()) => self.wallet(WalletRequest::SignTransaction { path }),
            Err(code) => Ok(Err(code)),
        }
    }

    /// Stage `bytes`, returning the device's refusal (an oversized input) as a value.
    pub fn try_stage(&mut self, bytes: &[u8]) -> Result<Result<(), ErrorCode>, ClientError> {
        match self.stage(bytes) {
            Ok(()) => Ok(Ok(())),
            Err(ClientError::Unexpected { got, .. }) => match *got {
                Reply::Error(code) => Ok(Err(code)),
                other => Err(ClientError::Unexpected {
                    expected: "Staged",
                    got: Box::new(other),
                }),
            },
            Err(e) => Err(e),
        }
    }
}

/// The wallet error inside a device error, if it is one.
pub fn wallet_error(code: &ErrorCode) -> Option<WalletError> {
    match code {
        ErrorCode::Wallet(e) => Some(*e),
        _ => None,
    }
}
