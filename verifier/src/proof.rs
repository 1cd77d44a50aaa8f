//! The proof file: a versioned framing of the public inputs, the table multiplicities and the STARK proof.
//!
//! Layout (integers little-endian): magic `ZKEVMPRF`, version `u16`, then
//! code, calldata (`u32` length + bytes), caller (20), address (20), value
//! (32), gas limit `u64`, gas used `u64`, status `u8`, return data, the code
//! counts, byte counts and calldata counts (`u32` count + `u32` each), the
//! memory words `u32`, the bitwise entries (`u32` count + `op, a, b, u32`
//! each; version 3), the STARK proof (`u32` length + bytes). Every length is checked against its limit and the bytes
//! remaining before anything is allocated.

use alloc::vec::Vec;

use crate::error::Error;
use crate::public::{BitwiseCount, Counts, PublicInputs, Status};

/// Magic bytes at the start of a proof file.
pub const MAGIC: [u8; 8] = *b"ZKEVMPRF";
/// Framing version written and read.
pub const VERSION: u16 = 4;
/// Largest code (EIP-170).
pub const MAX_CODE: u64 = 24_576;
/// Largest calldata and return data.
pub const MAX_DATA: u64 = 1 << 16;
/// Largest STARK proof.
pub const MAX_STARK_BYTES: u64 = 512 << 10;

/// A proof of one execution, with the statement it proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The statement.
    pub public: PublicInputs,
    /// Table multiplicities (bound into the transcript).
    pub counts: Counts,
    /// The backend's proof bytes.
    pub stark: Vec<u8>,
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

fn put_counts(out: &mut Vec<u8>, c: &[u32]) {
    out.extend_from_slice(&(c.len() as u32).to_le_bytes());
    for m in c {
        out.extend_from_slice(&m.to_le_bytes());
    }
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: u64) -> Result<&'a [u8], Error> {
        if n > self.rest.len() as u64 {
            return Err(Error::Truncated);
        }
        let (head, tail) = self.rest.split_at(n as usize);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N as u64)?);
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn bytes(&mut self, max: u64) -> Result<Vec<u8>, Error> {
        let n = u64::from(self.u32()?);
        if n > max {
            return Err(Error::TooLong { got: n, max });
        }
        Ok(self.take(n)?.to_vec())
    }

    fn counts(&mut self, max: u64) -> Result<Vec<u32>, Error> {
        let n = u64::from(self.u32()?);
        if n > max {
            return Err(Error::TooLong { got: n, max });
        }
        let raw = self.take(n * 4)?;
        Ok(raw
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

impl Reader<'_> {
    /// The bitwise entries: a `u32` count, then `op, a, b` and a `u32` multiplicity each.
    fn bitwise(&mut self) -> Result<Vec<BitwiseCount>, Error> {
        let n = u64::from(self.u32()?);
        let max = u64::from(crate::limits::MAX_BITWISE_ENTRIES);
        if n > max {
            return Err(Error::TooLong { got: n, max });
        }
        let raw = self.take(n * 7)?;
        Ok(raw
            .chunks_exact(7)
            .map(|c| BitwiseCount {
                op: c[0],
                a: c[1],
                b: c[2],
                m: u32::from_le_bytes([c[3], c[4], c[5], c[6]]),
            })
            .collect())
    }
}

impl Proof {
    /// Serializes the file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let p = &self.public;
        let mut out = Vec::new();
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        put_bytes(&mut out, &p.code);
        put_bytes(&mut out, &p.calldata);
        out.extend_from_slice(&p.caller);
        out.extend_from_slice(&p.address);
        out.extend_from_slice(&p.value);
        out.extend_from_slice(&p.gas_limit.to_le_bytes());
        out.extend_from_slice(&p.gas_used.to_le_bytes());
        out.push(p.status as u8);
        put_bytes(&mut out, &p.return_data);
        put_counts(&mut out, &self.counts.code);
        put_counts(&mut out, &self.counts.bytes);
        put_counts(&mut out, &self.counts.calldata);
        out.extend_from_slice(&self.counts.memory_words.to_le_bytes());
        out.extend_from_slice(&(self.counts.bitwise.len() as u32).to_le_bytes());
        for e in &self.counts.bitwise {
            out.extend_from_slice(&[e.op, e.a, e.b]);
            out.extend_from_slice(&e.m.to_le_bytes());
        }
        put_bytes(&mut out, &self.stark);
        out
    }

    /// Parses a file; every length is bounded before it is used.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let file = ProofFile::parse(bytes)?;
        Ok(Proof {
            public: file.public,
            counts: file.counts,
            stark: file.stark.to_vec(),
        })
    }
}

/// A parsed proof file whose STARK bytes stay where they were read (a
/// device's staging area): the parsed public inputs and counts are owned, the
/// largest part of the file is not copied. Verify it with
/// [`crate::verify::verify_parts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofFile<'a> {
    /// The statement.
    pub public: PublicInputs,
    /// Table multiplicities.
    pub counts: Counts,
    /// The backend's proof bytes, borrowed from the file.
    pub stark: &'a [u8],
}

impl<'a> ProofFile<'a> {
    /// Parses a file as [`Proof::from_bytes`] does, borrowing the STARK bytes.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader { rest: bytes };
        if r.array::<8>()? != MAGIC {
            return Err(Error::BadMagic);
        }
        let version = u16::from_le_bytes(r.array()?);
        if version != VERSION {
            return Err(Error::UnsupportedVersion { got: version });
        }
        let code = r.bytes(MAX_CODE)?;
        let calldata = r.bytes(MAX_DATA)?;
        let caller = r.array()?;
        let address = r.array()?;
        let value = r.array()?;
        let gas_limit = u64::from_le_bytes(r.array()?);
        let gas_used = u64::from_le_bytes(r.array()?);
        let status = match r.array::<1>()? {
            [1] => Status::Success,
            [2] => Status::Revert,
            _ => return Err(Error::BadField),
        };
        let return_data = r.bytes(MAX_DATA)?;
        // One count per instruction boundary (at most code + 1), one per byte value.
        let code_counts = r.counts(MAX_CODE + 1)?;
        let byte_counts = r.counts(256)?;
        let calldata_counts = r.counts(MAX_DATA + 1)?;
        let memory_words = r.u32()?;
        if memory_words > crate::limits::MAX_MEMORY_WORDS {
            return Err(Error::TooLong {
                got: u64::from(memory_words),
                max: u64::from(crate::limits::MAX_MEMORY_WORDS),
            });
        }
        let bitwise = r.bitwise()?;
        let n = u64::from(r.u32()?);
        if n > MAX_STARK_BYTES {
            return Err(Error::TooLong {
                got: n,
                max: MAX_STARK_BYTES,
            });
        }
        let stark = r.take(n)?;
        if !r.rest.is_empty() {
            return Err(Error::TrailingBytes);
        }
        Ok(ProofFile {
            public: PublicInputs {
                code,
                calldata,
                caller,
                address,
                value,
                gas_limit,
                gas_used,
                status,
                return_data,
            },
            counts: Counts {
                code: code_counts,
                bytes: byte_counts,
                calldata: calldata_counts,
                memory_words,
                bitwise,
            },
            stark,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use alloc::vec;
    use proptest::prelude::*;

    fn arb_proof() -> impl Strategy<Value = Proof> {
        (
            proptest::collection::vec(any::<u8>(), 0..64),
            proptest::collection::vec(any::<u8>(), 0..16),
            any::<[u8; 20]>(),
            any::<u64>(),
            any::<bool>(),
            proptest::collection::vec(any::<u32>(), 0..8),
            proptest::collection::vec(any::<u8>(), 0..64),
        )
            .prop_map(|(code, calldata, who, gas, ok, counts, stark)| Proof {
                public: PublicInputs {
                    code,
                    calldata,
                    caller: who,
                    address: who,
                    value: [7; 32],
                    gas_limit: gas,
                    gas_used: gas / 2,
                    status: if ok { Status::Success } else { Status::Revert },
                    return_data: vec![],
                },
                counts: Counts {
                    code: counts.clone(),
                    bytes: counts.clone(),
                    memory_words: gas as u32 % (crate::limits::MAX_MEMORY_WORDS + 1),
                    bitwise: counts
                        .iter()
                        .map(|m| BitwiseCount {
                            op: *m as u8,
                            a: 1,
                            b: 2,
                            m: *m,
                        })
                        .collect(),
                    calldata: counts,
                },
                stark,
            })
    }

    proptest! {
        #[test]
        fn framing_round_trips(p in arb_proof()) {
            prop_assert_eq!(Proof::from_bytes(&p.to_bytes()).unwrap(), p);
        }

        #[test]
        fn every_prefix_is_truncated(p in arb_proof(), cut in any::<usize>()) {
            let b = p.to_bytes();
            let cut = cut % b.len();
            prop_assert!(Proof::from_bytes(&b[..cut]).is_err());
        }

        #[test]
        fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = Proof::from_bytes(&b);
        }
    }

    #[test]
    fn bad_magic_version_and_trailing_bytes_are_typed() {
        let p = Proof {
            public: PublicInputs {
                code: vec![0],
                calldata: vec![],
                caller: [0; 20],
                address: [0; 20],
                value: [0; 32],
                gas_limit: 0,
                gas_used: 0,
                status: Status::Success,
                return_data: vec![],
            },
            counts: Counts {
                code: vec![],
                bytes: vec![],
                calldata: vec![],
                memory_words: 0,
                bitwise: vec![],
            },
            stark: vec![],
        };
        let mut b = p.to_bytes();
        b[0] ^= 1;
        assert_eq!(Proof::from_bytes(&b), Err(Error::BadMagic));
        let mut b = p.to_bytes();
        b[8] = 9;
        assert_eq!(
            Proof::from_bytes(&b),
            Err(Error::UnsupportedVersion { got: 9 })
        );
        let mut b = p.to_bytes();
        b.push(0);
        assert_eq!(Proof::from_bytes(&b), Err(Error::TrailingBytes));
        let mut b = p.to_bytes();
        b[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            Proof::from_bytes(&b),
            Err(Error::TooLong {
                got: u64::from(u32::MAX),
                max: MAX_CODE
            })
        );
    }
}
