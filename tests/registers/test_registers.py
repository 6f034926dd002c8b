"""The outgoing-document register: numbers per year and symbol, never duplicated, never skipped (also under
concurrent issuers on PostgreSQL), given back by a rollback, cancelled with a reason but never given again."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.registers import operations as registers
from ecabinet.registers.models import DocumentRegister, NumberStatus, RegisterNumber
from tests.fixtures.web import api_token


@pytest.fixture
def ctx(app, people):
    with app.app_context():
        yield people


def _clerk(people) -> User:
    return db.session.get(User, people.office_leader)


def test_numbers_follow_each_other_per_year_and_symbol(ctx):
    actor = _clerk(ctx)
    taken = [registers.take_number("TB-UBND", 2026, f"Thông báo {i}", actor) for i in range(1, 4)]
    other_year = registers.take_number("TB-UBND", 2027, "Thông báo đầu năm", actor)
    office = registers.take_number("tb-vp", 2026, "Thông báo của Văn phòng", actor)
    db.session.commit()
    assert [t.number for t in taken] == [1, 2, 3]
    assert [t.number_symbol for t in taken] == ["01/TB-UBND", "02/TB-UBND", "03/TB-UBND"]
    assert (other_year.number, other_year.number_symbol) == (1, "01/TB-UBND")
    assert (office.number, office.number_symbol) == (1, "01/TB-VP")  # the symbol is upper case
    assert registers.printed_number(15, "TB-UBND") == "15/TB-UBND"
    assert [row.entry.number for row in registers.register_listing("TB-UBND", 2026)] == [1, 2, 3]
    assert registers.gaps("TB-UBND", 2026) == [] and registers.gaps("TB-UBND", 2030) == []


def test_a_rollback_gives_the_number_back(ctx):
    actor = _clerk(ctx)
    registers.take_number("TB-UBND", 2026, "Ban hành thành công", actor)
    db.session.commit()
    assert registers.take_number("TB-UBND", 2026, "Ban hành thất bại", actor).number == 2
    db.session.rollback()
    again = registers.take_number("TB-UBND", 2026, "Ban hành lại", actor)
    db.session.commit()
    assert again.number == 2
    assert db.session.scalar(sa.select(DocumentRegister.last_number)) == 2
    assert registers.gaps("TB-UBND", 2026) == []


def test_a_cancelled_number_stays_used(ctx):
    actor = _clerk(ctx)
    first = registers.take_number("TB-UBND", 2026, "Thông báo bị thu hồi", actor)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        registers.cancel_number(first, actor, "   ")
    assert refused.value.code == "reason_required" and refused.value.field == "reason"
    registers.cancel_number(first, actor, "Thu hồi do sai thành phần nơi nhận")
    db.session.commit()
    assert first.status == NumberStatus.CANCELLED and first.cancelled_by_id == actor.id
    with pytest.raises(DomainError) as twice:
        registers.cancel_number(first, actor, "Lần nữa")
    assert twice.value.status == 409
    assert registers.take_number("TB-UBND", 2026, "Thông báo tiếp theo", actor).number == 2


def test_the_register_api_is_for_the_office(app, client, people):
    with app.app_context():
        taken = registers.take_number("TB-UBND", 2026, "Kết luận của Chủ tịch UBND tỉnh", _clerk(people))
        db.session.commit()
        number_id = taken.id
    leader = api_token(client, "chanhvp")
    register = client.get("/api/v1/registers?year=2026&symbol=tb-ubnd", headers=leader).get_json()
    assert register["symbol"] == "TB-UBND" and register["last_number"] == 1 and register["gaps"] == []
    assert register["numbers"][0]["number_symbol"] == "01/TB-UBND" and register["numbers"][0]["notice_id"] is None
    assert client.get("/api/v1/registers?year=1999", headers=leader).status_code == 422
    for username in ("sotc", "pct"):
        assert client.get("/api/v1/registers", headers=api_token(client, username)).status_code == 403
    assert client.post(f"/api/v1/register-numbers/{number_id}/cancel", headers=leader,
                       json={"reason": ""}).status_code == 422
    cancelled = client.post(f"/api/v1/register-numbers/{number_id}/cancel", headers=leader,
                            json={"reason": "Văn bản bị thu hồi"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.post("/api/v1/register-numbers/999999/cancel", headers=leader,
                       json={"reason": "x"}).status_code == 404


def test_concurrent_issuers_get_consecutive_numbers(app, backend, people):
    if backend != "postgresql":
        pytest.skip("SQLite serialises every writer: the row lock is PostgreSQL's")
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def issuer(index: int) -> None:
        try:
            with app.app_context():
                actor = _clerk(people)
                barrier.wait(timeout=30)
                registers.take_number("TB-UBND", 2026, f"Thông báo {index}", actor)
                if index % 3 == 0:
                    db.session.rollback()  # a failed issue: its number goes back
                else:
                    db.session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=issuer, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        numbers = db.session.scalars(sa.select(RegisterNumber.number).order_by(RegisterNumber.number)).all()
        assert numbers == list(range(1, 7))  # 10 issuers, 4 rolled back: 1..6, no gap, no duplicate
        assert registers.gaps("TB-UBND", 2026) == []
        assert db.session.scalar(sa.select(DocumentRegister.last_number)) == 6
