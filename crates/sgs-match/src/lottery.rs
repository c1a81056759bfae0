//! The verifiable lottery: seeds and lottery numbers computed by a documented SHA-256
//! construction, so that anyone can recompute them in any language.
//!
//! * The number of student `s` under single tie-breaking is the first 8 bytes, read as a
//!   big-endian unsigned integer, of SHA-256 of the UTF-8 text `<seed>\n<s>`, where `<seed>` is
//!   the seed as 64 lowercase hex characters. Lower numbers go first.
//! * Under multiple tie-breaking the number of `s` at program `p` hashes `<seed>\n<p>\n<s>`
//!   the same way.
//! * A seed fixed after applications close is SHA-256 of `<input digest>\n<public value>`:
//!   the digest is published first ([`crate::verify::commit`]), the public value (a public
//!   draw, a beacon output) is announced later, so nobody can steer the seed.
//!
//! A student's number depends only on the seed and her own id: editing an application, adding
//! or withdrawing another student, or reordering rows changes nobody's number.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// A 256-bit lottery seed, written as 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seed([u8; 32]);

/// A seed that is not 64 hex characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("seed {value:?} is not valid: expected 64 hex characters (256 bits)")]
pub struct SeedError {
    /// The text that was given.
    pub value: String,
}

impl Seed {
    /// The seed's bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A seed from its bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Seed(bytes)
    }

    /// The seed fixed from a published input digest and a public random value announced after
    /// the digest: SHA-256 of the UTF-8 text `<digest>\n<public value>`, with the digest in
    /// lowercase hex and the public value exactly as announced (surrounding spaces trimmed).
    pub fn derive(input_digest: &str, public_value: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(input_digest.trim().to_ascii_lowercase().as_bytes());
        hasher.update(b"\n");
        hasher.update(public_value.trim().as_bytes());
        Seed(hasher.finalize().into())
    }

    /// The seed of redraw `index` in a chance-of-offer simulation: SHA-256 of
    /// `<seed>\nredraw\n<index>`. Redraws are reproducible from the base seed.
    pub fn redraw(&self, index: u32) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(self.to_string().as_bytes());
        hasher.update(b"\nredraw\n");
        hasher.update(index.to_string().as_bytes());
        Seed(hasher.finalize().into())
    }
}

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Seed({self})")
    }
}

impl FromStr for Seed {
    type Err = SeedError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || SeedError {
            value: text.to_string(),
        };
        let trimmed = text.trim();
        if trimmed.len() != 64 {
            return Err(error());
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(trimmed, &mut bytes).map_err(|_| error())?;
        Ok(Seed(bytes))
    }
}

impl serde::Serialize for Seed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Seed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Computes many lottery numbers with one seed. The seed's 64 hex characters are exactly one
/// SHA-256 block, so the hash state after them is computed once and reused; an id of up to
/// [`ONE_BLOCK_ID`] bytes then takes one more block, which [`LotteryHasher::student`] builds
/// and compresses directly.
#[derive(Clone)]
pub struct LotteryHasher {
    after_seed: Sha256,
    /// The compression state after the seed's block.
    state: [u32; 8],
}

/// The longest id whose `\n<id>`, the padding byte and the 8-byte length fit in one block.
const ONE_BLOCK_ID: usize = 64 - 1 - 1 - 8;

/// SHA-256's initial hash value (FIPS 180-4, section 5.3.3).
const SHA256_INITIAL: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

impl LotteryHasher {
    /// A hasher for `seed`.
    pub fn new(seed: &Seed) -> Self {
        let mut seed_hex = [0u8; 64];
        hex::encode_to_slice(seed.0, &mut seed_hex).expect("64 bytes hold 32 in hex");
        let mut after_seed = Sha256::new();
        after_seed.update(seed_hex);
        let mut state = SHA256_INITIAL;
        sha2::compress256(&mut state, &[seed_hex.into()]);
        LotteryHasher { after_seed, state }
    }

    /// Hashes `<seed>\n<part>\n...\n<last>` and reads the first 8 bytes big-endian.
    fn number_of(&self, parts: &[&str]) -> u64 {
        let mut hasher = self.after_seed.clone();
        for part in parts {
            hasher.update(b"\n");
            hasher.update(part.as_bytes());
        }
        let digest = hasher.finalize();
        u64::from_be_bytes(digest[..8].try_into().expect("a digest has 32 bytes"))
    }

    /// The single-tie-breaking lottery number of `student_id`.
    pub fn student(&self, student_id: &str) -> u64 {
        let id = student_id.as_bytes();
        if id.len() > ONE_BLOCK_ID {
            return self.number_of(&[student_id]);
        }
        // The message's last block: `\n<id>`, the 0x80 padding byte, zeros, and the message
        // length in bits (the seed's 64 bytes, the newline and the id) as a big-endian u64.
        let mut block = [0u8; 64];
        block[0] = b'\n';
        block[1..=id.len()].copy_from_slice(id);
        block[id.len() + 1] = 0x80;
        let bits = (64 + 1 + id.len() as u64) * 8;
        block[56..].copy_from_slice(&bits.to_be_bytes());
        let mut state = self.state;
        sha2::compress256(&mut state, &[block.into()]);
        (state[0] as u64) << 32 | state[1] as u64
    }

    /// The multiple-tie-breaking lottery number of `student_id` at `program_id`.
    pub fn at_program(&self, program_id: &str, student_id: &str) -> u64 {
        self.number_of(&[program_id, student_id])
    }
}

/// The single-tie-breaking lottery number of `student_id`.
pub fn lottery_number(seed: &Seed, student_id: &str) -> u64 {
    LotteryHasher::new(seed).student(student_id)
}

/// The multiple-tie-breaking lottery number of `student_id` at `program_id`.
pub fn program_lottery_number(seed: &Seed, program_id: &str, student_id: &str) -> u64 {
    LotteryHasher::new(seed).at_program(program_id, student_id)
}

/// A lottery number as the share of the number range below it, between 0 and 1: what a family
/// reads as "lottery number 0.31" (31% of all possible numbers go before it).
pub fn fraction(number: u64) -> f64 {
    number as f64 / 18_446_744_073_709_551_616.0
}

/// Two lottery numbers as fractions with the fewest decimals (at least two) that tell them
/// apart, so an explanation never says "0.31 beat 0.31". Numbers that agree in their first
/// twelve decimals are shown as whole integers.
pub fn fractions_apart(a: u64, b: u64) -> (String, String) {
    for decimals in 2..=12 {
        let left = format!("{:.*}", decimals, fraction(a));
        let right = format!("{:.*}", decimals, fraction(b));
        if left != right || a == b {
            return (left, right);
        }
    }
    (a.to_string(), b.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Seed {
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
            .parse()
            .unwrap()
    }

    /// The construction written out by hand: SHA-256 of the exact text, first 8 bytes.
    fn by_hand(text: &str) -> u64 {
        let digest = Sha256::digest(text.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first)
    }

    #[test]
    fn numbers_follow_the_documented_text() {
        let seed = seed();
        let text = format!("{seed}\nS-0001");
        assert_eq!(lottery_number(&seed, "S-0001"), by_hand(&text));
        let text = format!("{seed}\nP7\nS-0001");
        assert_eq!(
            program_lottery_number(&seed, "P7", "S-0001"),
            by_hand(&text)
        );
        assert_ne!(
            lottery_number(&seed, "S-0001"),
            lottery_number(&seed, "S-0002")
        );
    }

    #[test]
    fn the_one_block_shortcut_agrees_with_the_plain_hash() {
        let seed = seed();
        let hasher = LotteryHasher::new(&seed);
        // Every length around the one-block limit, with multi-byte characters too.
        for len in 0..=ONE_BLOCK_ID + 3 {
            let ascii: String = (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            assert_eq!(
                hasher.student(&ascii),
                by_hand(&format!("{seed}\n{ascii}")),
                "length {len}"
            );
        }
        for id in ["é", "ñandú-7", &"ü".repeat(27), &"ü".repeat(28)] {
            assert_eq!(
                hasher.student(id),
                by_hand(&format!("{seed}\n{id}")),
                "{id}"
            );
        }
    }

    #[test]
    fn a_known_vector() {
        // SHA-256("abc") starts ba7816bf8f01cfea: the classic FIPS 180-2 vector, so a reader
        // can check the byte order of `by_hand` against any SHA-256 tool.
        assert_eq!(by_hand("abc"), 0xba78_16bf_8f01_cfea);
    }

    #[test]
    fn seeds_parse_print_and_refuse_bad_text() {
        let seed = seed();
        assert_eq!(seed.to_string().parse::<Seed>().unwrap(), seed);
        assert_eq!(
            "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
                .parse::<Seed>()
                .unwrap(),
            seed
        );
        assert!("abc".parse::<Seed>().is_err());
        assert!("zz".repeat(32).parse::<Seed>().is_err());
    }

    #[test]
    fn a_derived_seed_depends_on_both_the_digest_and_the_public_value() {
        let a = Seed::derive("ab".repeat(32).as_str(), "draw 1");
        assert_eq!(
            a.to_string(),
            hex::encode(Sha256::digest(
                format!("{}\ndraw 1", "ab".repeat(32)).as_bytes()
            ))
        );
        assert_ne!(a, Seed::derive("ab".repeat(32).as_str(), "draw 2"));
        assert_ne!(a, Seed::derive("cd".repeat(32).as_str(), "draw 1"));
        assert_eq!(a, Seed::derive(&"AB".repeat(32), " draw 1 "));
        assert_ne!(seed().redraw(0), seed().redraw(1));
    }

    #[test]
    fn fractions_show_enough_decimals_to_differ() {
        let third = u64::MAX / 3;
        assert_eq!(
            fractions_apart(third, u64::MAX / 2),
            ("0.33".into(), "0.50".into())
        );
        let (a, b) = fractions_apart(third, third + (1 << 40));
        assert_ne!(a, b);
        assert!(a.starts_with("0.3333"), "{a}");
        assert_eq!(fractions_apart(5, 5), ("0.00".into(), "0.00".into()));
        assert_eq!(fractions_apart(5, 6), ("5".into(), "6".into()));
    }
}
