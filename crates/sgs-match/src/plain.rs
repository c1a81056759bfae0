//! A reader for the common, plain `preferences.csv`: no quoted cell and exactly the columns
//! `student_id`, `rank`, `program_id` and `priority` (in any order), every row with four cells,
//! known ids and plain digits. Such a file is read without the general CSV machinery: lines
//! and cells are split in one pass, a program id is found in a small open-addressing table of
//! its bytes, and a student id is first compared with the student listed next in
//! `students.csv`, since exports usually list preferences in the same order.
//!
//! The plain reader accepts only rows the general reader would read to the same values. At the
//! first row it does not accept it gives up (`None`), and the general reader reads the whole
//! file, so every refusal keeps its file, line, field and reason, and the two readers cannot
//! disagree on what they accept.

use crate::market::{MarketBuilder, MAX_PRIORITY};

/// One row of `preferences.csv`, resolved to builder indexes.
pub(crate) struct Row {
    pub student: u32,
    pub rank: u32,
    pub program: u32,
    pub priority: u32,
    pub score: Option<f64>,
    pub line: u64,
}

/// Program ids by their bytes: open addressing with linear probing in a table at most half
/// full.
pub(crate) struct IdTable<'a> {
    mask: usize,
    /// Builder index + 1, 0 for an empty slot.
    slots: Vec<u32>,
    ids: Vec<&'a [u8]>,
}

/// A fast hash of a short id: 8-byte words folded with a multiply, then mixed.
#[inline]
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        h = (h ^ word).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    h ^= h >> 32;
    h = h.wrapping_mul(0xd6e8_feb8_6659_fd93);
    h ^ (h >> 32)
}

impl<'a> IdTable<'a> {
    /// A table of `ids`, each found by its position.
    pub fn new(ids: impl ExactSizeIterator<Item = &'a str>) -> Self {
        let size = (ids.len() * 2).next_power_of_two().max(16);
        let mut table = IdTable {
            mask: size - 1,
            slots: vec![0; size],
            ids: Vec::with_capacity(ids.len()),
        };
        for (i, id) in ids.enumerate() {
            let id = id.as_bytes();
            let mut at = hash(id) as usize & table.mask;
            while table.slots[at] != 0 {
                at = (at + 1) & table.mask;
            }
            table.slots[at] = i as u32 + 1;
            table.ids.push(id);
        }
        table
    }

    /// The position of `id`, if it is in the table.
    #[inline]
    pub fn get(&self, id: &[u8]) -> Option<u32> {
        let mut at = hash(id) as usize & self.mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return None;
            }
            if same(self.ids[slot as usize - 1], id) {
                return Some(slot - 1);
            }
            at = (at + 1) & self.mask;
        }
    }
}

/// Whether two short ids are equal, compared in words rather than through `memcmp`, whose
/// call costs more than the comparison for ids of a few bytes.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8"));
    if n >= 8 {
        let mut at = 0;
        while at + 8 <= n {
            if word(a, at) != word(b, at) {
                return false;
            }
            at += 8;
        }
        // The last word overlaps the one before when the length is not a multiple of 8.
        return at == n || word(a, n - 8) == word(b, n - 8);
    }
    if n >= 4 {
        let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().expect("4"));
        return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// A whole number of ASCII digits only (at most nine), or `None`.
#[inline]
pub(crate) fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 {
        return None;
    }
    let mut n = 0u32;
    for &b in bytes {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + d as u32;
    }
    Some(n)
}

/// Where the four columns are, from a plain header; `None` for any other header.
fn header_columns(header: &[u8]) -> Option<[usize; 4]> {
    let header = std::str::from_utf8(header).ok()?;
    let mut at = [usize::MAX; 4];
    let mut count = 0;
    for (i, name) in header.split(',').enumerate() {
        let name = name.trim().trim_start_matches('\u{feff}');
        let k = ["student_id", "rank", "program_id", "priority"]
            .iter()
            .position(|c| *c == name)?;
        if at[k] != usize::MAX {
            return None;
        }
        at[k] = i;
        count += 1;
    }
    (count == 4).then_some(at)
}

/// Reads the plain rows of `bytes[start..end]` (whole lines), numbering lines from
/// `first_line`. `None` at the first row the plain reader does not accept.
fn rows_in(
    bytes: &[u8],
    start: usize,
    end: usize,
    first_line: u64,
    columns: [usize; 4],
    builder: &MarketBuilder,
    programs: &IdTable<'_>,
) -> Option<Vec<Row>> {
    let text = &bytes[..end];
    let mut rows = Vec::with_capacity((end - start) / 16);
    let mut line = first_line;
    let mut pos = start;
    let students = builder.student_count() as u32;
    // The current student's id bytes and index.
    let mut current: Option<(&[u8], u32)> = None;
    let [si, ri, pi, qi] = columns;
    while pos < end {
        // One line, split at its three commas.
        let mut cuts = [0usize; 5];
        let mut commas = 0;
        let mut i = pos;
        cuts[0] = pos;
        while i < end {
            let b = text[i];
            if b == b'\n' {
                break;
            }
            // A line may end in CRLF; any other carriage return splits lines for the
            // general reader.
            if b == b'\r' && text.get(i + 1) != Some(&b'\n') {
                return None;
            }
            if b == b',' {
                commas += 1;
                if commas > 3 {
                    return None;
                }
                cuts[commas] = i + 1;
            }
            i += 1;
        }
        if commas != 3 {
            return None;
        }
        cuts[4] = i + 1;
        let cell = |k: usize| text[cuts[k]..cuts[k + 1] - 1].trim_ascii();
        let id = cell(si);
        let student = match current {
            Some((known, index)) if same(known, id) => index,
            _ => {
                // The student after the previous one in students.csv, or a lookup.
                let next = current.map_or(0, |(_, index)| index + 1);
                let index = if next < students && same(builder.student_id(next).as_bytes(), id) {
                    next
                } else {
                    builder.student_index(std::str::from_utf8(id).ok()?)?
                };
                current = Some((id, index));
                index
            }
        };
        let rank = digits(cell(ri)).filter(|&r| r > 0)?;
        let program = programs.get(cell(pi))?;
        let priority = digits(cell(qi)).filter(|&q| q <= MAX_PRIORITY)?;
        rows.push(Row {
            student,
            rank,
            program,
            priority,
            score: None,
            line,
        });
        line += 1;
        pos = i + 1;
    }
    Some(rows)
}

/// Reads a plain `preferences.csv` (see the module documentation), a large one in two halves
/// on two threads; `None` when the file is not plain, and the general reader takes over.
pub(crate) fn preference_rows(bytes: &[u8], builder: &MarketBuilder) -> Option<Vec<Vec<Row>>> {
    if bytes.contains(&b'"') {
        return None;
    }
    let header_end = bytes.iter().position(|&b| b == b'\n')?;
    let columns = header_columns(&bytes[..header_end])?;
    let programs = IdTable::new(builder.program_ids());
    let start = header_end + 1;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let split = (threads > 1 && bytes.len() - start >= 1 << 20)
        .then(|| {
            let middle = start + (bytes.len() - start) / 2;
            bytes[middle..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|i| middle + i + 1)
        })
        .flatten()
        .filter(|&at| at < bytes.len());
    let Some(at) = split else {
        return rows_in(bytes, start, bytes.len(), 2, columns, builder, &programs)
            .map(|rows| vec![rows]);
    };
    let (first, second) = std::thread::scope(|scope| {
        let later = scope.spawn(|| rows_in(bytes, at, bytes.len(), 0, columns, builder, &programs));
        let first = rows_in(bytes, start, at, 2, columns, builder, &programs);
        (first, later.join().expect("a reading thread panicked"))
    });
    let first = first?;
    let mut second = second?;
    // Every line of the first half holds one row.
    let offset = 2 + first.len() as u64;
    for row in &mut second {
        row.line += offset;
    }
    Some(vec![first, second])
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::format::{canonical_inputs, read_inputs, InputFile, InputFiles};

    /// Reads a market from programs, students and preferences text.
    fn read(programs: &str, students: &str, preferences: &str) -> Result<Vec<String>, String> {
        fn file<'a>(name: &'a str, text: &'a str) -> InputFile<'a> {
            InputFile {
                name,
                bytes: text.as_bytes(),
            }
        }
        let inputs = read_inputs(&InputFiles {
            programs: file("programs.csv", programs),
            students: file("students.csv", students),
            preferences: file("preferences.csv", preferences),
            reserves: None,
            eligibility: None,
            policy: None,
            changes: None,
        })
        .map_err(|e| e.to_string())?;
        Ok(
            canonical_inputs(&inputs.market, &inputs.policy, &inputs.changes)
                .into_iter()
                .map(|(_, text)| text)
                .collect(),
        )
    }

    /// The same rows as the general reader reads them: an empty `score` column makes the
    /// file not plain without changing its meaning.
    fn general(preferences: &str) -> String {
        let mut out = String::new();
        for (i, line) in preferences.split_inclusive('\n').enumerate() {
            let (body, end) = match line.strip_suffix('\n') {
                Some(body) => (body.strip_suffix('\r').unwrap_or(body), "\n"),
                None => (line, ""),
            };
            out.push_str(body);
            if !body.is_empty() {
                out.push_str(if i == 0 { ",score" } else { "," });
            }
            out.push_str(end);
        }
        out
    }

    #[test]
    fn plain_and_general_readers_agree_on_accepted_and_refused_files() {
        let programs = "program_id,capacity\nA,1\nB,2\nC,0\nlong-program-id-over-16,1\n";
        let students = "student_id\ns2\ns1\ns3\ns4\n";
        let cases = [
            // In students.csv order, out of order, ranks shuffled, CRLF, spaces, no final
            // newline, a BOM, columns in another order.
            "student_id,rank,program_id,priority\ns2,1,A,1\ns2,2,B,3\ns1,1,B,2\ns3,1,long-program-id-over-16,0\n",
            "student_id,rank,program_id,priority\ns3,1,C,1\ns1,2,A,2\ns1,1,B,2\ns4,1,A,9\ns2,1,A,1\n",
            "student_id,rank,program_id,priority\r\ns1,1,A,1\r\ns1,2,B,2\r\n",
            "student_id , rank,program_id,priority\n s1 ,1, A ,1\ns4,1,B,2",
            "\u{feff}priority,program_id,rank,student_id\n3,A,1,s1\n2,C,1,s2\n",
            // Refused: unknown program or student, a rank gap, a duplicate rank, a program
            // twice, rank 0, a priority too high, a missing cell, a blank line.
            "student_id,rank,program_id,priority\ns1,1,Z,1\n",
            "student_id,rank,program_id,priority\ns1,1,A,1\ns9,1,A,1\n",
            "student_id,rank,program_id,priority\ns1,1,A,1\ns1,3,B,1\n",
            "student_id,rank,program_id,priority\ns1,1,A,1\ns1,1,B,1\n",
            "student_id,rank,program_id,priority\ns1,1,A,1\ns1,2,A,1\n",
            "student_id,rank,program_id,priority\ns1,0,A,1\n",
            "student_id,rank,program_id,priority\ns1,1,A,536870912\n",
            "student_id,rank,program_id,priority\ns1,1,A\n",
            "student_id,rank,program_id,priority\ns1,1,A,1\n\ns2,1,A,1\n",
            "student_id,rank,program_id,priority\ns1,+1,A,1\n",
        ];
        for preferences in cases {
            let plain = read(programs, students, preferences);
            let general = read(programs, students, &general(preferences));
            match (&plain, &general) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{preferences:?}"),
                // The same line refused (a missing cell is counted against the extra
                // column's header, so the messages may differ in the count).
                (Err(a), Err(b)) => {
                    let at = |e: &str| e.split(": ").next().unwrap().to_string();
                    assert_eq!(at(a), at(b), "{preferences:?}: {a} / {b}");
                }
                _ => panic!("{preferences:?}: plain {plain:?}, general {general:?}"),
            }
        }
        // The general reader keeps its messages for refused plain files.
        assert_eq!(
            read(programs, students, cases[5]).unwrap_err(),
            "preferences.csv:2: field program_id: value \"Z\" is not valid: expected a program_id from programs.csv"
        );
    }

    #[test]
    fn a_large_plain_file_read_in_two_halves_keeps_its_line_numbers() {
        let mut programs = String::from("program_id,capacity\n");
        for p in 0..50 {
            programs.push_str(&format!("P{p},10\n"));
        }
        let mut students = String::from("student_id\n");
        let mut preferences = String::from("student_id,rank,program_id,priority\n");
        let n = 20_000;
        for s in 0..n {
            students.push_str(&format!("S{s:06}\n"));
            for r in 0..5 {
                let p = (s * 7 + r * 11) % 50;
                preferences.push_str(&format!("S{s:06},{},P{p},{}\n", r + 1, (s + r) % 3));
            }
        }
        assert!(preferences.len() > 1 << 20);
        let plain = read(&programs, &students, &preferences).unwrap();
        assert_eq!(
            plain,
            read(&programs, &students, &general(&preferences)).unwrap()
        );
        // A bad row late in the file is refused on its own line.
        let bad = preferences.replace("S019999,5,", "S019999,6,");
        assert_eq!(
            read(&programs, &students, &bad).unwrap_err(),
            format!(
                "preferences.csv:{}: field rank: value \"6\" is not valid: expected ranks without gaps: student S019999 has no rank 5",
                1 + n * 5
            )
        );
    }

    #[test]
    fn the_id_table_finds_every_id_and_nothing_else() {
        let ids: Vec<String> = (0..1000).map(|i| format!("P{i:05}")).collect();
        let table = IdTable::new(ids.iter().map(String::as_str));
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(table.get(id.as_bytes()), Some(i as u32));
        }
        for other in [
            "",
            "P",
            "P010000",
            "p00001",
            "P00001 ",
            "a-much-longer-id-than-eight",
        ] {
            assert_eq!(table.get(other.as_bytes()), None, "{other}");
        }
    }

    #[test]
    fn short_ids_compare_as_bytes() {
        let ids = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
        ];
        for a in ids {
            for b in ids {
                assert_eq!(same(a.as_bytes(), b.as_bytes()), a == b, "{a} {b}");
            }
            let mut changed = a.as_bytes().to_vec();
            for i in 0..changed.len() {
                changed[i] ^= 1;
                assert!(!same(a.as_bytes(), &changed), "{a} at {i}");
                changed[i] ^= 1;
            }
        }
    }

    #[test]
    fn digits_are_plain_ascii_digits_only() {
        assert_eq!(digits(b"0"), Some(0));
        assert_eq!(digits(b"123456789"), Some(123_456_789));
        for bad in [&b""[..], b"+1", b"-1", b"1 2", b"1234567890", b"x"] {
            assert_eq!(digits(bad), None);
        }
    }

    #[test]
    fn only_the_four_columns_make_a_plain_header() {
        assert_eq!(
            header_columns(b"student_id,rank,program_id,priority"),
            Some([0, 1, 2, 3])
        );
        assert_eq!(
            header_columns("\u{feff}priority, program_id ,rank,student_id".as_bytes()),
            Some([3, 2, 1, 0])
        );
        assert_eq!(header_columns(b"student_id,rank,program_id"), None);
        assert_eq!(
            header_columns(b"student_id,rank,program_id,priority,score"),
            None
        );
        assert_eq!(
            header_columns(b"student_id,rank,program_id,priority,rank"),
            None
        );
    }
}
