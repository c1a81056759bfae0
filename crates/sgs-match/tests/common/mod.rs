//! Test helpers shared by the engine's integration tests: a compact text form for small
//! markets, the assignment as text, and a brute-force enumeration of stable matchings.

#![allow(dead_code)]

use std::collections::BTreeMap;

use sgs_match::market::{Reserve, Seats};
use sgs_match::{Choice, Market, MarketBuilder, OpenSeats, Policy, Program, Run, Seed, Student};

/// A fixed seed for tests that do not care which.
pub fn seed() -> Seed {
    Seed::from_bytes([7; 32])
}

/// Parses a small market. Lines (blank lines and `#` comments ignored):
///
/// * `programs: A=1 B=2` — programs and capacities;
/// * `i1: A B C` — a student's list, first choice first;
/// * `priority A: i2 i3 | i1` — priority groups at a program, best first; students separated
///   by spaces get successive groups, `|` is not needed for strict orders, and `=` joins
///   students into one group (`i2=i3 i1` puts i2 and i3 in group 0, i1 in group 1); students
///   not named get group 99; programs without a line give everyone group 0;
/// * `lottery: i2 i1 i3` — given lottery numbers 1, 2, 3 in this order;
/// * `reserve A: walk 1 order 1 [only]` — a reserve category;
/// * `eligible walk: W1 W2` — students eligible for a category at every program;
/// * `guarantee i1: B` — a guaranteed program;
/// * `family f1: i1 i2` — siblings;
/// * `late: i4` — late applicants;
/// * `grade A: K` / `grade i1: 1` — grades of programs or students.
pub fn market(text: &str, open_seats: OpenSeats) -> Market {
    let mut programs: Vec<(String, u32)> = Vec::new();
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    let mut priority: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    let mut lottery: BTreeMap<String, u64> = BTreeMap::new();
    let mut reserves: Vec<(String, Reserve)> = Vec::new();
    let mut eligible: Vec<(String, String)> = Vec::new();
    let mut guarantee: BTreeMap<String, String> = BTreeMap::new();
    let mut family: BTreeMap<String, String> = BTreeMap::new();
    let mut late: Vec<String> = Vec::new();
    let mut grade: BTreeMap<String, String> = BTreeMap::new();

    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (head, rest) = line.split_once(':').expect("a colon");
        let words: Vec<&str> = rest.split_whitespace().collect();
        let mut head_words = head.split_whitespace();
        let first = head_words.next().unwrap();
        let second = head_words.next();
        match (first, second) {
            ("programs", None) => {
                for w in words {
                    let (id, cap) = w.split_once('=').unwrap();
                    programs.push((id.into(), cap.parse().unwrap()));
                }
            }
            ("priority", Some(p)) => {
                let map = priority.entry(p.into()).or_default();
                for (g, w) in words.iter().filter(|w| **w != "|").enumerate() {
                    for s in w.split('=') {
                        map.insert(s.into(), g as u32);
                    }
                }
            }
            ("lottery", None) => {
                for (i, w) in words.iter().enumerate() {
                    lottery.insert((*w).into(), i as u64 + 1);
                }
            }
            ("reserve", Some(p)) => {
                reserves.push((
                    p.into(),
                    Reserve {
                        category: words[0].into(),
                        seats: if let Some(pct) = words[1].strip_suffix('%') {
                            Seats::Percent(pct.parse().unwrap())
                        } else {
                            Seats::Count(words[1].parse().unwrap())
                        },
                        order: words[3].parse().unwrap(),
                        eligible_only: words.get(4) == Some(&"only"),
                    },
                ));
            }
            ("eligible", Some(c)) => {
                for w in words {
                    eligible.push((w.into(), c.into()));
                }
            }
            ("guarantee", Some(s)) => {
                guarantee.insert(s.into(), words[0].into());
            }
            ("family", Some(f)) => {
                for w in words {
                    family.insert(w.into(), f.into());
                }
            }
            ("late", None) => late.extend(words.iter().map(|w| w.to_string())),
            ("grade", Some(x)) => {
                grade.insert(x.into(), words[0].into());
            }
            (s, None) => lists.push((s.into(), words.iter().map(|w| w.to_string()).collect())),
            _ => panic!("cannot read {line:?}"),
        }
    }

    let mut b = MarketBuilder::new();
    for (id, capacity) in &programs {
        b.program(Program {
            id: id.clone(),
            capacity: *capacity,
            school_id: None,
            grade: grade.get(id).cloned(),
            name: None,
        })
        .unwrap();
    }
    for (id, _) in &lists {
        b.student(Student {
            id: id.clone(),
            family: family.get(id).cloned(),
            lottery_number: lottery.get(id).copied(),
            grade: grade.get(id).cloned(),
            guaranteed_program: guarantee.get(id).map(|p| b.program_index(p).unwrap()),
            late: late.contains(id),
        })
        .unwrap();
    }
    for (id, list) in &lists {
        let s = b.student_index(id).unwrap();
        for p in list {
            let program = b
                .program_index(p)
                .unwrap_or_else(|| panic!("unknown program {p}"));
            let priority = match priority.get(p) {
                Some(map) => map.get(id).copied().unwrap_or(99),
                None => 0,
            };
            b.choice(
                s,
                Choice {
                    program,
                    priority,
                    score: None,
                },
            );
        }
    }
    for (p, reserve) in reserves {
        let program = b.program_index(&p).unwrap();
        b.reserve(program, reserve);
    }
    for (s, c) in eligible {
        let s = b.student_index(&s).unwrap();
        b.eligible(s, &c, None);
    }
    b.finish(open_seats).unwrap()
}

/// The assignment as `i1-A i2-B i3-` in student id order.
pub fn assignment(run: &Run<'_>) -> String {
    let market = run.market;
    (0..market.student_count() as u32)
        .filter(|&s| run.takes_part(s))
        .map(|s| {
            let program = run
                .offer(s)
                .map(|o| market.programs[o.program as usize].id.as_str())
                .unwrap_or("");
            format!("{}-{program}", market.students[s as usize].id)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs a policy on a market with the test seed.
pub fn run<'m>(market: &'m Market, policy: &Policy) -> Run<'m> {
    sgs_match::run(market, policy, seed()).unwrap()
}

/// Every stable matching of a market with one seat block per program, as the program index
/// per student (`None` unassigned), judged with the keys of `run`.
pub fn stable_matchings(run: &Run<'_>) -> Vec<Vec<Option<u32>>> {
    let market = run.market;
    let n = market.student_count();
    let mut out = Vec::new();
    let mut current: Vec<Option<u32>> = vec![None; n];
    let mut load = vec![0u32; market.programs.len()];
    enumerate(run, 0, &mut current, &mut load, &mut out);
    out
}

fn enumerate(
    run: &Run<'_>,
    s: usize,
    current: &mut Vec<Option<u32>>,
    load: &mut Vec<u32>,
    out: &mut Vec<Vec<Option<u32>>>,
) {
    let market = run.market;
    if s == market.student_count() {
        if is_stable(run, current) {
            out.push(current.clone());
        }
        return;
    }
    current[s] = None;
    enumerate(run, s + 1, current, load, out);
    for &p in market.list(s as u32) {
        if load[p as usize] < market.programs[p as usize].capacity {
            load[p as usize] += 1;
            current[s] = Some(p);
            enumerate(run, s + 1, current, load, out);
            load[p as usize] -= 1;
            current[s] = None;
        }
    }
}

/// The key of student `s` at program `p` (which she ranks).
pub fn key_at(run: &Run<'_>, s: u32, p: u32) -> sgs_match::Key {
    let market = run.market;
    let r = market.rank_of(s, p).unwrap();
    run.key(s, r, market.program_buckets(p).start)
}

/// Whether an assignment is stable: no student prefers a program with a free seat or one
/// that holds a student she outranks.
pub fn is_stable(run: &Run<'_>, assignment: &[Option<u32>]) -> bool {
    let market = run.market;
    let mut load = vec![0u32; market.programs.len()];
    for p in assignment.iter().flatten() {
        load[*p as usize] += 1;
    }
    for s in 0..market.student_count() as u32 {
        let mine = assignment[s as usize].and_then(|p| market.rank_of(s, p));
        let above = mine.unwrap_or(market.list_len(s));
        for r in 0..above {
            let p = market.list(s)[r as usize];
            if load[p as usize] < market.programs[p as usize].capacity {
                return false;
            }
            let k = key_at(run, s, p);
            let envy = (0..market.student_count() as u32)
                .any(|t| assignment[t as usize] == Some(p) && key_at(run, t, p) > k);
            if envy {
                return false;
            }
        }
    }
    true
}

/// The rank index of a student's program in an assignment (`list_len` when unassigned).
pub fn rank_in(market: &Market, s: u32, assignment: &[Option<u32>]) -> u32 {
    assignment[s as usize]
        .and_then(|p| market.rank_of(s, p))
        .unwrap_or(market.list_len(s))
}

/// The run's assignment as program indexes.
pub fn as_vec(run: &Run<'_>) -> Vec<Option<u32>> {
    (0..run.market.student_count() as u32)
        .map(|s| run.offer(s).map(|o| o.program))
        .collect()
}
