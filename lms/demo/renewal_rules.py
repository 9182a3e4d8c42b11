"""Boards' renewal rules as the research found them (../shared/research/ce-landscape.md, section 3.D).

Example data: each is marked so in the admin and on the practitioner's pages until a reviewer has checked
it against the board's current rule text. FSMTB's CE Registry is a registry of courses, not a renewal
rule, so it has none.
"""

import datetime
from decimal import Decimal

from credits.models import CycleScope, RenewalRule, RequirementLine

CHECKED_ON = datetime.date(2026, 12, 2)
IN_FORCE_FROM = datetime.date(2020, 1, 1)

MASSAGE_SUBJECTS = [
    "anatomy-physiology",
    "kinesiology",
    "pathology",
    "massage-technique",
    "contraindications",
    "hands-on",
]

RULES = {
    "FL": {
        "cycle_months": 24,
        "total_hours": "24",
        "first_cycle_hours_per_month": "1",
        "min_live_hours": "12",
        "accepted_boards": ["NCBTMB"],
        "source_title": "Fla. Admin. Code R. 64B7-28.009 and F.S. 480.0415",
        "source_url": "https://regulations.justia.com/states/florida/64/64b7/chapter-64b7-28/section-64b7-28-009",
        "notes": "Twelve of the hours must be live, in-person, hands-on classroom hours with learner objectives. "
        "In the first renewal after licensure: one hour per month licensed, including 2 hours of prevention of "
        "medical errors and 1 hour of human trafficking. Florida checks compliance in CE Broker.",
        "lines": [
            ("prevention of medical errors", ["medical-errors"], "2", None, False, CycleScope.EVERY),
            ("human trafficking", ["human-trafficking"], "1", None, False, CycleScope.EVERY),
            ("laws and rules", ["laws-and-rules"], "2", None, False, CycleScope.LATER),
            ("professional ethics", ["ethics"], "2", None, False, CycleScope.LATER),
        ],
    },
    "TX": {
        "cycle_months": 24,
        "total_hours": "12",
        "source_title": "16 Tex. Admin. Code §§117.30 to 117.33",
        "source_url": "https://www.tdlr.texas.gov/mas/masce.htm",
        "notes": "HHSC-approved human-trafficking training is required before each renewal. TDLR audits at random.",
        "lines": [
            ("human trafficking", ["human-trafficking"], "0", "3", True, CycleScope.EVERY),
            ("CPR and first aid", ["cpr-first-aid"], "0", "6", False, CycleScope.EVERY),
        ],
    },
    "NY": {
        "cycle_months": 36,
        "total_hours": "36",
        "first_cycle_hours_per_month": "0",
        "max_home_study_hours": "12",
        "source_title": "N.Y. Education Law §7807 and NYSED's continuing-education answers",
        "source_url": "https://www.op.nysed.gov/professions/massage-therapy/continuing-education-questions-answers-licensed",
        "notes": "Exempt in the first registration period. At most 12 hours may be self-instructional "
        "(home study). Courses must come from NYSED-approved sponsors. Exemptions for health, military service "
        "and inactive status are granted by NYSED, not computed here.",
        "lines": [],
    },
    "MD": {
        "cycle_months": 24,
        "total_hours": "24",
        "source_title": "COMAR 10.65.05.01 (quoted by a secondary source)",
        "source_url": "https://www.massageschoolnotes.com/massage-ce-requirements-by-state-m/",
        "notes": "Current CPR certification is also required at renewal; it is not counted in CE hours here.",
        "lines": [
            ("ethics or jurisprudence", ["ethics", "laws-and-rules"], "3", None, False, CycleScope.EVERY),
            ("communicable diseases, including HIV", ["communicable-diseases"], "3", None, False, CycleScope.EVERY),
            ("massage-related subjects", MASSAGE_SUBJECTS, "17", None, False, CycleScope.EVERY),
            ("diversity and cultural competency", ["cultural-competency"], "1", None, False, CycleScope.EVERY),
        ],
    },
    "OR": {
        "cycle_months": 24,
        "total_hours": "25",
        "min_live_hours": "15",
        "webinar_counts_as_live": True,
        "source_title": "Or. Admin. R. 334-010-0050 (quoted by a secondary source)",
        "source_url": "https://www.massageschoolnotes.com/ce-requirements/",
        "notes": "At least 15 contact hours, including at least 4 hours of ethics, boundaries or communication; "
        "the other 10 may be non-contact. Oregon asks for a signed CE form with the renewal.",
        "lines": [
            ("ethics, boundaries and communication", ["ethics"], "4", None, False, CycleScope.EVERY),
        ],
    },
    "NCBTMB": {
        "cycle_months": 24,
        "total_hours": "24",
        "accepts_self_reported": False,
        "source_title": "NCBTMB: requirements to renew Board Certification",
        "source_url": "https://www.ncbtmb.org/faq/what-are-the-requirements-to-renew-my-board-certification/",
        "notes": "Only NCBTMB Approved Provider courses count; no carry-over from one cycle to the next.",
        "lines": [
            ("ethics", ["ethics"], "3", None, False, CycleScope.EVERY),
            ("self-care", ["self-care"], "0", "4", False, CycleScope.EVERY),
        ],
    },
}

# The categories these rules name, beyond the demo's course categories.
RULE_CATEGORIES = [
    ("communicable-diseases", "Communicable diseases, including HIV"),
    ("cultural-competency", "Diversity and cultural competency"),
    ("cpr-first-aid", "CPR and first aid"),
    ("self-care", "Self-care"),
]


def renewal_rules_seed(*, boards: dict, categories: dict) -> list[RenewalRule]:
    """Gives each board its rule unless it has one already (a reviewer's edits are kept)."""
    created = []
    for code, spec in RULES.items():
        board = boards[code]
        if board.renewal_rules.exists():
            continue
        lines = spec["lines"]
        fields = {
            name: Decimal(value) if name.endswith("hours") or name.endswith("per_month") else value
            for name, value in spec.items()
            if name not in {"lines", "accepted_boards"}
        }
        rule = RenewalRule.objects.create(
            board=board, effective_from=IN_FORCE_FROM, source_checked_on=CHECKED_ON, is_example=True, **fields
        )
        rule.accepted_boards.set([boards[accepted] for accepted in spec.get("accepted_boards", [])])
        rule.save()  # a ParentalManyToManyField is written on save
        for position, (label, slugs, minimum, maximum, each_renewal, cycles) in enumerate(lines):
            line = RequirementLine.objects.create(
                rule=rule,
                sort_order=position,
                label=label,
                min_hours=Decimal(minimum),
                max_hours=Decimal(maximum) if maximum is not None else None,
                each_renewal=each_renewal,
                cycles=cycles,
            )
            line.categories.set([categories[slug] for slug in slugs])
            line.save()
        created.append(rule)
    return created
