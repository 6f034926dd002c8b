"""The agenda page: items in order, materials only for their readers, uploads, ordering, the liaison's share."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecabinet.core.db import db
from tests.fixtures import pdfs
from ecabinet.materials.models import AgendaItem, Material
from tests.fixtures.web import csrf_from, signed_in
from tests.fixtures.materials import publish


def _add_item(client, headers, meeting_id, **body):
    response = client.post(f"/api/v1/meetings/{meeting_id}/agenda", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _api_upload(client, headers, meeting_id, title, **fields):
    form = {"title": title, "doc_type": "report", **fields,
            "file": (BytesIO(pdfs.text_pdf(2, seed=len(title))), "tai-lieu.pdf")}
    response = client.post(f"/api/v1/meetings/{meeting_id}/materials", headers=headers, data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _page_upload(page, meeting_id, data: bytes | None, **fields):
    token = csrf_from(page.get(f"/meetings/{meeting_id}/agenda").get_data(as_text=True))
    form = {"csrf_token": token, "title": "Tờ trình dự toán ngân sách 2027", "doc_type": "submission",
            "confidentiality": "normal", **fields}
    if data is not None:
        form["file"] = (BytesIO(data), "to-trinh.pdf")
    return page.post(f"/meetings/{meeting_id}/materials", data=form, content_type="multipart/form-data")


def _materials(app) -> list[tuple[str, int]]:
    with app.app_context():
        return [(m.title, len(m.versions)) for m in db.session.scalars(sa.select(Material).order_by(Material.id))]


def _stored(app) -> list[str]:
    return sorted(p.name for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file())


def test_the_agenda_is_vietnamese_and_in_order(pages, client, meeting, secretary, people):
    first = _add_item(client, secretary, meeting["id"], title="Kế hoạch đầu tư công năm 2027", purpose="decision",
                      presenting_unit_id=people.department, presenter="Giám đốc Sở Tài chính", planned_minutes=45,
                      review_opinion="Đề nghị thông qua")
    second = _add_item(client, secretary, meeting["id"], title="Báo cáo thu ngân sách", purpose="information")
    client.put(f"/api/v1/meetings/{meeting['id']}/agenda/order", headers=secretary,
               json={"item_ids": [second["id"], first["id"]]})
    page = signed_in(pages, "chuyenvien")
    response = page.get(f"/meetings/{meeting['id']}/agenda")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chương trình họp" in html and "Tài liệu chung của cuộc họp" in html and "Thêm nội dung" in html
    assert html.index("Báo cáo thu ngân sách") < html.index("Kế hoạch đầu tư công năm 2027")
    assert "Quyết định" in html and "Báo cáo, thông tin" in html and "Dự thảo" in html
    assert "Sở Tài chính" in html and "Giám đốc Sở Tài chính" in html and "45 phút" in html
    assert "Ý kiến thẩm tra của Văn phòng" in html and "Đề nghị thông qua" in html
    assert 'src="/static/js/agenda.js"' in html and 'data-csrf-token="' in html
    detail = page.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert re.search(r'id="agenda-count">2<', detail) and f"/meetings/{meeting['id']}/agenda" in detail
    assert page.get("/meetings/999999/agenda").status_code == 404


def test_the_review_opinion_is_for_the_office_and_the_chair(pages, client, meeting, secretary, people):
    _add_item(client, secretary, meeting["id"], title="Dự toán ngân sách", presenting_unit_id=people.department,
              review_opinion="Hồ sơ còn thiếu ý kiến Sở Tư pháp")
    for username, shown in (("pct", True), ("chanhvp", True), ("sotc", False)):
        html = signed_in(pages, username).get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
        assert ("Hồ sơ còn thiếu ý kiến Sở Tư pháp" in html) is shown, username
        assert "Dự toán ngân sách" in html


def test_a_confidential_material_is_shown_only_to_its_readers(pages, client, meeting, secretary, people):
    item = _add_item(client, secretary, meeting["id"], title="Công tác cán bộ")
    secret = _api_upload(client, secretary, meeting["id"], "Phương án nhân sự tuyệt mật",
                         confidentiality="confidential", agenda_item_id=str(item["id"]))
    _api_upload(client, secretary, meeting["id"], "Báo cáo công khai", agenda_item_id=str(item["id"]))
    publish(client, secretary, meeting["id"])
    office_leader = signed_in(pages, "chanhvp").get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert "Báo cáo công khai" in office_leader
    assert "Phương án nhân sự tuyệt mật" not in office_leader and f"material-{secret['id']}" not in office_leader
    assert 'data-confidentiality="confidential"' not in office_leader
    assert office_leader.count('class="list-group-item material"') == 1  # not even a count of the others
    chair = signed_in(pages, "pct").get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert "Phương án nhân sự tuyệt mật" in chair and f"/api/v1/materials/{secret['id']}/file" in chair
    assert 'data-confidentiality="confidential"' in chair
    download = pages.get(f"/api/v1/materials/{secret['id']}/file")  # the session cookie is enough
    assert download.status_code == 200 and download.mimetype == "application/pdf"


def test_uploading_through_the_page_and_a_new_version(app, pages, client, meeting, secretary):
    item = _add_item(client, secretary, meeting["id"], title="Kế hoạch đầu tư công")
    page = signed_in(pages, "chuyenvien")
    response = _page_upload(page, meeting["id"], pdfs.text_pdf(2), agenda_item_id=str(item["id"]))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _materials(app) == [("Tờ trình dự toán ngân sách 2027", 1)] and len(_stored(app)) == 1
    html = page.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã thêm tài liệu" in html and "2 trang" in html and "Phiên bản 1" in html and "Tờ trình" in html
    assert "updated-badge" not in html
    with app.app_context():
        material_id = db.session.scalar(sa.select(Material.id))
    token = csrf_from(html)
    replaced = page.post(f"/materials/{material_id}/versions", content_type="multipart/form-data",
                         data={"csrf_token": token, "file": (BytesIO(pdfs.text_pdf(3, seed=9)), "v2.pdf")})
    assert replaced.status_code == 302
    html = page.get(replaced.headers["Location"]).get_data(as_text=True)
    assert re.search(r'updated-badge">.*Đã cập nhật</span>', html) and "Phiên bản 2" in html and "3 trang" in html
    assert _materials(app) == [("Tờ trình dự toán ngân sách 2027", 2)]


def test_a_paper_only_material_needs_no_file(app, pages, meeting):
    page = signed_in(pages, "chuyenvien")
    response = _page_upload(page, meeting["id"], None, title="Bản đồ quy hoạch khổ A0", confidentiality="paper_only")
    assert response.status_code == 302
    html = page.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bản đồ quy hoạch khổ A0" in html and "Chỉ bản giấy" in html
    assert _materials(app) == [("Bản đồ quy hoạch khổ A0", 0)] and _stored(app) == []


@pytest.mark.parametrize("data, message", [
    (pdfs.not_a_pdf(), "Tệp không phải là tài liệu PDF."),
    (None, "Tài liệu chỉ có bản giấy không có tệp; các tài liệu khác phải có tệp PDF."),
])
def test_a_bad_upload_is_shown_next_to_the_form_and_nothing_is_saved(app, pages, meeting, data, message):
    page = signed_in(pages, "chuyenvien")
    response = _page_upload(page, meeting["id"], data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'id="upload-general-file-error">([^<]+)<', html)
    assert error, html[html.find("upload-general"):][:1500]
    assert error.group(1).strip() == message
    assert 'class="collapse upload-panel show" id="upload-general"' in html
    assert 'value="Tờ trình dự toán ngân sách 2027"' in html  # what was typed is kept
    assert _materials(app) == [] and _stored(app) == []


def test_a_bad_new_version_is_refused_and_the_old_one_kept(app, pages, client, meeting, secretary):
    material = _api_upload(client, secretary, meeting["id"], "Báo cáo tổng hợp")
    page = signed_in(pages, "chuyenvien")
    token = csrf_from(page.get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True))
    response = page.post(f"/materials/{material['id']}/versions", content_type="multipart/form-data",
                         data={"csrf_token": token, "file": (BytesIO(pdfs.encrypted_pdf(pdfs.text_pdf(2))), "x.pdf")})
    assert response.status_code == 422
    assert f'id="version-{material["id"]}-file-error"' in response.get_data(as_text=True)
    assert _materials(app) == [("Báo cáo tổng hợp", 1)] and len(_stored(app)) == 1


def test_reordering_with_the_arrows(app, pages, client, meeting, secretary):
    ids = [_add_item(client, secretary, meeting["id"], title=f"Nội dung số {n}")["id"] for n in (1, 2, 3)]
    page = signed_in(pages, "chuyenvien")
    html = page.get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert re.search(rf'id="up-{ids[0]}"\s+disabled', html) and re.search(rf'id="down-{ids[2]}"\s+disabled', html)
    token = csrf_from(html)
    moved = page.post(f"/meetings/{meeting['id']}/agenda/{ids[2]}/move", data={"csrf_token": token, "direction": "up"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"#item-{ids[2]}")
    page.post(f"/meetings/{meeting['id']}/agenda/{ids[0]}/move", data={"csrf_token": token, "direction": "down"})
    page.post(f"/meetings/{meeting['id']}/agenda/{ids[1]}/move", data={"csrf_token": token, "direction": "down"})
    with app.app_context():
        order = db.session.scalars(sa.select(AgendaItem.id).order_by(AgendaItem.position)).all()
    assert order == [ids[2], ids[0], ids[1]]
    html = page.get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert html.index("Nội dung số 3") < html.index("Nội dung số 1") < html.index("Nội dung số 2")
    assert page.post(f"/meetings/{meeting['id']}/agenda/{ids[0]}/move",
                     data={"direction": "up"}).status_code == 400  # no CSRF token


def test_adding_and_editing_an_item_through_the_form(app, pages, meeting, people):
    page = signed_in(pages, "chuyenvien")
    url = f"/meetings/{meeting['id']}/agenda/new"
    html = page.get(url).get_data(as_text=True)
    assert "Thêm nội dung họp" in html and "Cơ quan trình" in html and "Trình HĐND tỉnh" in html
    token = csrf_from(html)
    refused = page.post(url, data={"csrf_token": token, "title": "", "planned_minutes": "0"})
    assert refused.status_code == 422 and 'id="title-error"' in refused.get_data(as_text=True)
    added = page.post(url, data={"csrf_token": token, "title": "Đề án chuyển đổi số", "planned_minutes": "20",
                                 "purpose": "to_peoples_council", "presenting_unit_id": str(people.department),
                                 "presenter": "Phó Giám đốc", "review_opinion": "Đủ điều kiện trình"})
    assert added.status_code == 302
    with app.app_context():
        item = db.session.scalar(sa.select(AgendaItem))
        item_id, unit = item.id, item.presenting_unit_id
    assert unit == people.department
    edit = f"/meetings/{meeting['id']}/agenda/{item_id}/edit"
    assert 'value="Phó Giám đốc"' in page.get(edit).get_data(as_text=True)
    saved = page.post(edit, data={"csrf_token": token, "title": "Đề án chuyển đổi số (sửa)", "planned_minutes": "25",
                                  "purpose": "decision", "presenting_unit_id": "", "presenter": "",
                                  "review_opinion": "", "status": "ready"})
    assert saved.status_code == 302
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        assert (item.title, item.planned_minutes, item.purpose.value, item.status.value) == \
            ("Đề án chuyển đổi số (sửa)", 25, "decision", "ready")
        assert item.presenting_unit_id is None and item.review_opinion == "" and item.presenter == ""
    html = page.get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert "Sẵn sàng" in html and "Quyết định" in html


def test_a_liaison_uploads_for_its_agency_but_does_not_edit_the_agenda(app, pages, client, meeting, secretary,
                                                                      people):
    own = _add_item(client, secretary, meeting["id"], title="Dự toán ngân sách", presenting_unit_id=people.department)
    other = _add_item(client, secretary, meeting["id"], title="Kế hoạch y tế",
                      presenting_unit_id=people.other_department)
    page = signed_in(pages, "sotc")
    html = page.get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert f'id="upload-{own["id"]}-form"' in html and f'id="upload-{other["id"]}-form"' not in html
    assert 'id="upload-general-form"' not in html and 'id="add-item"' not in html and "agenda.js" not in html
    assert page.get(f"/meetings/{meeting['id']}/agenda/new").status_code == 403
    assert page.get(f"/meetings/{meeting['id']}/agenda/{own['id']}/edit").status_code == 403
    token = csrf_from(html)
    assert page.post(f"/meetings/{meeting['id']}/agenda/{own['id']}/move",
                     data={"csrf_token": token, "direction": "down"}).status_code == 403
    assert _page_upload(page, meeting["id"], pdfs.text_pdf(1), agenda_item_id=str(other["id"])).status_code == 403
    assert _page_upload(page, meeting["id"], pdfs.text_pdf(1)).status_code == 403  # the whole meeting's
    assert _page_upload(page, meeting["id"], pdfs.text_pdf(2), agenda_item_id=str(own["id"])).status_code == 302
    assert _materials(app) == [("Tờ trình dự toán ngân sách 2027", 1)]


def test_a_viewer_not_involved_sees_the_agenda_but_no_forms(pages, client, meeting, secretary):
    _add_item(client, secretary, meeting["id"], title="Dự toán ngân sách")
    html = signed_in(pages, "quansat").get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert "Dự toán ngân sách" in html and "upload-" not in html and 'id="add-item"' not in html


def test_publishing_from_the_page_and_the_not_read_list(app, pages, client, meeting, secretary, people):
    _api_upload(client, secretary, meeting["id"], "Tờ trình giao kế hoạch vốn")
    page = signed_in(pages, "chuyenvien")
    html = page.get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert "1 tài liệu chưa phát hành" in html and "Chưa phát hành" in html
    token = csrf_from(html)
    done = page.post(f"/meetings/{meeting['id']}/publications", data={"csrf_token": token, "note": "Kính gửi"})
    assert done.status_code == 302
    html = page.get(done.headers["Location"]).get_data(as_text=True)
    assert "Đã phát hành 1 tài liệu" in html and "Mọi tài liệu đã được phát hành" in html
    again = page.post(f"/meetings/{meeting['id']}/publications", data={"csrf_token": token})
    assert again.status_code == 409 and "đã được phát hành" in again.get_data(as_text=True)
    reads = page.get(f"/meetings/{meeting['id']}/reads").get_data(as_text=True)
    assert "Chưa đọc" in reads and "Nguyễn Văn Pct" in reads and 'data-state="unread"' in reads
    chair = signed_in(app.test_client(), "pct")
    assert chair.get(f"/meetings/{meeting['id']}/reads").status_code == 403
    assert "publish-form" not in chair.get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)


def test_choosing_the_readers_of_a_confidential_material_on_the_page(app, pages, meeting, people):
    page = signed_in(pages, "chuyenvien")
    html = page.get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert re.search(rf'value="{people.leader}"\s+id="upload-general-reader-{people.leader}" checked', html)
    token = csrf_from(html)
    response = page.post(f"/meetings/{meeting['id']}/materials", content_type="multipart/form-data", data={
        "csrf_token": token, "title": "Phương án nhân sự", "confidentiality": "confidential",
        "reader_ids": [str(people.office_leader)], "file": (BytesIO(pdfs.text_pdf(1, seed=3)), "mat.pdf")})
    assert response.status_code == 302
    with app.app_context():
        material = db.session.scalar(sa.select(Material))
        assert [r.username for r in material.readers] == ["chuyenvien", "chanhvp"]  # the secretary stays
        material_id = material.id
    refused = page.post(f"/materials/{material_id}/readers", data={"csrf_token": token})
    assert refused.status_code == 422 and "Chọn ít nhất một người đọc" in refused.get_data(as_text=True)
    saved = page.post(f"/materials/{material_id}/readers",
                      data={"csrf_token": token, "reader_ids": [str(people.leader)]})
    assert saved.status_code == 302
    with app.app_context():
        readers = db.session.get(Material, material_id).readers
        assert sorted(r.username for r in readers) == ["chuyenvien", "pct"]  # the secretary stays
