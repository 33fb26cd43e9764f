//! New ids and the current time: the only places the app reads the clock and randomness, which
//! the core takes as arguments.

use quota_core::Timestamp;
use quota_core::id::{RawId, TypedId};

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The Web Crypto API is always present where the app runs; without it nothing can be safe.
    getrandom::fill(&mut bytes).expect("the browser provides secure random numbers");
    bytes
}

pub fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

/// A fresh, time-ordered id.
pub fn new_id<I: TypedId>() -> I {
    let random = u128::from_le_bytes(random_bytes::<16>());
    I::from_raw(RawId::from_parts(now().0 as u64, random))
}

/// A fresh, time-ordered raw id, for code that makes ids of several record types.
pub fn new_raw() -> RawId {
    let random = u128::from_le_bytes(random_bytes::<16>());
    RawId::from_parts(now().0 as u64, random)
}
