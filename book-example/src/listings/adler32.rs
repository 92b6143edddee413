//! Adler-32, as specified in RFC 1950.

// ANCHOR: constants
/// The largest prime smaller than 2^16.
const MOD_ADLER: u32 = 65_521;

/// The largest number of bytes we may add before `b` could overflow a `u32`.
const NMAX: usize = 5_552;
// ANCHOR_END: constants

/// A running Adler-32 checksum.
#[derive(Debug, Clone, Copy)]
pub struct Adler32 {
    a: u32,
    b: u32,
}

impl Default for Adler32 {
    fn default() -> Self {
        Self::new()
    }
}

impl Adler32 {
    // ANCHOR: new
    /// Starts a new checksum. Note that `a` starts at 1, not 0.
    pub fn new() -> Self {
        Adler32 { a: 1, b: 0 }
    }
    // ANCHOR_END: new

    // ANCHOR: update
    /// Feeds more bytes into the checksum.
    pub fn update(&mut self, data: &[u8]) {
        for chunk in data.chunks(NMAX) {
            for &byte in chunk {
                self.a += u32::from(byte);
                self.b += self.a;
            }
            // One reduction per chunk instead of one per byte.
            self.a %= MOD_ADLER;
            self.b %= MOD_ADLER;
        }
    }
    // ANCHOR_END: update

    // ANCHOR: finish
    /// Returns the checksum of everything fed in so far.
    pub fn finish(&self) -> u32 {
        (self.b << 16) | self.a
    }
    // ANCHOR_END: finish
}

/// Convenience function for a checksum in one call.
pub fn adler32(data: &[u8]) -> u32 {
    let mut sum = Adler32::new();
    sum.update(data);
    sum.finish()
}

fn main() {
    println!("{:08x}", adler32(b"Wikipedia"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn empty_input() {
        assert_eq!(adler32(b""), 1);
    }

    #[test]
    fn long_input_does_not_overflow() {
        let data = vec![0xFF; 1 << 20];
        let mut slow_a: u64 = 1;
        let mut slow_b: u64 = 0;
        for &byte in &data {
            slow_a = (slow_a + u64::from(byte)) % 65_521;
            slow_b = (slow_b + slow_a) % 65_521;
        }
        assert_eq!(u64::from(adler32(&data)), (slow_b << 16) | slow_a);
    }

    #[test]
    fn split_updates_match() {
        let mut sum = Adler32::new();
        sum.update(b"Wiki");
        sum.update(b"pedia");
        assert_eq!(sum.finish(), adler32(b"Wikipedia"));
    }
}
