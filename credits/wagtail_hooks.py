from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import admin_audits, admin_reported, admin_rosters, admin_transcripts  # noqa: F401 (each registers its own hooks)
from .viewsets import BoardsViewSetGroup

register_snippet(BoardsViewSetGroup)


@hooks.register("register_log_actions")
def register_credit_log_actions(actions):
    actions.register_action("credits.withdraw", "Withdraw CE record entry", "CE record entry withdrawn")
    actions.register_action("credits.supersede", "Correct CE record entry", "CE record entry corrected")
