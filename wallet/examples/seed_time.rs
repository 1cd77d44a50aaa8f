//! Host timing of BIP-39 seed derivation (PBKDF2-HMAC-SHA512, 2048 rounds) and of a 5-level BIP-32 path.
//!
//! `cargo run --release -p wallet --example seed_time`: best of 20 runs each;
//! a measurement, not a test (the device counts are instructions, in `cargo xtask bench`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use wallet::{DerivationPath, ExtendedKey, Mnemonic};

/// The shortest of 20 runs of `f`.
fn best<T>(f: impl FnMut() -> T) -> Duration {
    common::best(20, f)
}

fn main() {
    let m = Mnemonic::parse("test test test test test test test test test test test junk").unwrap();
    let seed_time = best(|| m.to_seed("").unwrap());
    let seed = m.to_seed("").unwrap();
    let path = DerivationPath::parse("m/44'/60'/0'/0/0").unwrap();
    let derive_time = best(|| {
        ExtendedKey::derive(seed.as_bytes(), &path)
            .unwrap()
            .address()
    });
    println!(
        "mnemonic -> seed (PBKDF2-HMAC-SHA512, 2048 rounds): {:.2} ms",
        seed_time.as_secs_f64() * 1e3
    );
    println!(
        "seed -> m/44'/60'/0'/0/0 -> address: {:.3} ms",
        derive_time.as_secs_f64() * 1e3
    );
}
