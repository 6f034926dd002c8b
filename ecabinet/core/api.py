"""JSON API plumbing: request validation with pydantic, JSON errors and the OpenAPI document.

The same pydantic models validate a request and describe it in ``/api/openapi.json``, so
the document cannot drift from what the server accepts.
"""

from __future__ import annotations

import functools
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

from ecabinet.core.db import db

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


@dataclass
class ApiRegistry:
    endpoints: list[Endpoint] = field(default_factory=list)


registry = ApiRegistry()


def _parse_body(model: type[BaseModel]) -> BaseModel:
    if not request.mimetype == "application/json":
        raise ApiError(415, "unsupported_media_type",
                       _("The request body must be JSON (Content-Type: application/json)."))
    try:
        return model.model_validate_json(request.get_data(cache=True) or b"", strict=True)
    except ValidationError as exc:
        if any(err["type"] == "json_invalid" for err in exc.errors()):
            raise ApiError(400, "malformed_json", _("The request body is not valid JSON."),
                           validation_details(exc)) from None
        raise ApiError(422, "validation_error", _("Some fields are missing or invalid."),
                       validation_details(exc)) from None


def _parse_query(model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise ApiError(422, "validation_error", _("Some query parameters are invalid."),
                       validation_details(exc)) from None


def _parse_form(model: type[BaseModel], files: tuple[str, ...]) -> tuple[BaseModel, dict]:
    """A multipart/form-data upload: the fields validated by ``model``, the named files required."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", _("Send the upload as multipart/form-data."))
    try:
        fields = model.model_validate({k: v for k, v in request.form.items() if k in model.model_fields})
    except ValidationError as exc:
        raise ApiError(422, "validation_error", _("Some fields are missing or invalid."),
                       validation_details(exc)) from None
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
          authenticated: bool = True, form: type[BaseModel] | None = None, files: tuple[str, ...] = ()) -> Callable:
    """Register a JSON endpoint on ``bp``; the view gets ``body=``/``query=`` as validated models.

    The view returns the object to serialise with ``response`` (a pydantic model or type), or
    a ready Flask response.
    """

    def decorator(view: Callable) -> Callable:
        registry.endpoints.append(Endpoint(
            rule=API_PREFIX + (bp.url_prefix or "") + rule, method=method, summary=summary, tag=bp.name,
            body=body, query=query, response=response, status=status, authenticated=authenticated,
            description=(view.__doc__ or "").strip(), form=form, files=files,
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


def _component_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name).strip("_")


def _schema(tp: Any, components: dict[str, Any]) -> dict[str, Any]:
    schema = TypeAdapter(tp).json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    for name, definition in schema.pop("$defs", {}).items():
        components[_component_name(name)] = definition
    if "title" in schema and schema.get("type") == "object":
        name = _component_name(schema["title"])
        components[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}
    return schema


def _parameters(endpoint: Endpoint, components: dict[str, Any]) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer" if converter == "int" else "string"}}
        for converter, name in _PATH_PARAM.findall(endpoint.rule)
    ]
    if endpoint.query is not None:
        schema = endpoint.query.model_json_schema(ref_template="#/components/schemas/{model}")
        required = set(schema.get("required", []))
        params += [
            {"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema.get("properties", {}).items()
        ]
    return params


def _multipart_schema(endpoint: Endpoint, components: dict[str, Any]) -> dict[str, Any]:
    schema = endpoint.form.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[_component_name(name)] = definition
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
                "application/json": {"schema": _schema(ep.body, components)}}}
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
