"""Runs the PyPI package `matching` (HospitalResident, resident-optimal) on a market exported
by `cargo bench -p sgs-match --bench market -- --export DIR N` and checks that it gives the
same offer to every student as sgs-match (`DIR/sgs/assignments.csv`).

The market is read from the choice format in DIR (programs.csv, students.csv,
preferences.csv, policy.json with the seed). Each program's order over its applicants is
rebuilt here from the priority groups and the lottery numbers, recomputed from the seed with
the documented SHA-256 construction (docs/choice-format.md), so the comparison also checks the
lottery: lower priority group first, then lower lottery number, then student id.

Usage: python compare_matching.py DIR      (see run.sh for the throwaway environment)
"""

import csv
import hashlib
import json
import sys
import threading
import time
from collections import defaultdict


def lottery_number(seed_hex, student_id):
    text = f"{seed_hex.lower()}\n{student_id}".encode("utf-8")
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def main(directory):
    with open(f"{directory}/policy.json") as f:
        seed = json.load(f)["seed"]
    with open(f"{directory}/programs.csv", newline="") as f:
        capacities = {r["program_id"]: int(r["capacity"]) for r in csv.DictReader(f)}
    with open(f"{directory}/students.csv", newline="") as f:
        students = [r["student_id"] for r in csv.DictReader(f)]
    lists = defaultdict(list)
    applicants = defaultdict(list)
    with open(f"{directory}/preferences.csv", newline="") as f:
        for r in csv.DictReader(f):
            lists[r["student_id"]].append((int(r["rank"]), r["program_id"]))
            applicants[r["program_id"]].append((int(r["priority"]), r["student_id"]))
    number = {s: lottery_number(seed, s) for s in students}
    resident_prefs = {s: [p for _, p in sorted(lists[s])] for s in students if lists[s]}
    hospital_prefs = {
        p: [s for *_, s in sorted((g, number[s], s.encode(), s) for g, s in apps)]
        for p, apps in applicants.items()
    }
    caps = {p: capacities[p] for p in hospital_prefs}

    result = {}

    def run():
        start = time.perf_counter()
        game = HospitalResident.create_from_dictionaries(
            resident_prefs, hospital_prefs, caps, clean=True
        )
        created = time.perf_counter()
        solution = game.solve(optimal="resident")
        solved = time.perf_counter()
        assert game.check_validity() and game.check_stability()
        result["offers"] = {
            r.name: h.name for h, residents in solution.items() for r in residents
        }
        result["times"] = (created - start, solved - created)

    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 1024 * 1024)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()

    ours = {}
    with open(f"{directory}/sgs/assignments.csv", newline="") as f:
        for r in csv.DictReader(f):
            ours[r["student_id"]] = r["program_id"] or None
    theirs = result["offers"]
    differ = [s for s in students if ours.get(s) != theirs.get(s)]
    create, solve = result["times"]
    print(
        f"matching 1.4.3: {len(students)} students, {len(caps)} programs; "
        f"create {create:.1f} s, solve {solve:.1f} s; "
        f"{sum(1 for s in students if theirs.get(s))} assigned; "
        f"{len(students) - len(differ)} of {len(students)} offers identical to sgs-match"
    )
    if differ:
        print("first differences:", [(s, ours.get(s), theirs.get(s)) for s in differ[:10]])
        sys.exit(1)


if __name__ == "__main__":
    from matching.games import HospitalResident  # noqa: E402

    main(sys.argv[1])
