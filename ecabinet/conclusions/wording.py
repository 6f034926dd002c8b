"""A directive's wording: the task as typed naturally, made into the task's title and the notice's sentence.

People type a directive the way the notice reads it aloud: "Giao Sở Kế hoạch và Đầu tư hoàn thiện hồ sơ…",
"Đề nghị Sở Tài chính chủ trì, phối hợp với Sở Y tế rà soát…", or a bare "rà soát…". The notice says
"Giao <lead agency> chủ trì, phối hợp với <coordinating agencies> <task>" itself, so the task keeps only
what is to be done: the leading "Giao" (or "Đề nghị", "Yêu cầu"… followed by the lead agency), the lead
agency, "chủ trì" and the coordinating agencies already named in the fields are taken off, and so is the
final punctuation. The task's title starts with a capital; the sentence continues with a small letter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from ecabinet.conclusions.models import DeadlineKind, Directive
from ecabinet.workdays.operations import add_working_days

ASSIGNING_VERBS = ("giao cho", "giao", "đề nghị", "yêu cầu", "chỉ đạo")
_SPACES = re.compile(r"\s+")


def _strip_prefix(text: str, prefix: str) -> str | None:
    """``text`` without ``prefix`` (case-insensitive, whole words), or None when it does not start with it."""
    if not prefix or not text.casefold().startswith(prefix.casefold()):
        return None
    rest = text[len(prefix):]
    if rest and prefix[-1].isalnum() and rest[0].isalnum():
        return None
    return rest.lstrip(" ,:;-")


def assigning_verb(text: str) -> tuple[str, str] | None:
    """(verb, rest) when the text starts by assigning ("Giao …", "Đề nghị …")."""
    for verb in ASSIGNING_VERBS:
        rest = _strip_prefix(text, verb)
        if rest is not None:
            return verb, rest
    return None


def _strip_named(text: str, lead: str, coordinating: Sequence[str]) -> str:
    """Take off, in any order, the agencies the notice already names and its "chủ trì, phối hợp với"."""
    prefixes = [lead, "chủ trì", *coordinating]
    prefixes += [f"{joint} {name}" for name in coordinating for joint in ("phối hợp với", "và", "cùng")]
    while True:
        for prefix in prefixes:
            rest = _strip_prefix(text, prefix)
            if rest is not None and rest != text:
                text = rest
                break
        else:
            return text


def _starts_with_acronym(text: str) -> bool:
    word = text.split(" ", 1)[0]
    return len(word) > 1 and word.isupper()


def names_another_lead(content: str, lead: str) -> bool:
    """"Giao Sở Tài chính …" with another lead agency chosen: the notice would give the task twice."""
    assigned = assigning_verb(_SPACES.sub(" ", content).strip())
    return (assigned is not None and assigned[0].startswith("giao")
            and _strip_prefix(assigned[1], lead) is None and assigned[1][:1].isupper())


def task_wording(content: str, lead: str, coordinating: Sequence[str] = ()) -> str:
    """The task alone, as a title: "Giao Sở KH&ĐT hoàn thiện hồ sơ." → "Hoàn thiện hồ sơ"."""
    text = _SPACES.sub(" ", content).strip()
    assigned = assigning_verb(text)
    if assigned is not None and (assigned[0].startswith("giao") or _strip_prefix(assigned[1], lead) is not None):
        text = assigned[1]
    text = _strip_named(text, lead, coordinating).rstrip(" .;,:")
    return text[:1].upper() + text[1:]


def _continuing(task: str) -> str:
    """The task as it continues a sentence: lower case first, unless it starts with an acronym ("UBND…")."""
    return task if _starts_with_acronym(task) else task[:1].lower() + task[1:]


def _sentence(content: str, lead: str, coordinating: Sequence[str], tail: Sequence[str]) -> str:
    sentence = f"- Giao {lead} chủ trì"
    if coordinating:
        sentence += ", phối hợp với " + ", ".join(coordinating)
    task = task_wording(content, lead, coordinating)
    if task:
        sentence += " " + _continuing(task)
    return "; ".join([sentence, *[part for part in tail if part]]) + "."


def deadline_phrase(directive: Directive, issued_on: date | None) -> str:
    """"hoàn thành trước ngày 15/01/2027", or "trong 10 ngày làm việc kể từ ngày ban hành" before issue."""
    if directive.deadline_kind == DeadlineKind.DATE and directive.deadline_on is not None:
        return f"hoàn thành trước ngày {directive.deadline_on:%d/%m/%Y}"
    if directive.deadline_kind == DeadlineKind.WORKING_DAYS and directive.deadline_working_days is not None:
        if issued_on is None:
            return f"hoàn thành trong {directive.deadline_working_days} ngày làm việc kể từ ngày ban hành Thông báo"
        return f"hoàn thành trước ngày {directive_deadline(directive, issued_on):%d/%m/%Y}"
    return ""


def directive_deadline(directive: Directive, issued_on: date) -> date | None:
    """The last day of the directive, when it has one: a date, or N working days after the issue day."""
    if directive.deadline_kind == DeadlineKind.DATE:
        return directive.deadline_on
    if directive.deadline_kind == DeadlineKind.WORKING_DAYS and directive.deadline_working_days is not None:
        return add_working_days(issued_on, directive.deadline_working_days)
    return None


def directive_sentence(directive: Directive, issued_on: date | None) -> str:
    """"- Giao Sở Tài chính chủ trì, phối hợp với Sở Y tế <task>; hoàn thành trước ngày …; báo cáo kết quả
    về Ủy ban nhân dân tỉnh.": the notice's sentence and the directive form's preview."""
    tail = [deadline_phrase(directive, issued_on)]
    if directive.report_required:
        tail.append("báo cáo kết quả về Ủy ban nhân dân tỉnh")
    return _sentence(directive.content, directive.lead_unit.name, unit_names(directive), tail)


def unit_names(directive: Directive) -> list[str]:
    return [unit.name for unit in directive.coordinating_units]


def directive_title(directive: Directive) -> str:
    """The task's title made from the directive."""
    return task_wording(directive.content, directive.lead_unit.name, unit_names(directive))
