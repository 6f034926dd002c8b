"""Shapes of the Office's report on the API: which period, and its figures."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ecabinet.core.schemas import Query
from ecabinet.reports.queries import PERIOD_PATTERN, Period, current_year


class ReportQuery(Query):
    period: str | None = Field(default=None, pattern=PERIOD_PATTERN,
                               description="'2026' (a year), '2026-Q3' (a quarter) or '2026-03' (a month) of "
                                           "local days; the current year when absent")
    units: Literal["today", "recorded"] = Field(default="today", description="Tasks under their agency as it is "
                                                "today (after reorganisations) or as recorded at the time")

    def chosen(self) -> Period:
        return Period(self.period) if self.period else current_year()


class CellOut(BaseModel):
    value: int
    list_query: str | None = Field(description="The query string of the task list (GET /api/v1/tasks?… or the "
                                               "page /tasks?…) giving exactly the tasks counted")


class RowOut(BaseModel):
    label: str
    cells: list[CellOut]


class TableOut(BaseModel):
    key: str
    title: str
    group: str
    columns: list[str]
    rows: list[RowOut]
    total: RowOut


class SectionOut(BaseModel):
    key: str
    title: str
    summary: str
    tables: list[TableOut]


class ReportOut(BaseModel):
    period: str
    period_label: str
    units: Literal["today", "recorded"]
    sections: list[SectionOut]
