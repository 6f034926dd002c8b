"""What the task's pages and its API both use: who may see a task, the task fields of a form or body, the
uploaded files of a report and a report's file as a download."""

from __future__ import annotations

from flask import request, send_file
from flask_login import current_user

from ecabinet.core import storage
from ecabinet.core.api import not_found
from ecabinet.policy import Action, allowed
from ecabinet.tasks import operations as ops
from ecabinet.tasks.models import Task
from ecabinet.tasks.schemas import TaskFields


def may_see(task: Task | None) -> bool:
    return task is not None and allowed(current_user, Action.VIEW_TASK, task)


def task_data(body: TaskFields) -> ops.TaskData:
    return ops.TaskData(**body.model_dump(exclude={"version"}))


def uploads() -> list[ops.Upload]:
    """The request's ``files`` (multipart), each read up to one byte past the limit so that too large is seen."""
    limit = ops.MAX_ATTACHMENT_BYTES + 1
    return [ops.Upload(f.read(limit), f.filename) for f in request.files.getlist("files") if f.filename]


def attachment_response(task: Task, attachment_id: int):
    """The file of one of the task's reports, as a download."""
    attachment = ops.attachment_of(task, attachment_id)
    if attachment is None:
        raise not_found()
    response = send_file(storage.path_for(attachment.sha256), mimetype=attachment.content_type,
                         as_attachment=True, download_name=attachment.filename, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response
