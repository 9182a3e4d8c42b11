"""Reference data of the demo site. Approval numbers and instructors are fictional demo data."""

TOPICS = [
    (
        "anatomy-physiology",
        "Anatomy and physiology",
        "Structure and function of the body as massage therapists meet it.",
    ),
    ("kinesiology", "Kinesiology", "How muscles, joints and nerves produce and control movement."),
    ("pathology", "Pathology", "Conditions clients live with, and how massage adapts to them."),
    ("techniques", "Medical-massage techniques", "Evidence-aware hands-on methods for clinical settings."),
    ("ethics", "Ethics", "Boundaries, consent, scope of practice and professional conduct."),
    ("laws-rules", "Laws and rules", "State practice acts, board rules and record keeping."),
]

CREDIT_CATEGORIES = [
    ("anatomy-physiology", "Anatomy and physiology"),
    ("kinesiology", "Kinesiology"),
    ("pathology", "Pathology"),
    ("massage-technique", "Massage technique"),
    ("contraindications", "Contraindications"),
    ("ethics", "Ethics"),
    ("laws-and-rules", "Laws and rules"),
    ("medical-errors", "Prevention of medical errors"),
    ("human-trafficking", "Human trafficking"),
    ("hands-on", "Hands-on"),
    ("professional-development", "Professional development"),
]

BOARDS = [
    ("NCBTMB", "National Certification Board for Therapeutic Massage & Bodywork", "", "https://www.ncbtmb.org/"),
    ("FSMTB", "FSMTB CE Registry", "", "https://www.fsmtb.org/"),
    ("FL", "Florida Board of Massage Therapy", "Florida", "https://floridasmassagetherapy.gov/"),
    ("TX", "Texas Department of Licensing and Regulation, Massage Therapy", "Texas", "https://www.tdlr.texas.gov/"),
    ("NY", "New York State Board for Massage Therapy", "New York", "https://www.op.nysed.gov/"),
    ("MD", "Maryland State Board of Massage Therapy Examiners", "Maryland", "https://health.maryland.gov/massage/"),
    ("OR", "Oregon Board of Massage Therapists", "Oregon", "https://www.oregon.gov/obmt/"),
]

# The form of each board's licence numbers: (pattern, example). Demo data in plausible shapes;
# check a board's current numbering before relying on it. FSMTB's CE Registry issues no licences.
BOARD_LICENCE_NUMBERS = {
    "NCBTMB": (r"\d{5,8}", "1234567"),
    "FL": (r"MA\d{4,6}", "MA12345"),
    "TX": (r"MT\d{4,6}", "MT123456"),
    "NY": (r"\d{6}", "012345"),
    "MD": (r"M\d{5}", "M01234"),
    "OR": (r"\d{5,6}", "23456"),
}

INSTRUCTORS = [
    (
        "daniel-reyes",
        "Daniel Reyes",
        "LMT, BCTMB, ATC",
        "<p>Daniel has treated endurance athletes and chronic-pain clients for fifteen years, first as an "
        "athletic trainer and then as a massage therapist in an outpatient orthopedic clinic. "
        "<i>Demo instructor.</i></p>",
    ),
    (
        "elena-marsh",
        "Elena Marsh",
        "LMT, CLT, BCTMB",
        "<p>Elena is a certified lymphedema therapist who works alongside breast-surgery and oncology teams. "
        "<i>Demo instructor.</i></p>",
    ),
    (
        "priya-raman",
        "Priya Raman",
        "PhD, LMT",
        "<p>Priya taught human anatomy in a university dissection lab before training as a massage therapist; "
        "she teaches palpation and functional anatomy. <i>Demo instructor.</i></p>",
    ),
    (
        "thomas-whitaker",
        "Thomas Whitaker",
        "LMT, BCTMB, MA",
        "<p>Thomas holds a master's degree in applied ethics and has served on a state massage board's "
        "disciplinary committee. <i>Demo instructor.</i></p>",
    ),
]

# Who can sign in to the demo, and as what. The README lists the same accounts.
USERS = [
    {
        "email": "admin@example.com",
        "password": "demo-admin-2026",
        "legal_name": "Avery Admin",
        "first_name": "Avery",
        "last_name": "Admin",
        "role": "administrator",
        "is_superuser": True,
        "groups": [],
    },
    {
        "email": "reviewer@example.com",
        "password": "demo-reviewer-2026",
        "legal_name": "Rosa Reviewer",
        "first_name": "Rosa",
        "last_name": "Reviewer",
        "role": "reviewer",
        "groups": ["Reviewers"],
    },
    {
        "email": "instructor@example.com",
        "password": "demo-instructor-2026",
        "legal_name": "Priya Raman",
        "first_name": "Priya",
        "last_name": "Raman",
        "role": "instructor",
        "groups": ["Instructors"],
    },
    {
        "email": "practitioner@example.com",
        "password": "demo-practitioner-2026",
        "legal_name": "Nguyễn Thị Minh",
        "first_name": "Minh",
        "last_name": "Nguyễn",
        "role": "practitioner",
        "groups": [],
        "licences": [
            {"board": "FL", "number": "MA98765", "jurisdiction": "Florida", "expires_on": "2027-08-31"},
            {"board": "NCBTMB", "number": "4401287", "jurisdiction": "United States", "expires_on": "2028-03-31"},
        ],
    },
    {
        "email": "regulator@example.com",
        "password": "demo-regulator-2026",
        "legal_name": "Reggie Regulator",
        "first_name": "Reggie",
        "last_name": "Regulator",
        "role": "regulator",
        "groups": ["Regulators"],
    },
]

PROVIDER_EMAIL = "ce@example.com"
PROVIDER = {
    "name": "Medical Massage CE",
    "email": PROVIDER_EMAIL,
    "postal_address": "Demo provider\n100 Example Street\nTallahassee, FL 32301",
    "signatory_name": "Dana Whitfield, LMT",
    "signatory_title": "Provider administrator",
    # The written policies NCBTMB asks an approved provider for, which a buyer reads before paying.
    "registration_policy": (
        "Courses are open to licensed massage therapists and bodyworkers, and to students in a massage "
        "therapy program. Registering for a course gives you its lessons, quizzes and final assessment "
        "online, with no time limit, and its certificate once you complete it.\n\n"
        "A registration is for one person: do not share your account. Record your legal name as your "
        "license shows it, since the certificate prints it."
    ),
    "cancellation_policy": (
        f"To cancel a registration, email {PROVIDER_EMAIL} with your order number (it is on your receipt, "
        "under Orders on your profile). We answer within two business days.\n\n"
        "If we withdraw a course before you complete it, we cancel your registration and refund you in full."
    ),
    "refund_policy": (
        "A full refund within 14 days of purchase, if no lesson of the course has been completed. After "
        "14 days, or once a lesson is completed, the course is not refundable, except when we withdraw it.\n\n"
        "Refunds go back to the card or account you paid with, through Stripe, and usually arrive within "
        "5 to 10 business days. A refund ends your access to the course; your progress is kept if you buy "
        "it again."
    ),
    "certificate_fee": "None: the certificate of completion is included in the course price, and you can "
    "download it again at any time.",
}

# The provider's own numbers with each board, printed on certificates (demo values).
BOARD_PROVIDER_NUMBERS = {"NCBTMB": "DEMO-AP-1001", "FL": "DEMO-MCE-2201", "TX": "DEMO-CE-3301", "NY": "DEMO-0441"}

# Courses the demo practitioner has completed, each with its certificate; one certificate revoked.
DEMO_CERTIFICATES = [
    ("ethics-scope-of-practice-interprofessional", ""),
    (
        "fibromyalgia-and-massage",
        "Issued in error during a records correction; the course will be certified again once rechecked.",
    ),
]

HOME = {
    "title": "Home",
    "hero_heading": "Continuing education for medical massage",
    "hero_text": "<p>Board-approved home-study courses in anatomy, pathology and clinical technique, written by "
    "practicing therapists. Study at your own pace, pass the test, and download a certificate your board can "
    "verify.</p>",
}

CATALOGUE = {
    "title": "Courses",
    "slug": "courses",
    "intro": "<p>Every course lists its CE hours, the boards that approved it and what you will be able to do "
    "afterwards.</p>",
}

# What the demo practitioner has already done, so that the dashboard and a lesson's questions show.
DEMO_STUDY = {
    "practitioner": "practitioner@example.com",
    "instructor": ("instructor@example.com", "priya-raman"),
    "course": "shoulder-girdle-anatomy-deep-tissue",
    "question": (
        "When I palpate the suprascapular notch area on a client with a forward-head posture, how do I tell "
        "upper-trapezius guarding from something I should refer out?"
    ),
    "answer": (
        "Guarding eases as the client breathes out and with a change of position; it does not send symptoms down "
        "the arm. Numbness, tingling, weakness or pain traveling past the elbow is a reason to stop and refer to "
        "the client's physician, as lesson 4 explains."
    ),
}

DEMO_EVALUATION = {
    "objectives_met": 5,
    "content_accurate": 5,
    "instructor_clear": 4,
    "useful_in_practice": 5,
    "comments": "The case vignettes were the most useful part.",
}

# The demo regulator audits the licensees of one board.
DEMO_REGULATOR = {"email": "regulator@example.com", "board": "FL"}

# Credits the demo practitioner reports from other (fictional) providers, each with a proof: one a reviewer
# has verified, which counts toward the Florida license's live hours; one still awaiting review.
DEMO_REPORTED_CREDITS = [
    {
        "title": "Hands-on Myofascial Release for the Lumbar Spine",
        "provider_name": "Gulf Coast Bodywork Institute (demo provider)",
        "provider_number": "DEMO-50-4471",
        "board": "FL",
        "completed_on": "2026-10-17",
        "hours": "3",
        "delivery": "live",
        "categories": ["hands-on", "massage-technique"],
        "proof": "pdf",
        "verified_by": "reviewer@example.com",
    },
    {
        "title": "Preventing Medical Errors in Massage Practice",
        "provider_name": "Sunshine State CE Online (demo provider)",
        "provider_number": "DEMO-50-8812",
        "board": "FL",
        "completed_on": "2026-11-14",
        "hours": "2",
        "delivery": "home_study",
        "categories": ["medical-errors"],
        "proof": "png",
        "verified_by": None,
    },
]
