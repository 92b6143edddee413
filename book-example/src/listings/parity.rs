// Even parity for single bytes.

/// Returns 1 if `byte` has an odd number of set bits, and 0 otherwise.
///
/// Appending this bit to the byte gives a nine-bit word with an even
/// number of ones, which is what "even parity" means.
pub fn parity(byte: u8) -> u8 {
    (byte.count_ones() % 2) as u8
}

/// The same result without `count_ones`: fold the byte onto itself
/// until a single bit is left.
pub fn parity_fold(mut byte: u8) -> u8 {
    byte ^= byte >> 4;
    byte ^= byte >> 2;
    byte ^= byte >> 1;
    byte & 1
}

/// Parity of a whole buffer: the XOR of the parities of its bytes.
pub fn parity_of(data: &[u8]) -> u8 {
    data.iter().fold(0, |acc, &b| acc ^ parity(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_versions_agree() {
        for b in 0..=255u8 {
            assert_eq!(parity(b), parity_fold(b));
        }
    }

    #[test]
    fn one_flipped_bit_is_caught() {
        let sent = b'K';
        let received = sent ^ 0b0000_0100;
        assert_ne!(parity(sent), parity(received));
    }

    #[test]
    fn two_flipped_bits_slip_through() {
        let sent = b'K';
        let received = sent ^ 0b0001_0100;
        assert_eq!(parity(sent), parity(received));
    }
}
