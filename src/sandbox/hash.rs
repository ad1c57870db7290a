//! Deterministic hashing for the sandbox's synthetic data, and GUIDs that encode an index so a
//! generated customer or user can be found from its id without storing anything. Stable by
//! construction (no std hasher, no crate whose output may change): same seed, same bytes.

use uuid::Uuid;

/// SplitMix64's finaliser: a fast, well-mixed 64-bit permutation.
pub(crate) const fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of several words, order-sensitive.
pub(crate) fn mix(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x243F_6A88_85A3_08D3, |h, p| splitmix(h ^ p))
}

/// FNV-1a over bytes, then mixed: the key of a string (a customer id, a UPN).
pub(crate) fn str_key(text: &str) -> u64 {
    let h = text.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    });
    splitmix(h)
}

/// A uniform pick in `0..n` (n > 0) from a hash.
pub(crate) fn pick(h: u64, n: usize) -> usize {
    // Multiply-shift avoids modulo bias well enough for word lists.
    ((u128::from(h) * n as u128) >> 64) as usize
}

/// A random-looking version-4 GUID from 128 hashed bits.
pub(crate) fn guid(parts: &[u64]) -> Uuid {
    let hi = mix(parts);
    let lo = splitmix(hi ^ 0x5851_F42D_4C95_7F2D);
    guid_from(hi, lo)
}

fn guid_from(hi: u64, lo: u64) -> Uuid {
    let bits = (u128::from(hi) << 64) | u128::from(lo);
    uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid()
}

const A: u32 = 0x7FEB_352D;
const B: u32 = 0x846C_A68B;
const A_INV: u32 = inverse(A);
const B_INV: u32 = inverse(B);

/// The multiplicative inverse of an odd number modulo 2^32 (Newton's iteration).
const fn inverse(a: u32) -> u32 {
    let mut x = a;
    let mut i = 0;
    while i < 5 {
        x = x.wrapping_mul(2u32.wrapping_sub(a.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// Ids `0..2^32` mapped to GUIDs and back. The last 32 bits carry a keyed permutation of the
/// index; the rest is a hash of (key, index), checked on the way back, so a GUID that was
/// never issued is not found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IndexedIds {
    key: u64,
}

impl IndexedIds {
    pub(crate) const fn new(key: u64) -> Self {
        Self { key }
    }

    pub(crate) fn id(&self, index: u32) -> Uuid {
        let hi = mix(&[self.key, u64::from(index), 1]);
        let mid = mix(&[self.key, u64::from(index), 2]) & 0xFFFF_FFFF_0000_0000;
        guid_from(hi, mid | u64::from(self.permute(index)))
    }

    pub(crate) fn index_of(&self, id: &Uuid) -> Option<u32> {
        let index = self.unpermute(id.as_u128() as u32);
        (self.id(index) == *id).then_some(index)
    }

    fn permute(&self, i: u32) -> u32 {
        let (k1, k2) = (self.key as u32, (self.key >> 32) as u32);
        let mut x = (i ^ k1).wrapping_mul(A);
        x ^= x >> 16;
        x = x.wrapping_mul(B);
        x ^= x >> 16;
        x ^ k2
    }

    fn unpermute(&self, y: u32) -> u32 {
        let (k1, k2) = (self.key as u32, (self.key >> 32) as u32);
        let mut x = y ^ k2;
        x ^= x >> 16;
        x = x.wrapping_mul(B_INV);
        x ^= x >> 16;
        x.wrapping_mul(A_INV) ^ k1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_ids_round_trip_and_reject_strangers() {
        let ids = IndexedIds::new(0xDEAD_BEEF_1234_5678);
        for i in [0, 1, 2, 999, 20_000, u32::MAX] {
            let id = ids.id(i);
            assert_eq!(id.get_version_num(), 4);
            assert_eq!(ids.index_of(&id), Some(i));
        }
        assert_eq!(IndexedIds::new(7).index_of(&ids.id(5)), None);
        assert_eq!(ids.index_of(&Uuid::nil()), None);
        assert_ne!(ids.id(1), ids.id(2));
    }

    #[test]
    fn inverses_are_inverses() {
        assert_eq!(A.wrapping_mul(A_INV), 1);
        assert_eq!(B.wrapping_mul(B_INV), 1);
    }

    #[test]
    fn hashes_are_stable() {
        // Pinned: generated data must not change between builds.
        assert_eq!(splitmix(0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(pick(u64::MAX, 10), 9);
        assert_eq!(pick(0, 10), 0);
    }
}
