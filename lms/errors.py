"""The one base class of the domain's refusals, so that every view turns them into messages alike."""


class DomainError(Exception):
    """Why an operation was refused, in words fit to show the person who asked for it."""


class NotPermitted(DomainError):
    """The person asking may not do this. Services raise it from their own permission checks, as
    Wagtail's actions do; system callers (commands, the demo seeder) pass `skip_permission_checks=True`."""
