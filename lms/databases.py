"""The primary database, and a read replica for the regulators' verification reads when one is set.

Everything reads and writes the primary, so nobody reads behind their own write. The replica, when
DATABASE_REPLICA_URL names one, answers only the reads that ask for it by `verification_reads()`:
looking certificates up, which are written once and read by regulators far more often than that, and
which can stand the replica's lag of a moment. It is never migrated: it copies the primary.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"


def verification_reads() -> str:
    """The alias to read certificates from for a verification."""
    return REPLICA if REPLICA in settings.DATABASES else DEFAULT_DB_ALIAS


class PrimaryAndReplica:
    def db_for_write(self, model, **hints):
        # Also for an instance read from the replica: its own database would otherwise take the write.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # One set of data on two connections: a lookup logged on the primary names a certificate read
        # from the replica.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA
