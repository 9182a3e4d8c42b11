"""The site under load from outside, as production runs it: gunicorn, production settings,
PostgreSQL, Redis, wrk on 127.0.0.1. Started by bench/run (which installs wrk); see bench/README.md.

    bench/run [--database ce_scale] [--rounds 3] [--duration 5] [--connections 16] [--workers 3] [--quick]

Each scenario runs --rounds times for --duration seconds, interleaved (round 1 of every scenario,
then round 2, ...), so that what else the machine does weighs on all of them alike; the table gives
the median of the rounds, and each scenario's throughput as a ratio to the trivial view's in the
same round. Then a flood: one address guessing codes at the API while other addresses verify
theirs, against the same verifiers alone.

Rate limits stay on. They count per client address (certificates.verification, lms.ratelimit), with
no setting for an allowance, so the bench gives its clients one the way a deployment has many
clients: it is the TLS proxy (X-Forwarded-For, trusted one hop as ALLAUTH_TRUSTED_PROXY_COUNT
says) and draws each request's address from 10.0.0.0/8, so that no address comes near its
limits; the flood's single address does.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
MARK = "ce bench scratch database (bench/seed_scale.py)"
BENCH_EMAIL = "bench@example.com"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="ce_scale", help="a database bench/seed_scale.py made")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5", help="a Redis database for the run")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn's sync workers")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--duration", type=int, default=5, help="seconds per scenario and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one round of 3 seconds, 8 connections: for CI")
    parser.add_argument(
        "--only", help='the scenarios whose names hold one of these comma-separated words ("API,dashboard")'
    )
    parser.add_argument("--json", default=str(Path(tempfile.gettempdir()) / "ce-bench-run.json"))
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration, args.connections = 1, 3, 8
    args.threads = min(args.threads, args.connections)
    return args


def check_scratch(args) -> str:
    with psycopg.connect(f"{args.server.rstrip('/')}/postgres") as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone()
    if row is None or row[0] != MARK:
        sys.exit(f"{args.database} is not a database bench/seed_scale.py made: seed one first (see bench/README.md).")
    return f"{args.server.rstrip('/')}/{args.database}"


def production_environment(args, url: str, workdir: Path) -> dict:
    """What lms/settings/production.py reads, as .ci/run gives it, for this machine's loopback."""
    key_file = workdir / "signing-key.pem"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key_file.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "REDIS_URL": args.redis,
        "DJANGO_EMAIL_HOST": "smtp.invalid",  # emails are queued for db_worker, which the bench does not run
        "DJANGO_DEFAULT_FROM_EMAIL": "ce@example.com",
        "WAGTAILADMIN_BASE_URL": "https://ce.example.com",
        "DJANGO_BASE_URL": "https://ce.example.com",
        "CERTIFICATE_ISSUER_HOST": "ce.example.com",
        "CERTIFICATE_SIGNING_KEY_FILE": str(key_file),
        "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
    }


# --- what to request ---------------------------------------------------------------------------


def line(method, path, cookie="", ctype="", body=""):
    return "\t".join([method, path, cookie, ctype, body])


def relative(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1] if "://" in url else url


def prepare(args, workdir: Path) -> dict:
    """Request files for each scenario, read from the database under the production settings."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    from certificates.codes import new_code, printed
    from certificates.models import Certificate
    from courses.models import CourseIndexPage, CoursePage, LessonPage

    call_command("migrate", interactive=False, verbosity=0)  # the scratch schema in step with the checkout
    call_command("collectstatic", interactive=False, verbosity=0)
    bench = get_user_model().objects.get(email=BENCH_EMAIL)
    bench_cookie = session_cookie(bench, settings)
    codes = list(
        Certificate.objects.filter(revoked_at__isnull=True).order_by("?").values_list("code", flat=True)[:2000]
    )
    candidates = [new_code() for _ in range(2000)]
    issued = set(Certificate.objects.filter(code__in=candidates).values_list("code", flat=True))
    unknown = [code for code in candidates if code not in issued]
    catalogue = CourseIndexPage.objects.live().get()
    courses = [relative(page.get_url()) for page in CoursePage.objects.live().order_by("path")]
    lessons = [relative(page.get_url()) for page in LessonPage.objects.live().order_by("?")[:500]]
    stylesheet = staticfiles_storage.url("css/site.css")
    json_type = "application/json"
    bulk = [
        line("POST", "/api/v1/certificates/verify/", ctype=json_type, body=json.dumps({"codes": codes[i : i + 100]}))
        for i in range(0, len(codes) - 99, 100)
    ]
    quiz_lines = quiz_submissions(args, settings)
    # name: (request lines, statuses expected)
    scenarios = {
        "trivial view (/healthz)": ([line("GET", "/healthz")], {200}),
        "verification page": ([line("GET", f"/verify/{printed(code)}/") for code in codes], {200}),
        "API, one code": ([line("GET", f"/api/v1/certificates/{code}/") for code in codes], {200}),
        "API, unknown code": ([line("GET", f"/api/v1/certificates/{code}/") for code in unknown], {404}),
        "API, 100 codes": (bulk, {200}),
        "home page": ([line("GET", "/")], {200}),
        "catalog": ([line("GET", relative(catalogue.get_url()))], {200}),
        "course page": ([line("GET", path) for path in courses], {200}),
        "lesson page (enrolled)": ([line("GET", path, cookie=bench_cookie) for path in lessons], {200}),
        "dashboard": ([line("GET", "/learn/", cookie=bench_cookie)], {200}),
        "transcript": ([line("GET", "/transcript/", cookie=bench_cookie)], {200}),
        "quiz submission": (quiz_lines, {302}),
        "static file": ([line("GET", stylesheet)], {200}),
    }
    files = {}
    for number, (name, (lines, expected)) in enumerate(scenarios.items()):
        path = workdir / f"scenario-{number}.tsv"
        path.write_text("\n".join(lines) + "\n")
        files[name] = {"file": str(path), "expected": sorted(expected), "lines": len(lines)}
    flood = workdir / "flood.tsv"
    flood.write_text("\n".join(line("GET", f"/api/v1/certificates/{code}/") for code in unknown) + "\n")
    files["flood"] = {"file": str(flood), "expected": [404, 429], "lines": len(unknown)}
    return files


def session_cookie(user, settings, extra: str = "") -> str:
    """A signed-in session made as django.contrib.auth.login makes one, in the production session store."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}{extra}"


def quiz_submissions(args, settings) -> list[str]:
    """Open attempts at course finals, one per line, each submitted once with every answer right.

    They are copies of an attempt the quiz services started for the bench practitioner (the seed's),
    opened now for practitioners enrolled in the course who have not attempted its final."""
    from urllib.parse import urlencode

    from django.utils import timezone

    from courses.models import Enrollment
    from quizzes.models import QuizAttempt, QuizPage
    from quizzes.presentation import right_answers

    wanted = int(args.rounds * args.duration * 150) + 200  # more than the submissions a run can make
    templates = {}
    for attempt in QuizAttempt.objects.filter(enrollment__user__email=BENCH_EMAIL).select_related("quiz"):
        templates[attempt.quiz.path[: -QuizPage.steplen]] = attempt
    enrollments = list(
        Enrollment.objects.filter(completed_at__isnull=True, quiz_attempts__isnull=True)
        .exclude(user__email=BENCH_EMAIL)
        .select_related("course", "user")
        .order_by("user_id")[: wanted * 2]
    )
    now = timezone.now()
    attempts, cookies = [], {}
    for enrollment in enrollments:
        template = templates.get(enrollment.course.path)
        if template is None:
            continue
        attempts.append(
            QuizAttempt(
                quiz=template.quiz,
                enrollment=enrollment,
                number=1,
                questions=template.questions,
                pass_mark_percent=template.quiz.pass_mark_percent,
                started_at=now,
                deadline=now + (template.deadline - template.started_at) if template.deadline else None,
            )
        )
        if len(attempts) == wanted:
            break
    QuizAttempt.objects.bulk_create(attempts)
    lines = []
    for attempt in attempts:
        user = attempt.enrollment.user
        if user.pk not in cookies:
            csrf = secrets.token_hex(16)  # an unmasked secret, which Django accepts as the token too
            cookies[user.pk] = (session_cookie(user, settings, f"; {settings.CSRF_COOKIE_NAME}={csrf}"), csrf)
        cookie, csrf = cookies[user.pk]
        fields = [("csrfmiddlewaretoken", csrf)]
        for key, answer in right_answers(attempt.questions).items():
            if isinstance(answer, dict):
                fields.extend((f"q.{key}.{left}", right) for left, right in answer.items())
            elif isinstance(answer, list):
                fields.extend((f"q.{key}", value) for value in answer)
            else:
                fields.append((f"q.{key}", answer))
        path = f"/learn/attempts/{attempt.pk}/submit/"
        lines.append(line("POST", path, cookie, "application/x-www-form-urlencoded", urlencode(fields)))
    return lines


# --- the server and the load -------------------------------------------------------------------


def start_gunicorn(args, env, workdir: Path) -> subprocess.Popen:
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 (open for the server's lifetime)
    server = subprocess.Popen(  # noqa: S603 (our own command line)
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                sys.exit(f"gunicorn stopped: see {workdir / 'gunicorn.log'}")
            try:
                get(args, "/healthz")
                return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        sys.exit(f"gunicorn did not answer /healthz within 120 seconds: see {workdir / 'gunicorn.log'}")
    except BaseException:
        stop(server)
        raise


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def get(args, path, headers=None) -> int:
    """The status of one GET through the proxy's headers, redirects not followed."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{args.port}{path}",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.255.255.1", **(headers or {})},
    )
    try:
        with _opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def wrk(args, scenario: dict, *, connections: int, address: str = "pool", duration: float | None = None) -> dict:
    threads = min(args.threads, connections)
    env = {
        **os.environ,
        "BENCH_REQUESTS": scenario["file"],
        "BENCH_ADDRESS": address,
        "BENCH_ORIGIN": f"https://127.0.0.1:{args.port}",
        "BENCH_THREADS": str(threads),
    }
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(round(duration or args.duration), 1)}s",  # whole seconds, as wrk reads them
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk.lua"),
        f"http://127.0.0.1:{args.port}/",
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=120).stdout  # noqa: S603
    [report] = [
        json.loads(text.removeprefix("BENCHJSON ")) for text in output.splitlines() if text.startswith("BENCHJSON")
    ]
    statuses = {int(status): count for status, count in report["statuses"].items()}
    unexpected = sum(count for status, count in statuses.items() if status not in scenario["expected"])
    seconds = report["duration_us"] / 1e6
    return {
        "requests": report["requests"],
        "rps": report["requests"] / seconds,
        "p50_ms": report["p50_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
        "errors": unexpected + report["socket_errors"],
        "statuses": statuses,
        "repeats": max(0, report["requests"] - scenario["lines"]),
    }


def drain(args) -> float:
    """Waits until the workers are free again: requests wrk left queued in the listen backlog when it
    stopped are still served, and would otherwise be measured against the next scenario."""
    begin = time.monotonic()
    while time.monotonic() - begin < 300:
        asked = time.monotonic()
        try:
            get(args, "/healthz")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            continue
        if time.monotonic() - asked < 0.5:
            break
    return time.monotonic() - begin


def run_rounds(args, files: dict) -> dict:
    names = [name for name, scenario in files.items() if name != "flood" and scenario["lines"]]
    if args.only:
        words = [word.strip() for word in args.only.split(",")]
        names = [name for name in names if name.startswith("trivial") or any(word in name for word in words)]
    rounds = {name: [] for name in names}
    for number in range(args.rounds):
        for name in names:
            result = wrk(args, files[name], connections=args.connections)
            result["drain_s"] = drain(args)
            rounds[name].append(result)
            backlog = f"  (backlog served for {result['drain_s']:.0f} s after)" if result["drain_s"] > 2 else ""
            print(
                f"  round {number + 1} {name:<26} {result['rps']:8.1f}/s  p50 {result['p50_ms']:7.1f} ms"
                f"  p99 {result['p99_ms']:7.1f} ms  errors {result['errors']}{backlog}",
                flush=True,
            )
    trivial = rounds[names[0]]
    table = {}
    for name in names:
        results = rounds[name]
        table[name] = {
            "rps": statistics.median(r["rps"] for r in results),
            "p50_ms": statistics.median(r["p50_ms"] for r in results),
            "p99_ms": statistics.median(r["p99_ms"] for r in results),
            "errors": sum(r["errors"] for r in results),
            "ratio": statistics.median(
                r["rps"] / t["rps"] if t["rps"] else 0.0 for r, t in zip(results, trivial, strict=True)
            ),
            "drain_s": max(r["drain_s"] for r in results),
            "repeats": sum(r["repeats"] for r in results),
            "rounds": results,
        }
    return table


def flood(args, files: dict) -> dict:
    """Verifiers from many addresses alone, then beside one address guessing unknown codes as fast as it can."""
    verifiers = files["API, one code"]
    half = max(args.connections // 2, 1)
    alone = wrk(args, verifiers, connections=half)
    drain(args)
    guesser = f"198.51.100.{secrets.randbelow(254) + 1}"  # fresh each run: its limits start unspent
    # Both at once: the flood in a thread of its own, the verifiers measured meanwhile.
    outcome = {}
    flood_thread = threading.Thread(
        target=lambda: outcome.update(flood=wrk(args, files["flood"], connections=half, address=guesser))
    )
    flood_thread.start()
    time.sleep(0.2)
    beside = wrk(args, verifiers, connections=half, duration=max(args.duration - 1, 1))
    flood_thread.join()
    return {"address": guesser, "verifiers_alone": alone, "verifiers_beside_flood": beside, "flood": outcome["flood"]}


def print_table(table: dict, args) -> None:
    print()
    print(
        f"median of {args.rounds} round(s) of {args.duration:g} s, {args.connections} connections, "
        f"{args.workers} gunicorn workers"
    )
    print(f"{'scenario':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>7}")
    for name, row in table.items():
        repeats = f"  ({row['repeats']} repeated)" if name == "quiz submission" and row["repeats"] else ""
        if row["drain_s"] > 2:
            repeats += f"  (slower than the window: backlog served for up to {row['drain_s']:.0f} s)"
        print(
            f"{name:<26} {row['rps']:>9.1f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['errors']:>7}"
            f" {row['ratio']:>6.3f}x{repeats}"
        )


def print_flood(result: dict) -> None:
    alone, beside, flood_ = result["verifiers_alone"], result["verifiers_beside_flood"], result["flood"]
    print()
    print(f"flood: one address ({result['address']}) asking unknown codes, beside verifiers from many addresses")
    print(f"  verifiers alone        {alone['rps']:8.1f}/s  p99 {alone['p99_ms']:7.1f} ms  errors {alone['errors']}")
    print(f"  verifiers beside flood {beside['rps']:8.1f}/s  p99 {beside['p99_ms']:7.1f} ms  errors {beside['errors']}")
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(flood_["statuses"].items()))
    print(f"  the flood              {flood_['rps']:8.1f}/s  p99 {flood_['p99_ms']:7.1f} ms  statuses {statuses}")


def main():
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: bench/run installs it (the Debian package wrk).")
    url = check_scratch(args)
    workdir = Path(tempfile.mkdtemp(prefix="ce-bench-run-"))
    env = production_environment(args, url, workdir)
    os.environ.update(env)
    started = time.perf_counter()
    files = prepare(args, workdir)
    print(f"prepared in {time.perf_counter() - started:.0f} s (files in {workdir})", flush=True)
    server = None
    try:
        server = start_gunicorn(args, env, workdir)
        for name, scenario in files.items():  # each page once, so no round measures a first request
            if not scenario["lines"]:
                print(f"warning: {name}: nothing to request (the scratch data has run out of it: seed again)")
                continue
            method, path, cookie, *_ = Path(scenario["file"]).read_text().split("\n", 1)[0].split("\t")
            if method == "GET":
                status = get(args, path, {"Cookie": cookie} if cookie else None)
                if status not in scenario["expected"]:
                    print(f"warning: {name}: GET {path} answered {status}, not {scenario['expected']}")
        table = run_rounds(args, files)
        flooded = flood(args, files) if not args.only else None
    finally:
        if server is not None:
            stop(server)
    print_table(table, args)
    if flooded:
        print_flood(flooded)
    Path(args.json).write_text(
        json.dumps(
            {
                "settings": {k: getattr(args, k) for k in ("database", "rounds", "duration", "connections", "workers")},
                "table": table,
                "flood": flooded,
            },
            indent=2,
        )
    )
    print(f"\nwritten to {args.json}; the server's log is {workdir / 'gunicorn.log'}")


if __name__ == "__main__":
    main()
