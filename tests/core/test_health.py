from ecabinet import create_app


def test_health_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["db"] == "ok"


def test_health_names_the_unreachable_database(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none",
                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}},
                     STORAGE_DIR=str(tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["db"].startswith("error")
