from wagtail import hooks

from .avatars import initials_avatar_url


@hooks.register("get_avatar_url")
def initials_where_no_avatar_was_uploaded(user, size):
    if user is None:
        return None  # a system entry in the history (no person): Wagtail's default picture
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None and profile.avatar:
        return None  # Wagtail shows the uploaded picture
    return initials_avatar_url(user, size)
