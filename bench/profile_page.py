"""Where one page's time goes under the production settings, on a database bench/seed_scale.py made.

    .venv/bin/python bench/profile_page.py [--database ce_scale] [--repeat 10] [--top 10] [--callers RE]
        [--signed-in] [PATH ...]

Each path (default: the catalog and the first course page; `/learn/` and the like are requested
signed in as the bench practitioner) is requested three times to warm the caches, then --repeat
times under cProfile through Django's test client (the whole middleware stack, no HTTP server). It
prints the median time and query count, and the entries with the most time of their own and the
most time in all, excluding the profiler's and the test client's own frames.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_load

SIGNED_IN = ("/learn/", "/transcript/")
# Where broad kinds of work begin: the SQL (with the driver), the cache, the templates' rendering.
BROADLY = {
    "SQL, in the driver and the database": ("django/db/backends/utils.py", {"_execute"}),
    "the Redis cache": ("django/core/cache/backends/redis.py", {"get_client"}),
    "Redis commands": ("redis/client.py", {"_execute_command", "_execute_pipeline"}),
    "template rendering": ("django/template/response.py", {"rendered_content"}),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--database", default="ce_scale")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--signed-in", action="store_true", help="request every path as the bench practitioner")
    parser.add_argument("--callers", help="also print who calls the functions this regular expression matches")
    args = parser.parse_args()
    url = http_load.check_scratch(args)
    os.environ.update(http_load.production_environment(args, url, Path(tempfile.mkdtemp(prefix="ce-bench-profile-"))))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from courses.models import CourseIndexPage, CoursePage

    call_command("migrate", interactive=False, verbosity=0)  # the scratch schema in step with the checkout
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest the pages' {% static %} reads

    paths = args.paths or [
        http_load.relative(CourseIndexPage.objects.live().get().get_url()),
        http_load.relative(CoursePage.objects.live().order_by("path").first().get_url()),
    ]
    anonymous = Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"})
    signed_in = Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"})
    signed_in.force_login(get_user_model().objects.get(email=http_load.BENCH_EMAIL))
    print(f"{connection.vendor} database {args.database}, {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    for path in paths:
        client = signed_in if args.signed_in or path.startswith(SIGNED_IN) else anonymous
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        # Read at once: the next request's request_started signal empties the connection's query log.
        query_count = len(queries)
        sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        timings = []
        profile = cProfile.Profile()
        for _ in range(args.repeat):
            begin = time.perf_counter()
            profile.enable()
            client.get(path)
            profile.disable()
            timings.append(time.perf_counter() - begin)
        print(
            f"\n== {path}: median {statistics.median(timings) * 1000:.1f} ms over {args.repeat} requests "
            f"(profiled), {query_count} queries taking {sql_ms:.1f} ms (one request, unprofiled)"
        )
        stats = pstats.Stats(profile)
        project = str(http_load.ROOT) + "/"
        print("-- broadly (per request; SQL and Redis run inside the rendering too)")
        for label, (suffix, function_names) in BROADLY.items():
            spent = sum(
                cumulative
                for (filename, _line, name), (_c, _n, _own, cumulative, _callers) in stats.stats.items()
                if filename.endswith(suffix) and name in function_names
            )
            print(f"  {spent / args.repeat * 1000:8.2f} ms  {label}")
        for order, title in (("tottime", "own time"), ("cumtime", "time in all, the project's own code")):
            print(f"-- top {args.top} by {title} (per request)")
            stats.sort_stats(order)
            shown = 0
            for function in stats.fcn_list:
                filename, line, name = function
                _calls, ncalls, own, cumulative, _callers = stats.stats[function]
                if order == "cumtime" and (
                    not filename.startswith(project)
                    or "/.venv/" in filename
                    or cumulative > 0.9 * sum(timings)  # the middleware, which wraps the whole request
                ):
                    continue
                where = filename.split("site-packages/")[-1].replace(project, "")
                value = own if order == "tottime" else cumulative
                print(
                    f"  {value / args.repeat * 1000:8.2f} ms  {ncalls // args.repeat:>6} calls  {where}:{line}({name})"
                )
                shown += 1
                if shown == args.top:
                    break
        if args.callers:
            stats.sort_stats("tottime").print_callers(args.callers)


if __name__ == "__main__":
    main()
