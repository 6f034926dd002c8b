"""JSON API plumbing: request validation with pydantic, JSON errors and the OpenAPI document.

The same pydantic models validate a request and describe it in ``/api/openapi.json``, so
the document cannot drift from what the server accepts.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError as CSRFValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.json_schema import GenerateJsonSchema
import pydantic_core
from pydantic_core import core_schema

from ecabinet.core.db import db
from ecabinet.core.schemas import MAX_ID

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/v1"


class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message", "details"}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str, details: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Not found."))


def load_or_404(model: type, object_id: Any, visible: Callable[[Any], bool] | None = None) -> Any:
    """The record with this id, if it exists and ``visible`` says the user may know of it.

    A record the user may not see is answered exactly like a missing one, so that ids do not
    reveal what exists (confidential meetings and materials).
    """
    obj = db.session.get(model, object_id)
    if obj is None or (visible is not None and not visible(obj)):
        raise not_found()
    return obj


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"field": ".".join(str(p) for p in err["loc"]) or None, "type": err["type"], "message": err["msg"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


@dataclass
class Endpoint:
    rule: str
    method: str
    summary: str
    tag: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    authenticated: bool
    description: str = ""
    form: type[BaseModel] | None = None
    files: tuple[str, ...] = ()
    path: dict[str, Any] = field(default_factory=dict)


@dataclass
class ApiRegistry:
    endpoints: list[Endpoint] = field(default_factory=list)


registry = ApiRegistry()


def _integral_floats_as_ints(value: Any) -> Any:
    """JSON Schema counts ``298.0`` as an integer, as JavaScript does; pydantic's strict mode would not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_floats_as_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: _integral_floats_as_ints(v) for k, v in value.items()}
    return value


def _parse_body(model: type[BaseModel]) -> BaseModel:
    if not request.mimetype == "application/json":
        raise ApiError(415, "unsupported_media_type",
                       _("The request body must be JSON (Content-Type: application/json)."))
    try:
        data = pydantic_core.from_json(request.get_data(cache=True) or b"")
    except ValueError as exc:
        raise ApiError(400, "malformed_json", _("The request body is not valid JSON."),
                       [{"field": None, "type": "json_invalid", "message": str(exc)}]) from None
    try:
        # Strict, from JSON text: "5" is no integer and 1 no text, while dates still come as ISO strings
        return model.model_validate_json(json.dumps(_integral_floats_as_ints(data)), strict=True)
    except ValidationError as exc:
        raise ApiError(422, "validation_error", _("Some fields are missing or invalid."),
                       validation_details(exc)) from None


_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


def _declared(schema: dict[str, Any], key: str) -> set[str]:
    """What a property's schema, or any of its options, says under ``key`` ("format", "type")."""
    return {schema.get(key)} | {value for option in schema.get("anyOf", ()) for value in _declared(option, key)}


@functools.cache
def _temporal_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields the document declares as dates or date-times (by their names on the wire)."""
    properties = model.model_json_schema().get("properties", {})
    return frozenset(name for name, prop in properties.items() if _declared(prop, "format") & {"date", "date-time"})


@functools.cache
def _repeated_parameters(model: type[BaseModel]) -> frozenset[str]:
    """The query parameters the document declares as arrays, sent repeated (``?kind=a&kind=b``, OpenAPI's form
    style)."""
    properties = model.model_json_schema().get("properties", {})
    return frozenset(name for name, prop in properties.items() if "array" in _declared(prop, "type"))


def _validate_strings(model: type[BaseModel], values: dict[str, Any], message: str) -> BaseModel:
    """A query string's or a form's fields. A number is no date, though pydantic would read ``0`` as
    1970-01-01 (a Unix time): the document says ``format: date``."""
    numbers_as_dates = [
        {"field": name, "type": "date_parsing", "message": "expected a date, not a number"}
        for name in _temporal_fields(model) if _NUMBER.match(values.get(name, ""))
    ]
    if numbers_as_dates:
        raise ApiError(422, "validation_error", message, numbers_as_dates)
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise ApiError(422, "validation_error", message, validation_details(exc)) from None


def _parse_query(model: type[BaseModel]) -> BaseModel:
    repeated = _repeated_parameters(model)
    values = {name: request.args.getlist(name) if name in repeated else value for name, value in request.args.items()}
    return _validate_strings(model, values, _("Some query parameters are invalid."))


def _parse_form(model: type[BaseModel], files: tuple[str, ...]) -> tuple[BaseModel, dict]:
    """A multipart/form-data upload: the fields validated by ``model``, the named files required."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", _("Send the upload as multipart/form-data."))
    fields = _validate_strings(model, {k: v for k, v in request.form.items() if k in model.model_fields},
                               _("Some fields are missing or invalid."))
    missing = [name for name in files if name not in request.files or not request.files[name].filename]
    if missing:
        raise ApiError(422, "validation_error", _("Some fields are missing or invalid."),
                       [{"field": name, "type": "missing", "message": "a file is required"} for name in missing])
    return fields, {name: request.files[name] for name in files}


def _check_authenticated() -> None:
    if not current_user.is_authenticated:
        raise ApiError(401, "unauthenticated", _("Sign in first: send a bearer token or a session cookie."),
                       headers={"WWW-Authenticate": "Bearer"})
    if request.method not in SAFE_METHODS and g.get("auth_channel") != "token":
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except CSRFValidationError:
            raise ApiError(400, "csrf_failed", _("The CSRF token is missing or invalid.")) from None


@functools.cache
def _adapter(response: Any) -> TypeAdapter:
    return TypeAdapter(response)


def _serialize(response: Any, result: Any) -> Any:
    if response is None:
        return result
    adapter = _adapter(response)
    return adapter.dump_python(adapter.validate_python(result, from_attributes=True), mode="json")


def route(bp: Blueprint, rule: str, *, method: str = "GET", summary: str, body: type[BaseModel] | None = None,
          query: type[BaseModel] | None = None, response: Any = None, status: int = 200,
          authenticated: bool = True, form: type[BaseModel] | None = None, files: tuple[str, ...] = (),
          path: dict[str, Any] | None = None) -> Callable:
    """Register a JSON endpoint on ``bp``; the view gets ``body=``/``query=`` as validated models.

    ``path`` gives the type of a path segment that the URL converter alone does not tell (a date, a year),
    for the document; the view still checks it.

    The view returns the object to serialise with ``response`` (a pydantic model or type), or
    a ready Flask response.
    """

    def decorator(view: Callable) -> Callable:
        registry.endpoints.append(Endpoint(
            rule=API_PREFIX + (bp.url_prefix or "") + rule, method=method, summary=summary, tag=bp.name,
            body=body, query=query, response=response, status=status, authenticated=authenticated,
            description=(view.__doc__ or "").strip(), form=form, files=files, path=path or {},
        ))

        @functools.wraps(view)
        def wrapper(**kwargs: Any):
            if authenticated:
                _check_authenticated()
            if body is not None:
                kwargs["body"] = _parse_body(body)
            if query is not None:
                kwargs["query"] = _parse_query(query)
            if form is not None:
                kwargs["form"], kwargs["files"] = _parse_form(form, files)
            result = view(**kwargs)
            if isinstance(result, current_app.response_class):
                return result
            if status == 204:
                return "", 204
            return jsonify(_serialize(response, result)), status

        bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
        return wrapper

    return decorator


# --- OpenAPI ---------------------------------------------------------------------------------

_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
REF_TEMPLATE = "#/components/schemas/{model}"


def _component_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name).strip("_")


NO_NUL = "^[^\\x00]*$"
"""What every text a client sends matches: ``Input`` refuses NUL characters (PostgreSQL cannot store them)."""


class InputJsonSchema(GenerateJsonSchema):
    """Request schemas say what ``Input`` enforces beyond the types: texts without NUL characters."""

    def str_schema(self, schema: core_schema.StringSchema) -> dict[str, Any]:
        json_schema = super().str_schema(schema)
        json_schema.setdefault("pattern", NO_NUL)
        return json_schema


def _renamed_refs(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: renames.get(v, v) if k == "$ref" else _renamed_refs(v, renames) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed_refs(v, renames) for v in value]
    return value


def _free_name(name: str, definition: dict[str, Any], components: dict[str, Any]) -> str:
    unique, n = name, 1
    while unique in components and components[unique] != definition:
        n += 1
        unique = f"{name}{n}"
    return unique


def _keep_definitions(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """Move the nested definitions into ``components``; two different types of one name (each domain's
    ``Confidentiality``) get distinct names rather than one silently describing the other."""
    definitions = {_component_name(name): d for name, d in schema.pop("$defs", {}).items()}
    renames: dict[str, str] = {}
    for _round in range(len(definitions) + 1):  # a definition's name depends on the names of those it refers to
        found = {REF_TEMPLATE.format(model=name): REF_TEMPLATE.format(model=unique) for name, definition in
                 definitions.items()
                 if (unique := _free_name(name, _renamed_refs(definition, renames), components)) != name}
        if found == renames:
            break
        renames = found
    for name, definition in definitions.items():
        unique = renames.get(REF_TEMPLATE.format(model=name), REF_TEMPLATE.format(model=name)).rsplit("/", 1)[1]
        components[unique] = _renamed_refs(definition, renames)
    schema.update(_renamed_refs(schema, renames))
    return schema


def _model_schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    """A request model's schema, inline, its nested models in ``components``."""
    return _keep_definitions(model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=InputJsonSchema),
                             components)


def _schema(tp: Any, components: dict[str, Any], *, sent: bool = False) -> dict[str, Any]:
    """The schema of ``tp`` as a client sends it (``sent``) or receives it."""
    if sent:
        schema = TypeAdapter(tp).json_schema(ref_template=REF_TEMPLATE, schema_generator=InputJsonSchema)
    else:
        schema = TypeAdapter(tp).json_schema(ref_template=REF_TEMPLATE, mode="serialization")
    _keep_definitions(schema, components)
    if "title" in schema and schema.get("type") == "object":
        name = _free_name(_component_name(schema["title"]), schema, components)
        components[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}
    return schema


PATH_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
"""An ``<int:…>`` path segment: the ids the database columns hold (larger ones are a 404)."""


def _path_schema(endpoint: Endpoint, converter: str, name: str, components: dict[str, Any]) -> dict[str, Any]:
    if name in endpoint.path:
        return _schema(endpoint.path[name], components, sent=True)
    return PATH_ID if converter == "int" else {"type": "string", "pattern": NO_NUL}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query string or a form field has no null: an optional one is left out."""
    options = [option for option in schema.get("anyOf", ()) if option != {"type": "null"}]
    if len(options) == len(schema.get("anyOf", ())):
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf" and not (k == "default" and v is None)}
    return {**rest, **options[0]} if len(options) == 1 else {**rest, "anyOf": options}


def _parameters(endpoint: Endpoint, components: dict[str, Any]) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(endpoint, converter, name, components)}
        for converter, name in _PATH_PARAM.findall(endpoint.rule)
    ]
    if endpoint.query is not None:
        schema = _model_schema(endpoint.query, components)
        required = set(schema.get("required", []))
        params += [
            {"name": name, "in": "query", "required": name in required, "schema": _without_null(prop)}
            for name, prop in schema.get("properties", {}).items()
        ]
    return params


def _multipart_schema(endpoint: Endpoint, components: dict[str, Any]) -> dict[str, Any]:
    schema = _model_schema(endpoint.form, components)
    schema["properties"] = {name: _without_null(prop) for name, prop in schema["properties"].items()}
    schema["properties"].update({name: {"type": "string", "format": "binary"} for name in endpoint.files})
    schema["required"] = sorted(set(schema.get("required", [])) | set(endpoint.files))
    return schema


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {}},
    }},
}


def openapi_document(title: str, version: str) -> dict[str, Any]:
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    error_ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for ep in registry.endpoints:
        operation: dict[str, Any] = {
            "summary": ep.summary,
            "tags": [ep.tag],
            "operationId": f"{ep.method.lower()}_{_component_name(ep.rule.replace('/', '_'))}",
            "parameters": _parameters(ep, components),
            "responses": {"default": {"description": "Error", **error_ref}},
        }
        if ep.description:
            operation["description"] = ep.description
        if ep.body is not None:
            operation["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": _schema(ep.body, components, sent=True)}}}
            operation["responses"]["422"] = {"description": "Validation error", **error_ref}
        if ep.form is not None:
            operation["requestBody"] = {"required": True, "content": {
                "multipart/form-data": {"schema": _multipart_schema(ep, components)}}}
            operation["responses"]["422"] = {"description": "Validation error", **error_ref}
        success: dict[str, Any] = {"description": "OK"}
        if ep.response is not None:
            success["content"] = {"application/json": {"schema": _schema(ep.response, components)}}
        operation["responses"][str(ep.status)] = success
        if ep.authenticated:
            operation["security"] = [{"bearer": []}, {"session": []}]
            operation["responses"]["401"] = {"description": "Not signed in", **error_ref}
            operation["responses"]["403"] = {"description": "Not allowed", **error_ref}
        else:
            operation["security"] = []
        path = _PATH_PARAM.sub(r"{\2}", ep.rule)
        paths.setdefault(path, {})[ep.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "ecabinet_session"},
            },
        },
    }
