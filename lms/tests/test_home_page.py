"""The home page: the boards that approve the provider, the newest courses and the topics."""

import pytest
from bs4 import BeautifulSoup

from courses.tests.factories import CoursePageFactory
from credits.tests.factories import BoardFactory


def test_the_home_page_names_every_board_that_approves_the_provider_with_its_number(client, catalogue):
    BoardFactory(code="ncbtmb", name="NCBTMB", provider_number="AP-1234", website="https://www.ncbtmb.org/")
    BoardFactory(code="fl", name="Florida Board of Massage Therapy", provider_number="50-12345")
    BoardFactory(code="tx", name="Texas Department of Licensing and Regulation", provider_number="")

    page = BeautifulSoup(client.get("/").content, "html.parser")

    section = page.find(id="approvals-heading").find_parent("section")
    lines = [" ".join(item.get_text().split()) for item in section.select("li")]
    assert lines == ["Florida Board of Massage Therapy: provider number 50-12345", "NCBTMB: provider number AP-1234"]
    assert section.find("a", string="NCBTMB")["href"] == "https://www.ncbtmb.org/"


@pytest.mark.parametrize("boards_and_courses", [1, 12])
def test_the_home_page_reads_in_a_fixed_number_of_queries(
    client, catalogue, django_assert_max_num_queries, boards_and_courses
):
    for number in range(boards_and_courses):
        BoardFactory(code=f"board-{number}", name=f"Board {number}", provider_number=f"P-{number}")
        CoursePageFactory(parent=catalogue)
    client.get("/")  # warm the site and settings caches as a running server has them

    with django_assert_max_num_queries(13):
        assert client.get("/").status_code == 200
