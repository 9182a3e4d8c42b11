from django.core.management.base import BaseCommand, CommandError

from courses.models import CourseIndexPage
from courses.services import authoring_roles_setup


class Command(BaseCommand):
    help = "Creates the Instructors and Reviewers groups and the course review workflow on the catalog."

    def handle(self, *args, **options):
        catalogue = CourseIndexPage.objects.first()
        if catalogue is None:
            raise CommandError("Create the course catalog page first, then run this again.")
        workflow = authoring_roles_setup(catalogue=catalogue)
        self.stdout.write(f'Courses under "{catalogue.title}" now go through the "{workflow.name}" workflow.')
