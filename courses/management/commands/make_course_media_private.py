from django.core.management.base import BaseCommand
from wagtail.models import Page

from courses.media import page_media_make_private
from courses.models import CoursePage


class Command(BaseCommand):
    help = (
        "Move the images and documents of every locked lesson and quiz into the private collection under "
        "random names, as saving the page in the editor does. Run it once after upgrading, for files uploaded "
        "before locked lessons kept them private; safe to run again."
    )

    def handle(self, *args, **options):
        pages = 0
        for course in CoursePage.objects.all():
            for page in Page.objects.child_of(course).specific():
                page_media_make_private(page=page.get_latest_revision_as_object())
                pages += 1
        self.stdout.write(f"Checked the files of {pages} lesson and quiz page{'s' if pages != 1 else ''}.")
