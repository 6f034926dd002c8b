"""Shared infrastructure: database base classes, time, API plumbing, errors, i18n."""
