#![cfg_attr(not(test), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod check;
pub mod exec;
pub mod limits;
pub mod proof;
pub mod routines;
pub mod service;
#[cfg(feature = "stark")]
pub mod stark;
pub mod uplink;
pub mod wallet;

pub use service::{Action, Measurement, MemoryStats, Platform, Service};
