"""The weight of every public page of the seeded demo: its HTML and every stylesheet, script, font and
image it references (and those the stylesheets reference), raw and as sent gzip-compressed.

    .venv/bin/python bench/page_weight.py [--budget-kb 250]

Each page is fetched anonymously with the Django test client from a scratch database seeded by
`seed_demo`; static files are read where `collectstatic` would find them, media from the scratch
media folder. Text (HTML, CSS, JS, SVG) is counted gzip-compressed (level 6, as nginx sends it); PNG,
JPEG, WebP and WOFF2 are already compressed and count as they are. The home page is the baseline; the
budget is what the largest page may weigh as sent.
"""

import argparse
import gzip
import re
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import django_setup  # noqa: F401 (sets Django up before the imports below)
from django.conf import settings

# The seed writes covers, diagrams and PDFs: into a scratch folder, never the tests' media.
_scratch = Path(tempfile.mkdtemp(prefix="ce-page-weight-"))
settings.MEDIA_ROOT = _scratch / "media"
settings.STORAGES["private"]["OPTIONS"]["location"] = _scratch / "private"
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the seed sends certificate emails

from bs4 import BeautifulSoup  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from certificates.models import Certificate  # noqa: E402
from courses.models import CourseIndexPage, CoursePage, LessonPage  # noqa: E402

TEXT_KINDS = {"html", "css", "js", "svg"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
KINDS = ["html", "css", "js", "fonts", "images"]


def kind_of(path: str) -> str:
    suffix = Path(urlsplit(path).path).suffix.lower().lstrip(".")
    if suffix in {"css", "js"}:
        return suffix
    if suffix in {"woff", "woff2", "ttf", "otf"}:
        return "fonts"
    return "images"


def fetch(client, url) -> bytes:
    """A resource's bytes: static files from the finders, media from the media folder, else the view."""
    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        if found:
            return Path(found).read_bytes()
    if path.startswith(settings.MEDIA_URL):
        return (Path(settings.MEDIA_ROOT) / path.removeprefix(settings.MEDIA_URL)).read_bytes()
    response = client.get(path)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def sent(body: bytes, url: str) -> int:
    suffix = Path(urlsplit(url).path).suffix.lower().lstrip(".")
    return len(gzip.compress(body, 6)) if suffix in TEXT_KINDS else len(body)


def references(html: bytes, page_url: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    urls = [
        link["href"]
        for link in soup.select("link[href]")
        if {"stylesheet", "icon", "preload"} & set(link.get("rel", []))
    ]
    urls += [script["src"] for script in soup.select("script[src]")]
    for image in soup.select("img"):
        if image.get("src"):
            urls.append(image["src"])
        for candidate in filter(None, (image.get("srcset") or "").split(",")):
            urls.append(candidate.split()[0])
    return [urljoin(page_url, url) for url in urls]


def page_weight(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content
    raw = dict.fromkeys(KINDS, 0)
    transfer = dict.fromkeys(KINDS, 0)
    raw["html"], transfer["html"] = len(html), len(gzip.compress(html, 6))
    queue, seen = references(html, url), set()
    while queue:
        resource = queue.pop(0)
        if resource in seen or urlsplit(resource).scheme in {"data", "http", "https"}:
            continue
        seen.add(resource)
        body = fetch(client, resource)
        kind = kind_of(resource)
        raw[kind] += len(body)
        transfer[kind] += sent(body, resource)
        if kind == "css":
            for match in CSS_URL.finditer(body.decode("utf-8", "replace")):
                queue.append(urljoin(resource, match.group(1) or match.group(2)))
    return raw, transfer, len(seen) + 1


def public_pages():
    catalogue = CourseIndexPage.objects.live().first()
    pages = [("home", "/"), ("catalog", catalogue.url)]
    pages += [(f"course: {course.slug}", course.url) for course in CoursePage.objects.live().order_by("path")]
    preview = LessonPage.objects.live().get(slug="bones-and-joints")
    pages.append(("lesson preview: bones-and-joints", preview.url))
    certificate = Certificate.objects.filter(revoked_at__isnull=True).first()
    pages += [
        ("verify", "/verify/"),
        ("verification result", f"/verify/{certificate.printed_code}/"),
        ("privacy", "/privacy/"),
        ("terms", "/terms/"),
        ("sign in", "/accounts/login/"),
        ("sign up", "/accounts/signup/"),
    ]
    return pages


def kb(value: int) -> str:
    return f"{value / 1024:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-kb", type=float, default=250, help="the most the largest page may weigh as sent")
    options = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 (the seed's report is not needed)
    client = Client()

    rows = []
    for name, url in public_pages():
        raw, transfer, requests = page_weight(client, url)
        rows.append((name, requests, raw, transfer))
    rows.sort(key=lambda row: sum(row[3].values()), reverse=True)
    home = next(sum(row[3].values()) for row in rows if row[0] == "home")

    print("Page weight of the public pages (KiB; raw / sent: text gzip-compressed, binaries as they are)\n")
    print(f"| page | requests | {' | '.join(KINDS)} | total raw | total sent | vs home |")
    print("| --- | ---: |" + " ---: |" * (len(KINDS) + 3))
    for name, requests, raw, transfer in rows:
        cells = " | ".join(f"{kb(raw[k])} / {kb(transfer[k])}" for k in KINDS)
        total = sum(transfer.values())
        print(f"| {name} | {requests} | {cells} | {kb(sum(raw.values()))} | {kb(total)} | {total / home:.2f}x |")
    largest_name, _, _, largest = rows[0]
    largest_total = sum(largest.values()) / 1024
    verdict = "within" if largest_total <= options.budget_kb else "OVER"
    print(f"\nLargest: {largest_name}, {largest_total:.1f} KiB sent: {verdict} the {options.budget_kb:.0f} KiB budget.")


if __name__ == "__main__":
    main()
