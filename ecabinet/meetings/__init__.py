"""Meetings: kinds, rooms, scheduling with conflict detection, recurrence, invitations, changes."""
