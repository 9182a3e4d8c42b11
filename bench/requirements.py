"""The requirement engine on a long CE record, against summing the same entries' hours in Python.

    .venv/bin/python bench/requirements.py [--entries 500] [--repeat 100]

The rules are the demo's Florida, New York and NCBTMB rules (lms/demo/renewal_rules.py), built as the
engine's plain values, so no database is read. The record is `--entries` entries over six years: courses
approved by one to three of those boards (one entry per approval, one completion), credits reported from
elsewhere (verified, awaiting review, rejected), live, home-study and webinar, in the rules' categories
and others, and a few withdrawn or superseded. The baseline is the least any tally does: adding up the
hours completed inside the cycle. Both are timed per call, median of `--repeat`, with a 5-entry record
beside them.
"""

import argparse
import datetime
import random
import statistics
import time
from decimal import Decimal

import django_setup  # noqa: F401 (sets Django up before the imports below)

from credits import requirements as engine
from lms.demo.renewal_rules import RULES

BOARDS = {"FL": "Florida Board of Massage Therapy", "NY": "New York State Board", "NCBTMB": "NCBTMB"}
LICENCES = {
    "FL": engine.Licence("FL", datetime.date(2027, 8, 31)),
    "NY": engine.Licence("NY", datetime.date(2028, 5, 31)),
    "NCBTMB": engine.Licence("NCBTMB", datetime.date(2028, 3, 31)),
}
CATEGORIES = [
    "medical-errors",
    "human-trafficking",
    "laws-and-rules",
    "ethics",
    "hands-on",
    "pathology",
    "massage-technique",
    "self-care",
    "anatomy-physiology",
]


def rule(code: str) -> engine.Rule:
    spec = RULES[code]

    def hours(name):
        return Decimal(spec[name]) if spec.get(name) is not None else None

    return engine.Rule(
        board=code,
        board_name=BOARDS[code],
        cycle_months=spec["cycle_months"],
        total_hours=hours("total_hours"),
        lines=tuple(
            engine.Line(
                label=label,
                categories=frozenset(slugs),
                min_hours=Decimal(minimum),
                max_hours=Decimal(maximum) if maximum is not None else None,
                each_renewal=each_renewal,
                cycles=cycles,
            )
            for label, slugs, minimum, maximum, each_renewal, cycles in spec["lines"]
        ),
        first_cycle_hours_per_month=hours("first_cycle_hours_per_month"),
        min_live_hours=hours("min_live_hours") or engine.ZERO,
        webinar_counts_as_live=spec.get("webinar_counts_as_live", False),
        max_home_study_hours=hours("max_home_study_hours"),
        accepted_boards=frozenset(spec.get("accepted_boards", [])),
        accepts_self_reported=spec.get("accepts_self_reported", True),
    )


def record(size: int, *, seed: int = 11) -> list[engine.Entry]:
    pick = random.Random(seed)
    start = datetime.date(2022, 6, 1)
    entries = []
    completion = 0
    while len(entries) < size:
        completion += 1
        on = start + datetime.timedelta(days=pick.randrange(6 * 365))
        hours = Decimal(pick.choice(["1", "1.5", "2", "3", "4", "0.5"]))
        delivery = pick.choice([engine.HOME_STUDY, engine.HOME_STUDY, engine.LIVE, engine.WEBINAR])
        categories = frozenset(pick.sample(CATEGORIES, pick.choice([1, 1, 2])))
        if pick.random() < 0.2:
            status = pick.choice([engine.VERIFIED, engine.VERIFIED, engine.SELF_REPORTED, engine.REJECTED])
            approvals = [(pick.choice([None, "FL", "NY"]), engine.REPORTED, status)]
        else:
            boards = pick.sample(list(BOARDS), pick.choice([1, 2, 3]))
            approvals = [(board, engine.EARNED, engine.VERIFIED) for board in boards]
        withdrawn = "Certificate revoked: issued in error." if pick.random() < 0.03 else ""
        superseded = pick.random() < 0.02
        for board, source, status in approvals[: size - len(entries)]:
            entries.append(
                engine.Entry(
                    key=str(len(entries)),
                    completion=f"completion:{completion}",
                    board=board,
                    hours=hours,
                    completed_on=on,
                    delivery=delivery,
                    categories=categories,
                    source=source,
                    review_status=status,
                    superseded=superseded,
                    withdrawn_reason=withdrawn,
                    review_note="Not a board-approved course." if status == engine.REJECTED else "",
                )
            )
    return entries


def summed(rule_: engine.Rule, licence: engine.Licence, entries: list[engine.Entry]) -> Decimal:
    window = engine.cycle_window(rule_, licence)
    return sum((e.hours for e in entries if window.starts_on <= e.completed_on <= window.ends_on), engine.ZERO)


def with_earlier_cycle(rule_: engine.Rule, licence: engine.Licence, entries: list[engine.Entry]) -> engine.Progress:
    """What a page asks: the current cycle, after the one before it (whose completions cannot count again)."""
    window = engine.cycle_window(rule_, licence)
    earlier = engine.progress(rule_, licence, entries, ends_on=window.starts_on - datetime.timedelta(days=1))
    return engine.progress(rule_, licence, entries, counted_earlier=earlier.counted_completions)


def timed(function, repeat: int) -> float:
    function()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1e6


def measure(entries: list[engine.Entry], rules: dict[str, engine.Rule], repeat: int) -> dict[str, float]:
    figures = {}
    for code, rule_ in rules.items():
        licence = LICENCES[code]
        figures[f"{code}: sum of hours (baseline)"] = timed(lambda r=rule_, lc=licence: summed(r, lc, entries), repeat)
        figures[f"{code}: progress()"] = timed(lambda r=rule_, lc=licence: engine.progress(r, lc, entries), repeat)
    figures["3 rules: sum of hours (baseline)"] = timed(
        lambda: [summed(r, LICENCES[c], entries) for c, r in rules.items()], repeat
    )
    figures["3 rules: progress()"] = timed(
        lambda: [engine.progress(r, LICENCES[c], entries) for c, r in rules.items()], repeat
    )
    figures["3 rules: with earlier cycle"] = timed(
        lambda: [with_earlier_cycle(r, LICENCES[c], entries) for c, r in rules.items()], repeat
    )
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=int, default=5)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()

    rules = {code: rule(code) for code in LICENCES}
    small, large = record(args.baseline), record(args.entries)
    for code, rule_ in rules.items():
        outcome = engine.progress(rule_, LICENCES[code], large)
        counted = sum(p.counted for p in outcome.placements)
        in_window = engine.hours_text(summed(rule_, LICENCES[code], large))
        print(
            f"{code}: {counted} of {len(large)} entries count, {engine.hours_text(outcome.counted_hours)} hours "
            f"(rule: {engine.hours_text(outcome.required_hours)}); the baseline's sum in the window: {in_window}"
        )
    small_figures, large_figures = measure(small, rules, args.repeat), measure(large, rules, args.repeat)

    print(f"\nper call, median of {args.repeat}")
    print(f"{'computation':<34} {args.baseline:>5} entries {args.entries:>5} entries   vs baseline")
    for name, large_us in large_figures.items():
        code = name.split(":")[0]
        baseline = large_figures[f"{code}: sum of hours (baseline)"]
        ratio = "" if name.endswith("(baseline)") else f"{large_us / baseline:>8.0f}x"
        print(f"{name:<34} {small_figures[name]:>8.1f} µs {large_figures[name]:>9.1f} µs   {ratio}")


if __name__ == "__main__":
    main()
