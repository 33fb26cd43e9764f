//! Record ids: 128-bit, time-ordered (ULID layout), written as 26 Crockford base32 characters.
//!
//! The core never makes randomness or reads a clock, so a new id is built from a timestamp and
//! random bits that the caller supplies.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The 128 bits behind every typed id: 48 bits of milliseconds, then 80 random bits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct RawId(pub u128);

impl RawId {
    /// Builds an id from a creation time in UTC milliseconds and 80 bits of randomness.
    pub fn from_parts(millis: u64, random: u128) -> RawId {
        let time = u128::from(millis & 0xFFFF_FFFF_FFFF) << 80;
        RawId(time | (random & ((1u128 << 80) - 1)))
    }

    /// The creation time in UTC milliseconds that the id carries.
    pub fn millis(self) -> u64 {
        (self.0 >> 80) as u64
    }

    /// A stable bucket in `0..buckets` taken from the random bits, used to pick a shard.
    pub fn bucket(self, buckets: u32) -> u32 {
        debug_assert!(buckets > 0);
        // Mix the bits so that hand-made ids with a zero random part still spread.
        let mut h = self.0 as u64 ^ (self.0 >> 64) as u64;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        (h % u64::from(buckets)) as u32
    }

    pub fn encode(self) -> String {
        let mut out = [0u8; 26];
        for (i, slot) in out.iter_mut().enumerate() {
            let bits = (self.0 >> (125 - 5 * i)) & 0x1F;
            *slot = ALPHABET[bits as usize];
        }
        String::from_utf8(out.to_vec()).expect("alphabet is ascii")
    }
}

impl fmt::Display for RawId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl fmt::Debug for RawId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// The text was not a 26-character Crockford base32 id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid id: {0:?}")]
pub struct BadId(pub String);

impl FromStr for RawId {
    type Err = BadId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = s.as_bytes();
        if bytes.len() != 26 {
            return Err(BadId(s.to_string()));
        }
        let mut value: u128 = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let digit = decode_digit(b).ok_or_else(|| BadId(s.to_string()))?;
            // The first character carries only the top three bits of 128.
            if i == 0 && digit > 7 {
                return Err(BadId(s.to_string()));
            }
            value = (value << 5) | u128::from(digit);
        }
        Ok(RawId(value))
    }
}

fn decode_digit(b: u8) -> Option<u8> {
    let b = b.to_ascii_uppercase();
    match b {
        b'O' => Some(0),
        b'I' | b'L' => Some(1),
        _ => ALPHABET.iter().position(|&a| a == b).map(|p| p as u8),
    }
}

/// Declares a typed id: a newtype over [`RawId`] with `Display`, `FromStr` and serde support.
#[macro_export]
macro_rules! define_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub $crate::id::RawId);

        impl $name {
            /// Builds an id from a creation time in UTC milliseconds and 80 random bits.
            pub fn new(millis: u64, random: u128) -> Self {
                $name($crate::id::RawId::from_parts(millis, random))
            }
            pub fn raw(self) -> $crate::id::RawId {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::id::BadId;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl $crate::field::Scalar for $name {
            fn to_scalar(&self) -> automerge::ScalarValue {
                automerge::ScalarValue::Str(self.0.encode().into())
            }
            fn from_scalar(value: &automerge::ScalarValue) -> Result<Self, $crate::field::FieldError> {
                match value {
                    automerge::ScalarValue::Str(s) => s
                        .parse()
                        .map_err(|_| $crate::field::FieldError::Invalid(format!("invalid id {s:?}"))),
                    other => Err($crate::field::FieldError::wrong_type("id", other)),
                }
            }
        }

        $crate::scalar_field!($name);

        impl $crate::id::TypedId for $name {
            fn from_raw(raw: $crate::id::RawId) -> Self {
                $name(raw)
            }
            fn raw(self) -> $crate::id::RawId {
                self.0
            }
        }
    };
}

/// What every typed id offers generic code.
pub trait TypedId:
    Copy + Ord + std::hash::Hash + fmt::Display + fmt::Debug + FromStr<Err = BadId> + Default + Send + Sync + 'static
{
    fn from_raw(raw: RawId) -> Self;
    fn raw(self) -> RawId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_survives_encoding_and_parsing() {
        for value in [0u128, 1, u128::MAX, 0x0123_4567_89AB_CDEF_0123_4567_89AB_CDEF] {
            let id = RawId(value);
            let text = id.encode();
            assert_eq!(text.len(), 26);
            assert_eq!(text.parse::<RawId>(), Ok(id));
        }
    }

    #[test]
    fn ids_sort_by_creation_time() {
        let early = RawId::from_parts(1_000, u128::MAX);
        let late = RawId::from_parts(1_001, 0);
        assert!(early < late);
        assert!(early.encode() < late.encode());
        assert_eq!(late.millis(), 1_001);
    }

    #[test]
    fn bad_ids_are_rejected_with_the_text() {
        assert_eq!("short".parse::<RawId>(), Err(BadId("short".into())));
        assert!("8ZZZZZZZZZZZZZZZZZZZZZZZZZ".parse::<RawId>().is_err());
        assert!("0000000000000000000000000U".parse::<RawId>().is_err());
    }

    #[test]
    fn buckets_spread_and_stay_in_range() {
        let mut counts = [0u32; 8];
        for i in 0..8_000u128 {
            counts[RawId::from_parts(0, i).bucket(8) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c > 800), "{counts:?}");
    }
}
