"""Writes to a practitioner's profile: the legal name certificates print, their time zone, and their licences.

Each validates the whole record before saving it, so a caller other than a form (the demo
seeder, an import) cannot store what the profile form would refuse.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Licence, User, normalise_licence_number


def user_legal_name_update(*, user: User, legal_name: str) -> User:
    legal_name = " ".join(legal_name.split())
    if not legal_name:
        raise ValidationError({"legal_name": "A legal name cannot be blank: certificates print it."})
    user.legal_name = legal_name
    user.clean_fields(exclude=[field.name for field in User._meta.fields if field.name != "legal_name"])
    user.save(update_fields=["legal_name"])
    return user


def user_time_zone_update(*, user: User, time_zone: str) -> User:
    user.time_zone = time_zone
    user.clean_fields(exclude=[field.name for field in User._meta.fields if field.name != "time_zone"])
    user.save(update_fields=["time_zone"])
    return user


@transaction.atomic
def licence_create(
    *,
    user: User,
    board,
    number: str,
    jurisdiction: str,
    expires_on: datetime.date,
    first_licensed_on: datetime.date | None = None,
) -> Licence:
    licence = Licence(user=user, board=board, number=normalise_licence_number(number))
    return _licence_save(licence, jurisdiction=jurisdiction, expires_on=expires_on, first_licensed_on=first_licensed_on)


@transaction.atomic
def licence_update(
    *,
    licence: Licence,
    board,
    number: str,
    jurisdiction: str,
    expires_on: datetime.date,
    first_licensed_on: datetime.date | None = None,
) -> Licence:
    licence.board = board
    licence.number = normalise_licence_number(number)
    return _licence_save(licence, jurisdiction=jurisdiction, expires_on=expires_on, first_licensed_on=first_licensed_on)


def licence_delete(*, licence: Licence) -> None:
    licence.delete()


def _licence_save(
    licence: Licence, *, jurisdiction: str, expires_on: datetime.date, first_licensed_on: datetime.date | None
) -> Licence:
    licence.jurisdiction = jurisdiction.strip()
    licence.expires_on = expires_on
    licence.first_licensed_on = first_licensed_on
    licence.full_clean()
    licence.save()
    return licence
