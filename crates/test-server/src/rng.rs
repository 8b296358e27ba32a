//! The seeded pseudo-random generator of every randomised test in the workspace.
//!
//! Tests print or name their seed, so a failure replays exactly; one generator in one place
//! keeps that true wherever a test lives. It lives here because this crate is the one every
//! test target already depends on.

/// SplitMix64 (Steele, Lea and Flood, 2014): a counter passed through a mixing function.
///
/// Rather than xorshift because every seed is a good one: a xorshift state of 0 stays 0, and
/// small or neighbouring seeds (some tests seed with a constant XOR a length) start out alike.
/// Every bit of every output is well mixed, so [`Rng::below`] may use any of them. Not for
/// cryptography.
#[derive(Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    ///
    /// # Panics
    ///
    /// If `n` is 0: the range is empty.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "Rng::below(0): the range 0..0 is empty");
        // The high half of the product: no division, and a bias of at most n / 2^64.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// One of `items`, each as likely.
    ///
    /// # Panics
    ///
    /// If `items` is empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `len` bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len.next_multiple_of(8));
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn a_seed_fixes_the_sequence() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let first: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        assert!(first.iter().all(|&x| x == b.next_u64()));
        let mut c = Rng::new(8);
        assert!(
            first.iter().all(|&x| x != c.next_u64()),
            "seeds 7 and 8 agree"
        );
    }

    #[test]
    fn seed_zero_is_as_good_as_any() {
        let mut rng = Rng::new(0);
        let ones: u32 = (0..1000).map(|_| rng.next_u64().count_ones()).sum();
        // 32 per word on average; a stuck or sparse state would be far off.
        assert!((31_000..33_000).contains(&ones), "{ones} bits set");
    }

    #[test]
    fn below_covers_its_range_and_no_more() {
        let mut rng = Rng::new(1);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[rng.below(7)] += 1;
        }
        assert!(seen.iter().all(|&n| (800..1200).contains(&n)), "{seen:?}");
        assert_eq!(rng.below(1), 0);
    }

    #[test]
    fn bytes_has_the_length_asked() {
        let mut rng = Rng::new(2);
        for len in [0, 1, 7, 8, 9, 1000] {
            assert_eq!(rng.bytes(len).len(), len);
        }
        let page = Rng::new(3).bytes(1 << 16);
        let zeros = page.iter().filter(|&&b| b == 0).count();
        assert!((150..370).contains(&zeros), "{zeros} zero bytes of 65536");
    }
}
