"""How much CE credit a course's content supports (pure functions, no database).

NCBTMB sizes home-study courses by volume: 12,000 words read, or one hour of video or
audio, is one CE hour. That assumes about 200 words a minute, which also gives the
reading time shown on each lesson.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

WORDS_PER_CE_HOUR = 12_000
MINUTES_PER_CE_HOUR = 50  # NCBTMB, Florida and Texas all define a CE hour as 50 minutes of study.
VIDEO_MINUTES_PER_CE_HOUR = 60
READING_WORDS_PER_MINUTE = 200

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")  # noqa: RUF001 (typographic apostrophes join words too)


def count_words(texts: Iterable[str]) -> int:
    return sum(len(_WORD.findall(text)) for text in texts)


@dataclass(frozen=True)
class ContentSize:
    words: int = 0
    video_minutes: int = 0

    def __add__(self, other: "ContentSize") -> "ContentSize":
        return ContentSize(self.words + other.words, self.video_minutes + other.video_minutes)

    @property
    def ce_hours(self) -> Decimal:
        """The CE hours this much content supports, rounded down: boards reject inflated hours."""
        hours = Decimal(self.words) / WORDS_PER_CE_HOUR + Decimal(self.video_minutes) / VIDEO_MINUTES_PER_CE_HOUR
        return hours.quantize(Decimal("0.01"), rounding=ROUND_DOWN)

    @property
    def study_minutes(self) -> int:
        return math.ceil(self.words / READING_WORDS_PER_MINUTE) + self.video_minutes
