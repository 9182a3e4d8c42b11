"""The time zones a practitioner may read dates and times in: the United States' first, by the names people
use for them, then every other zone the server's time-zone database knows, by its IANA name."""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError

US_TIME_ZONES = [
    ("America/New_York", "Eastern Time (New York)"),
    ("America/Chicago", "Central Time (Chicago)"),
    ("America/Denver", "Mountain Time (Denver)"),
    ("America/Phoenix", "Mountain Time without daylight saving (Phoenix)"),
    ("America/Los_Angeles", "Pacific Time (Los Angeles)"),
    ("America/Anchorage", "Alaska Time (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii Time (Honolulu)"),
    ("America/Puerto_Rico", "Atlantic Time (Puerto Rico)"),
]


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def time_zone_choices() -> list:
    us = dict(US_TIME_ZONES)
    # Region/City names, and UTC; the database's aliases (EST5EDT, Zulu, ...) would only lengthen the list.
    elsewhere = sorted(name for name in known_time_zones() if name not in us and ("/" in name or name == "UTC"))
    return [
        ("United States", US_TIME_ZONES),
        ("Elsewhere", [(name, name.replace("_", " ")) for name in elsewhere]),
    ]


def validate_time_zone(value: str) -> None:
    if value and value not in known_time_zones():
        raise ValidationError(f"“{value}” is not a time zone this site knows: choose one from the list.")


def time_zone_or_default(name: str) -> str:
    """`name` if it is a known zone, else the site's (settings.TIME_ZONE), e.g. for a zone a browser reported."""
    return name if name in known_time_zones() else settings.TIME_ZONE
