//! Wallet test inputs: the test mnemonic and its first account, unsigned transactions, signature checks with k256.

use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

pub use zkevm_fixtures::unsigned::{eip1559, erc20_transfer, rlp_bytes, rlp_int, rlp_list};

use crate::Result;

/// The Hardhat/Anvil mnemonic.
pub const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// Its address at m/44'/60'/0'/0/0.
pub const ACCOUNT0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// The EIP-712 specification's `Mail` example (`eth_signTypedData_v4` JSON).
pub const MAIL_TYPED_DATA: &str = r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#;

/// The indices of m/44'/60'/0'/0/`index`.
pub fn bip44(index: u32) -> protocol::PathIndices {
    const H: u32 = 0x8000_0000;
    heapless::Vec::from_slice(&[44 | H, 60 | H, H, 0, index]).unwrap_or_default()
}

/// The uncompressed public key (without its 0x04) that signed `hash` with
/// `(r, s, y_parity)`, recovered with k256, and its address.
pub fn recover(hash: &[u8; 32], r: &[u8; 32], s: &[u8; 32], y_parity: u8) -> Result<[u8; 20]> {
    let sig = Signature::from_scalars(*r, *s).map_err(|e| format!("signature: {e}"))?;
    if sig.normalize_s().is_some() {
        return Err("high s".into());
    }
    let id = RecoveryId::from_byte(y_parity).ok_or("bad parity")?;
    let key =
        VerifyingKey::recover_from_prehash(hash, &sig, id).map_err(|e| format!("recover: {e}"))?;
    let point = key.to_encoded_point(false);
    let digest = evm_core::keccak256(point.as_bytes().get(1..).unwrap_or_default());
    let mut address = [0u8; 20];
    address.copy_from_slice(digest.get(12..).unwrap_or(&[0; 20]));
    Ok(address)
}
