"""JSON API of the organisation: units and sectors."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import load_or_404, route
from ecabinet.core.db import db
from ecabinet.org import operations as ops
from ecabinet.org.models import Sector, Unit
from ecabinet.org.schemas import (SectorCreate, SectorOut, SectorUpdate, UnitCreate, UnitOut, UnitQuery,
                                  UnitUpdate)
from ecabinet.policy import Action, require

bp = Blueprint("org_api", __name__)


@route(bp, "/units", summary="List units", query=UnitQuery, response=list[UnitOut])
def list_units(query: UnitQuery):
    require(current_user, Action.VIEW_UNITS)
    return ops.list_units(kind=query.kind, active=query.active, parent_id=query.parent_id)


@route(bp, "/units/<int:unit_id>", summary="One unit", response=UnitOut)
def get_unit(unit_id: int):
    require(current_user, Action.VIEW_UNITS)
    return load_or_404(Unit, unit_id)


@route(bp, "/units", method="POST", summary="Create a unit", body=UnitCreate, response=UnitOut, status=201)
def create_unit(body: UnitCreate):
    require(current_user, Action.MANAGE_ORG)
    unit = ops.create_unit(**body.model_dump())
    db.session.commit()
    return unit


@route(bp, "/units/<int:unit_id>", method="PATCH", summary="Change, move or deactivate a unit",
       body=UnitUpdate, response=UnitOut)
def update_unit(unit_id: int, body: UnitUpdate):
    """Units are never deleted: set ``active`` to false. ``parent_id: null`` makes a root unit."""
    unit = load_or_404(Unit, unit_id)
    require(current_user, Action.MANAGE_ORG)
    ops.update_unit(unit, body.model_dump(exclude_unset=True))
    db.session.commit()
    return unit


@route(bp, "/sectors", summary="List sectors (lĩnh vực)", response=list[SectorOut])
def list_sectors():
    require(current_user, Action.VIEW_UNITS)
    return ops.list_sectors()


@route(bp, "/sectors", method="POST", summary="Create a sector", body=SectorCreate, response=SectorOut,
       status=201)
def create_sector(body: SectorCreate):
    require(current_user, Action.MANAGE_ORG)
    sector = ops.create_sector(**body.model_dump())
    db.session.commit()
    return sector


@route(bp, "/sectors/<int:sector_id>", method="PATCH", summary="Change a sector", body=SectorUpdate,
       response=SectorOut)
def update_sector(sector_id: int, body: SectorUpdate):
    sector = load_or_404(Sector, sector_id)
    require(current_user, Action.MANAGE_ORG)
    ops.update_sector(sector, body.model_dump(exclude_unset=True))
    db.session.commit()
    return sector
