"""How a kind finds its preference: itself, then its family, then ``*``; redundant rows dropped."""

from ecabinet.notify.operations import Preference, channels_for, kind_candidates, without_redundant


def test_kind_candidates_go_from_specific_to_general():
    assert kind_candidates("meeting.rescheduled") == ["meeting.rescheduled", "meeting.*", "*"]
    assert kind_candidates("a.b.c") == ["a.b.c", "a.b.*", "a.*", "*"]
    assert kind_candidates("digest") == ["digest", "*"]


def test_channels_for_takes_the_most_specific():
    prefs = {"*": Preference("*", True, False), "meeting.*": Preference("meeting.*", False, True)}
    assert channels_for(prefs, "meeting.cancelled") == prefs["meeting.*"]
    assert channels_for(prefs, "task.assigned") == prefs["*"]
    assert channels_for({}, "task.assigned") == Preference("*", True, True)


def test_without_redundant_keeps_only_what_changes_something():
    rows = [Preference("meeting.cancelled", True, False), Preference("*", True, False),
            Preference("meeting.*", True, True), Preference("task.assigned", True, False),
            Preference("meeting.invitation", True, True)]
    kept = {p.kind for p in without_redundant(rows)}
    assert kept == {"*", "meeting.*", "meeting.cancelled"}
