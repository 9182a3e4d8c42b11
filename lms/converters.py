"""Path converters shared by every app's URLs."""

# The largest primary key a 64-bit signed integer column holds, on SQLite and PostgreSQL alike.
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter:
    """`<id:name>`: a positive integer that could be a row's id. A longer number matches no URL (a 404), where
    `<int:name>` would hand it to a query that the database driver refuses with an OverflowError (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_DATABASE_ID:
            raise ValueError(value)  # Django reads a ValueError from a converter as "this URL does not match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)
