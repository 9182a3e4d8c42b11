"""The demo courses carry covers drawn for their subjects and, where a lesson teaches anatomy, a labeled diagram."""

import io
import re
from pathlib import Path

from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from PIL import Image
from wagtail.images import get_image_model

from courses.models import CoursePage, LessonPage
from lms.demo import images
from lms.demo.seed import _cover_image, load_course_files

BACKGROUNDS = {images.BRAND_TINT, images.WARM_TINT, "#f3eee6"}


def near(rgb, hex_color):
    """Within WebP's rounding of a flat color (its chroma is sampled at half size)."""
    expected = [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]
    return all(abs(a - b) <= 8 for a, b in zip(rgb, expected, strict=True))


class DemoImagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=io.StringIO())

    def test_every_demo_course_has_its_own_drawn_cover_described_for_readers(self):
        courses = list(CoursePage.objects.live().select_related("cover_image"))
        assert len(courses) == len(load_course_files()) == 6

        drawings = set()
        for course in courses:
            cover = course.cover_image
            # The storage may add a suffix to keep names unique: cover-runner_Ab3xYz.png.
            drawing = re.match(r"cover-([a-z-]+)", cover.file.name.rsplit("/", 1)[-1]).group(1)
            drawings.add(drawing)
            assert drawing in images.DRAWINGS, cover.file.name
            assert len(cover.description) > 30, course.slug  # the alt text says what the drawing shows
            assert (cover.width, cover.height) == (1280, 720)
            with cover.open_file() as f, Image.open(f) as picture:
                # A flat drawing on one of the site's tints, not the old blurred gradient (a PNG).
                assert picture.format == "WEBP", course.slug
                corner = picture.convert("RGB").getpixel((4, 4))
                assert any(near(corner, background) for background in BACKGROUNDS), (course.slug, corner)
        assert len(drawings) == 6  # one subject each, none repeated

    def test_the_shoulder_lesson_shows_its_labeled_diagram_with_caption_and_alt(self):
        lesson = LessonPage.objects.live().get(slug="bones-and-joints")

        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(lesson.url)
        assert response.status_code == 200
        assert len(queries) <= 40

        figure = BeautifulSoup(response.content, "html.parser").select_one("main figure.figure")
        image = figure.img
        assert image["alt"].startswith("Labeled drawing of the right shoulder girdle from the front:")
        assert "sternoclavicular joint is the limb's only bony joint" in figure.figcaption.get_text()
        assert image["src"].endswith(".svg")

        # A free preview's image is public media, which the web server (not Django) serves.
        labels = (Path(settings.MEDIA_ROOT) / image["src"].removeprefix(settings.MEDIA_URL)).read_bytes()
        for label in (b"Clavicle", b"Acromion", b"Coracoid", b"Glenohumeral", b"Scapula", b"Humerus"):
            assert label in labels  # real text in the drawing, sharp at any size and readable by search

    def test_the_lymphatic_lesson_shows_the_route_of_lymph(self):
        lesson = LessonPage.objects.live().get(slug="lymphatic-anatomy-physiology")

        figure = BeautifulSoup(self.client.get(lesson.url).content, "html.parser").select_one("main figure.figure")

        assert figure.img["alt"].startswith("Labeled diagram of the route of lymph:")
        assert "venous angle" in figure.figcaption.get_text()

    def test_an_earlier_demos_gradient_cover_is_drawn_anew_and_an_editors_cover_is_kept(self):
        data = load_course_files()[0]
        cover = get_image_model().objects.get(title=f"Cover: {data['title']}")
        gradient = io.BytesIO()
        Image.linear_gradient("L").resize((1280, 720)).convert("RGB").save(gradient, format="PNG")
        cover.description = ""
        cover.file = ImageFile(gradient, name="cover-old.png")
        cover.save()

        _cover_image(data)

        cover.refresh_from_db()
        assert cover.description == data["cover"]["alt"]
        assert cover.file.name.rsplit("/", 1)[-1].startswith(f"cover-{data['cover']['drawing']}")

        cover.description = "An editor's photograph of the course's studio"
        cover.save()
        _cover_image(data)
        cover.refresh_from_db()
        assert cover.description == "An editor's photograph of the course's studio"
