"""Wagtail admin hooks and views of this area; imported by wagtail_hooks."""
