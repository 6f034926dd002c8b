"""Notifications: in-app messages, their e-mail outbox and each user's preferences.

Every feature that must tell people something (meeting invitations, changes, reminders)
calls ``operations.notify`` inside its own transaction and ``operations.push`` after the
commit; ``delivery.deliver_pending`` sends the queued e-mails, at most once each.
"""
