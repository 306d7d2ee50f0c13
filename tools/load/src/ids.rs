//! Synthetic mainland China resident identity numbers for load-test consumers: each
//! goose user verifies one, so each needs its own (the annual limit is counted per
//! number).

use rand::Rng;

/// ISO 7064 MOD 11-2 weights of the first 17 digits (as gateway-core's identity.rs).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

/// The check character of 17 ASCII digits.
pub fn check_character(first17: &str) -> char {
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    char::from(CHECK[(sum % 11) as usize])
}

/// A random valid number: a six-digit area code, a real birth date in 1960–1999 (day
/// 1–28 so every month has it), a three-digit sequence and its check character.
/// About 10^14 combinations, so numbers from earlier runs (whose yearly quota they
/// used) practically never come back.
pub fn random_id_number() -> String {
    let mut rng = rand::rng();
    let first17 = format!(
        "{:06}{:04}{:02}{:02}{:03}",
        rng.random_range(110_000..660_000),
        rng.random_range(1960..2000),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
        rng.random_range(0..1000),
    );
    let check = check_character(&first17);
    format!("{first17}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_number_has_its_check_character() {
        // The example of GB 11643-1999.
        assert_eq!(check_character("11010519491231002"), 'X');
    }

    #[test]
    fn random_numbers_are_18_characters_and_check() {
        for _ in 0..1000 {
            let n = random_id_number();
            assert_eq!(n.len(), 18);
            assert_eq!(check_character(&n[..17]), char::from(n.as_bytes()[17]));
        }
    }
}
