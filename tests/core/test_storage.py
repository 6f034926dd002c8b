import hashlib

import pytest

from ecabinet.core import storage


def test_files_are_stored_by_content_and_read_back(app):
    with app.app_context():
        data = "Giấy mời họp".encode()
        sha = storage.store_bytes(data)
        assert sha == hashlib.sha256(data).hexdigest()
        assert storage.store_bytes(data) == sha  # idempotent
        assert storage.read_bytes(sha) == data
        assert not list(storage.path_for(sha).parent.glob(".incoming-*"))


def test_names_typed_by_users_are_refused(app):
    with app.app_context():
        with pytest.raises(storage.StorageError):
            storage.path_for("../../etc/passwd")
        with pytest.raises(storage.StorageError):
            storage.read_bytes("0" * 64)
