//! Counting the n-grams a hypothesis and a reference have in common.
//!
//! Symbols (characters, or tokens numbered by [`number_tokens`]) are packed:
//! for every position, the next `n_slots` symbols, each plus one (0 marks
//! the end), left-aligned in a `u128`. Sorting those keys once also sorts
//! every shorter n-gram, since an n-gram is a key's top `n` slots; so one
//! sort per side serves every order, and each order is a linear merge.

use std::cmp::Ordering;
use std::collections::HashMap;

/// How symbols are packed into keys.
#[derive(Debug, Clone, Copy)]
pub(super) struct Packing {
    /// Symbols per key: the highest n-gram order.
    pub(super) n_slots: usize,
    /// Bits per symbol; `n_slots * bits_per_slot <= 128`.
    pub(super) bits_per_slot: u32,
}

impl Packing {
    /// The sorted keys of `symbols` (each below `2^bits_per_slot - 1`).
    pub(super) fn sorted_keys(self, symbols: &[u32]) -> Vec<u128> {
        let mut keys: Vec<u128> = (0..symbols.len())
            .map(|start| {
                let mut key = 0u128;
                for slot in 0..self.n_slots {
                    let code = symbols.get(start + slot).map_or(0, |&symbol| symbol + 1);
                    key = (key << self.bits_per_slot) | u128::from(code);
                }
                key
            })
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The n-grams (as integers, sorted) among sorted keys.
    fn ngrams(self, keys: &[u128], n: usize) -> impl Iterator<Item = u128> {
        let shift = self.bits_per_slot * (self.n_slots - n) as u32;
        let last_slot = (1u128 << self.bits_per_slot) - 1;
        // A prefix whose n-th slot is empty ran past the end: not an n-gram.
        keys.iter()
            .map(move |key| key >> shift)
            .filter(move |prefix| prefix & last_slot != 0)
    }

    /// The clipped matches of n-grams (`1 <= n <= n_slots`) between two
    /// sides' sorted keys.
    pub(super) fn count_common(self, hypothesis: &[u128], reference: &[u128], n: usize) -> u64 {
        count_common_sorted(self.ngrams(hypothesis, n), self.ngrams(reference, n))
    }
}

/// The size of the multiset intersection of two sorted sequences: the sum
/// over distinct items of the smaller of their two counts.
pub(super) fn count_common_sorted<T: Ord>(
    mut hypothesis: impl Iterator<Item = T>,
    mut reference: impl Iterator<Item = T>,
) -> u64 {
    let (mut h, mut r) = (hypothesis.next(), reference.next());
    let mut common = 0;
    while let (Some(a), Some(b)) = (&h, &r) {
        match a.cmp(b) {
            Ordering::Less => h = hypothesis.next(),
            Ordering::Greater => r = reference.next(),
            Ordering::Equal => {
                common += 1;
                h = hypothesis.next();
                r = reference.next();
            }
        }
    }
    common
}

/// Numbers the tokens of both sides: equal tokens, equal numbers.
pub(super) fn number_tokens(hypothesis: &[&str], reference: &[&str]) -> (Vec<u32>, Vec<u32>) {
    let mut numbers: HashMap<&str, u32> = HashMap::with_capacity(hypothesis.len() + reference.len());
    let mut number = |token| {
        let next = numbers.len() as u32;
        *numbers.entry(token).or_insert(next)
    };
    let hypothesis = hypothesis.iter().map(|&token| number(token)).collect();
    let reference = reference.iter().map(|&token| number(token)).collect();
    (hypothesis, reference)
}
