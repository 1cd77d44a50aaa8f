//! BIP-39: mnemonic sentences (English list, checksum) and their PBKDF2-HMAC-SHA512 seed.

use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroize;

use crate::error::{Error, Result};
use crate::limits::{BIP39_ROUNDS, MAX_MNEMONIC_CHARS, MAX_MNEMONIC_WORDS, MAX_PASSPHRASE_BYTES};
use crate::wordlist::ENGLISH;

/// Longest English word (8 letters) times 24, plus 23 separating spaces.
const MAX_SENTENCE_BYTES: usize = MAX_MNEMONIC_WORDS * 9;

/// The salt prefix of BIP-39.
const SALT_PREFIX: &[u8] = b"mnemonic";

/// A checked BIP-39 mnemonic: its word indices (11 bits each). Zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Mnemonic {
    words: [u16; MAX_MNEMONIC_WORDS],
    len: usize,
}

impl core::fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Mnemonic({} words)", self.len)
    }
}

impl Drop for Mnemonic {
    fn drop(&mut self) {
        self.words.zeroize();
    }
}

/// A 64-byte BIP-39 seed. Zeroized on drop.
pub struct Seed([u8; 64]);

impl Seed {
    /// The seed's bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl Drop for Seed {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl core::fmt::Debug for Seed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Seed(..)")
    }
}

/// The index of `word` in the English list.
pub fn word_index(word: &str) -> Option<u16> {
    ENGLISH
        .binary_search(&word)
        .ok()
        .and_then(|i| u16::try_from(i).ok())
}

/// Whether `n` words is a BIP-39 length (12, 15, 18, 21, 24).
fn valid_count(n: usize) -> bool {
    matches!(n, 12 | 15 | 18 | 21 | 24)
}

impl Mnemonic {
    /// Parses and checks `phrase`: 12 to 24 English words (lower case, any
    /// ASCII white space between them), checksum included.
    pub fn parse(phrase: &str) -> Result<Self> {
        if phrase.len() > MAX_MNEMONIC_CHARS {
            return Err(Error::TooLong {
                got: phrase.len(),
                limit: MAX_MNEMONIC_CHARS,
            });
        }
        let mut m = Self {
            words: [0; MAX_MNEMONIC_WORDS],
            len: 0,
        };
        for (i, word) in phrase.split_ascii_whitespace().enumerate() {
            let idx = word_index(word).ok_or(Error::UnknownWord { index: i })?;
            let slot = m.words.get_mut(i).ok_or(Error::WordCount {
                got: phrase.split_ascii_whitespace().count(),
            })?;
            *slot = idx;
            m.len = i + 1;
        }
        if !valid_count(m.len) {
            return Err(Error::WordCount { got: m.len });
        }
        let mut entropy = [0u8; 33];
        let ent_bytes = m.len * 4 / 3;
        m.unpack(&mut entropy);
        let checksum_bits = m.len / 3;
        let want = checksum(entropy.get(..ent_bytes).unwrap_or(&[]), checksum_bits);
        let got = entropy.get(ent_bytes).copied().unwrap_or(0) >> (8 - checksum_bits);
        entropy.zeroize();
        if want != got {
            return Err(Error::Checksum);
        }
        Ok(m)
    }

    /// The mnemonic of `entropy` (16, 20, 24, 28 or 32 bytes).
    pub fn from_entropy(entropy: &[u8]) -> Result<Self> {
        let n = entropy.len();
        if !(16..=32).contains(&n) || !n.is_multiple_of(4) {
            return Err(Error::EntropyLength { got: n });
        }
        let len = n * 3 / 4;
        let mut bits = [0u8; 33];
        if let Some(dst) = bits.get_mut(..n) {
            dst.copy_from_slice(entropy);
        }
        let cs_bits = len / 3;
        if let Some(b) = bits.get_mut(n) {
            *b = checksum(entropy, cs_bits) << (8 - cs_bits);
        }
        let mut m = Self {
            words: [0; MAX_MNEMONIC_WORDS],
            len,
        };
        for i in 0..len {
            if let Some(w) = m.words.get_mut(i) {
                *w = read_11(&bits, i * 11);
            }
        }
        bits.zeroize();
        Ok(m)
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a checked mnemonic has at least 12 words.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The words, in order.
    pub fn words(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.words
            .iter()
            .take(self.len)
            .filter_map(|i| ENGLISH.get(usize::from(*i)).copied())
    }

    /// Writes entropy and checksum bits, big-endian, into `out`.
    fn unpack(&self, out: &mut [u8; 33]) {
        for (i, w) in self.words.iter().take(self.len).enumerate() {
            for bit in 0..11 {
                if (w >> (10 - bit)) & 1 == 1 {
                    let pos = i * 11 + bit;
                    if let Some(b) = out.get_mut(pos / 8) {
                        *b |= 0x80 >> (pos % 8);
                    }
                }
            }
        }
    }

    /// The entropy the words encode, and its length in bytes.
    pub fn entropy(&self) -> ([u8; 32], usize) {
        let mut all = [0u8; 33];
        self.unpack(&mut all);
        let n = self.len * 4 / 3;
        let mut out = [0u8; 32];
        if let (Some(dst), Some(src)) = (out.get_mut(..n), all.get(..n)) {
            dst.copy_from_slice(src);
        }
        all.zeroize();
        (out, n)
    }

    /// The BIP-39 seed: PBKDF2-HMAC-SHA512 of the sentence (words joined by
    /// one space), salt `"mnemonic" + passphrase`, 2048 rounds.
    ///
    /// The passphrase must be ASCII (NFKD leaves ASCII unchanged; this crate
    /// carries no Unicode tables) and at most
    /// [`MAX_PASSPHRASE_BYTES`] long.
    pub fn to_seed(&self, passphrase: &str) -> Result<Seed> {
        if !passphrase.is_ascii() {
            return Err(Error::PassphraseNotAscii);
        }
        if passphrase.len() > MAX_PASSPHRASE_BYTES {
            return Err(Error::TooLong {
                got: passphrase.len(),
                limit: MAX_PASSPHRASE_BYTES,
            });
        }
        let mut sentence = [0u8; MAX_SENTENCE_BYTES];
        let mut n = 0;
        for (i, word) in self.words().enumerate() {
            if i > 0 {
                put(&mut sentence, &mut n, b" ");
            }
            put(&mut sentence, &mut n, word.as_bytes());
        }
        let mut salt = [0u8; SALT_PREFIX.len() + MAX_PASSPHRASE_BYTES];
        let mut m = 0;
        put(&mut salt, &mut m, SALT_PREFIX);
        put(&mut salt, &mut m, passphrase.as_bytes());
        let mut seed = Seed([0; 64]);
        pbkdf2::pbkdf2_hmac::<Sha512>(
            sentence.get(..n).unwrap_or(&[]),
            salt.get(..m).unwrap_or(&[]),
            BIP39_ROUNDS,
            &mut seed.0,
        );
        sentence.zeroize();
        salt.zeroize();
        Ok(seed)
    }
}

/// Appends `src` at `*n` (the buffers are sized for the longest input).
fn put(buf: &mut [u8], n: &mut usize, src: &[u8]) {
    if let Some(dst) = buf.get_mut(*n..*n + src.len()) {
        dst.copy_from_slice(src);
        *n += src.len();
    }
}

/// The first `bits` (at most 8) bits of SHA-256(`entropy`), right-aligned.
fn checksum(entropy: &[u8], bits: usize) -> u8 {
    let hash = Sha256::digest(entropy);
    hash.first().copied().unwrap_or(0) >> (8 - bits)
}

/// The 11-bit big-endian value at bit offset `pos` of `bits`.
fn read_11(bits: &[u8], pos: usize) -> u16 {
    let mut v = 0u16;
    for k in pos..pos + 11 {
        let bit = bits.get(k / 8).map_or(0, |b| (b >> (7 - k % 8)) & 1);
        v = (v << 1) | u16::from(bit);
    }
    v
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (entropy, mnemonic, seed with passphrase "TREZOR"): a handful of the
    /// Trezor reference vectors (trezor/python-mnemonic `vectors.json`).
    const TREZOR: &[(&str, &str, &str)] = &[
        ("00000000000000000000000000000000",
         "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
         "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"),
        ("7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
         "legal winner thank year wave sausage worth useful legal winner thank yellow",
         "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607"),
        ("ffffffffffffffffffffffffffffffff",
         "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
         "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069"),
        ("808080808080808080808080808080808080808080808080",
         "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter always",
         "107d7c02a5aa6f38c58083ff74f04c607c2d2c0ecc55501dadd72d025b751bc27fe913ffb796f841c49b1d33b610cf0e91d3aa239027f5e99fe4ce9e5088cd65"),
        ("8080808080808080808080808080808080808080808080808080808080808080",
         "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless",
         "c0c519bd0e91a2ed54357d9d1ebef6f5af218a153624cf4f2da911a0ed8f7a09e2ef61af0aca007096df430022f7a2b6fb91661a9589097069720d015e4e982f"),
        ("9e885d952ad362caeb4efe34a8e91bd2",
         "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic",
         "274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606aa6a8595ad213d4c9c9f9aca3fb217069a41028"),
        ("f585c11aec520db57dd353c69554b21a89b20fb0650966fa0a9d6f74fd989d8f",
         "void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold",
         "01f5bced59dec48e362f2c45b5de68b9fd6c92c6634f44d6d40aab69056506f0e35524a518034ddc1192e1dacd32c1ed3eaa3c3b131c88ed8e7e54c49a5d0998"),
    ];

    #[test]
    fn trezor_vectors() {
        for (entropy, words, seed) in TREZOR {
            let m = Mnemonic::parse(words).unwrap();
            let (e, n) = m.entropy();
            assert_eq!(hex::encode(&e[..n]), *entropy, "{words}");
            let back = Mnemonic::from_entropy(&hex::decode(entropy).unwrap()).unwrap();
            assert_eq!(back.words().collect::<Vec<_>>().join(" "), *words);
            let s = m.to_seed("TREZOR").unwrap();
            assert_eq!(hex::encode(s.as_bytes()), *seed, "{words}");
        }
    }

    #[test]
    fn empty_passphrase_seed() {
        // python-mnemonic's vector file (no passphrase column): the first entry with "".
        let m = Mnemonic::parse(TREZOR[0].1).unwrap();
        assert_eq!(
            hex::encode(m.to_seed("").unwrap().as_bytes()),
            "5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4"
        );
    }

    #[test]
    fn rejects_bad_mnemonics() {
        let bad_checksum = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon";
        assert_eq!(Mnemonic::parse(bad_checksum), Err(Error::Checksum));
        assert_eq!(
            Mnemonic::parse("abandon abandon about"),
            Err(Error::WordCount { got: 3 })
        );
        let unknown = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abou";
        assert_eq!(
            Mnemonic::parse(unknown),
            Err(Error::UnknownWord { index: 11 })
        );
        let upper = "Abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        assert_eq!(Mnemonic::parse(upper), Err(Error::UnknownWord { index: 0 }));
        let long = ["abandon"; 25].join(" ");
        assert_eq!(Mnemonic::parse(&long), Err(Error::WordCount { got: 25 }));
        let huge = "a ".repeat(300);
        assert!(matches!(Mnemonic::parse(&huge), Err(Error::TooLong { .. })));
        let m = Mnemonic::parse(TREZOR[0].1).unwrap();
        assert_eq!(m.to_seed("é").err(), Some(Error::PassphraseNotAscii));
        let long_pass = "x".repeat(MAX_PASSPHRASE_BYTES + 1);
        assert!(matches!(m.to_seed(&long_pass), Err(Error::TooLong { .. })));
        assert_eq!(
            Mnemonic::from_entropy(&[0; 17]).err(),
            Some(Error::EntropyLength { got: 17 })
        );
    }

    #[test]
    fn extra_white_space_is_the_same_sentence() {
        let spaced = "  abandon\tabandon abandon abandon abandon abandon abandon abandon abandon abandon   abandon about \n";
        let a = Mnemonic::parse(spaced).unwrap().to_seed("TREZOR").unwrap();
        assert_eq!(hex::encode(a.as_bytes()), TREZOR[0].2);
    }

    #[test]
    fn wordlist_is_sorted_and_complete() {
        assert!(ENGLISH.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(word_index("abandon"), Some(0));
        assert_eq!(word_index("zoo"), Some(2047));
    }

    proptest! {
        #[test]
        fn entropy_round_trips(words in prop_oneof![Just(12usize), Just(15), Just(18), Just(21), Just(24)],
                               bytes in proptest::collection::vec(any::<u8>(), 32)) {
            let n = words * 4 / 3;
            let m = Mnemonic::from_entropy(&bytes[..n]).unwrap();
            prop_assert_eq!(m.len(), words);
            let phrase = m.words().collect::<Vec<_>>().join(" ");
            let back = Mnemonic::parse(&phrase).unwrap();
            let (e, len) = back.entropy();
            prop_assert_eq!(&e[..len], &bytes[..n]);
        }
    }
}
