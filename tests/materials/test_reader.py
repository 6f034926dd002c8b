"""The in-browser reader (pdf.js): the page and its policy through the test client, then a real Chromium on a
tablet against the real server — first page drawn, thumbnails, tapping a thumbnail, both orientations."""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from tests.fixtures import ROOT, pdfs
from tests.fixtures.browser import ARTIFACTS, DEMO_SECRETARY, sign_in_page
from tests.fixtures.materials import READER_OVERFLOW, demo_upload, html_attribute, publish, upload_pdf
from tests.fixtures.web import signed_in

PDFJS_DIR = ROOT / "static" / "vendor" / "pdfjs"


# --- the page through the test client ------------------------------------------------------------------

def test_a_reader_gets_the_reader_in_vietnamese(app, client, meeting, secretary):
    material = upload_pdf(client, secretary, meeting["id"], title="Tờ trình dự toán ngân sách tỉnh năm 2027")
    response = signed_in(app.test_client(), "chuyenvien").get(f"/materials/{material['id']}/read")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tờ trình dự toán ngân sách tỉnh năm 2027" in html and meeting["title"] in html
    assert f'href="/meetings/{meeting["id"]}/agenda"' in html and "Về chương trình họp" in html
    assert 'id="reader-version">Phiên bản 1<' in html and "Đã cập nhật" not in html
    for label in ("Trang trước", "Trang sau", "Số trang", "Phóng to", "Thu nhỏ", "Vừa chiều ngang",
                  "Trang thu nhỏ", "Đang tải tài liệu…", "Không mở được tài liệu."):
        assert label in html, label
    for english in ("Previous page", "Next page", "Fit to width", "Zoom in", "Loading the document"):
        assert english not in html, english
    assert html_attribute(html, "data-label-page") == "Trang {page}"
    assert html_attribute(html, "data-label-go-to-page") == "Đến trang {page}"
    assert html_attribute(html, "data-file-url") == f"/api/v1/materials/{material['id']}/file"
    assert html_attribute(html, "data-page-count") == "3" and html_attribute(html, "data-initial-page") == "1"
    assert '<script type="module" src="/static/js/reader.js' in html


def test_an_updated_material_is_marked_with_its_version(app, client, meeting, secretary):
    material = upload_pdf(client, secretary, meeting["id"])
    replaced = client.post(f"/api/v1/materials/{material['id']}/versions", headers=secretary,
                           data={"file": (BytesIO(pdfs.text_pdf(5, seed=12)), "to-trinh-v2.pdf")},
                           content_type="multipart/form-data")
    assert replaced.status_code == 201, replaced.get_json()
    html = signed_in(app.test_client(), "chuyenvien").get(f"/materials/{material['id']}/read").get_data(as_text=True)
    assert 'id="reader-updated"' in html and "Đã cập nhật" in html
    assert 'id="reader-version">Phiên bản 2<' in html and html_attribute(html, "data-page-count") == "5"


@pytest.mark.parametrize("query, page", [("?page=2", 2), ("?page=3", 3), ("?page=99", 3), ("?page=0", 1),
                                         ("?page=-4", 1), ("?page=abc", 1), ("", 1)])
def test_the_page_to_open_comes_from_the_query(app, client, meeting, secretary, query, page):
    material = upload_pdf(client, secretary, meeting["id"])
    response = signed_in(app.test_client(), "chuyenvien").get(f"/materials/{material['id']}/read{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html_attribute(html, "data-initial-page") == str(page)
    assert re.search(rf'id="reader-page-input"[^>]*value="{page}"', html)


def test_a_confidential_material_is_a_404_for_another_agencys_liaison(app, client, meeting, secretary,
                                                                      people):
    secret = upload_pdf(client, secretary, meeting["id"], title="Phương án sắp xếp nhân sự",
                       confidentiality="confidential")
    publish(client, secretary, meeting["id"])
    liaison = signed_in(app.test_client(), "sotc")  # its agency is invited, not a reader of the confidential one
    response = liaison.get(f"/materials/{secret['id']}/read")
    assert response.status_code == 404
    assert response.mimetype == "text/html" and "Phương án sắp xếp nhân sự" not in response.get_data(as_text=True)
    assert liaison.get(f"/api/v1/materials/{secret['id']}/file").status_code == 404  # the same answer as the API
    chair = signed_in(app.test_client(), "pct")  # a reader of it by default
    html = chair.get(f"/materials/{secret['id']}/read").get_data(as_text=True)
    assert "Phương án sắp xếp nhân sự" in html and 'data-confidentiality="confidential"' in html
    assert signed_in(app.test_client(), "sotc").get("/materials/999999/read").status_code == 404


def test_an_unpublished_material_is_only_for_the_secretariat(app, client, meeting, secretary):
    material = upload_pdf(client, secretary, meeting["id"])
    assert signed_in(app.test_client(), "pct").get(f"/materials/{material['id']}/read").status_code == 404
    publish(client, secretary, meeting["id"])
    assert signed_in(app.test_client(), "pct").get(f"/materials/{material['id']}/read").status_code == 200


def test_the_reader_needs_a_sign_in(app, client, meeting, secretary):
    material = upload_pdf(client, secretary, meeting["id"])
    response = app.test_client().get(f"/materials/{material['id']}/read")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_paper_only_material_has_nothing_to_load(app, client, meeting, secretary):
    response = client.post(f"/api/v1/meetings/{meeting['id']}/paper-materials", headers=secretary,
                           json={"title": "Bản đồ quy hoạch khổ A0"})
    assert response.status_code == 201, response.get_json()
    reader = signed_in(app.test_client(), "chuyenvien")
    html = reader.get(f"/materials/{response.get_json()['id']}/read").get_data(as_text=True)
    assert "Bản đồ quy hoạch khổ A0" in html and "Phát bản giấy tại cuộc họp" in html
    assert 'id="reader"' not in html and "reader.js" not in html


def test_pdfjs_is_served_by_the_app_as_javascript(app, client, meeting, secretary):
    assert (PDFJS_DIR / "pdf.min.mjs").is_file(), "static/vendor/pdfjs is missing: run `make assets`"
    material = upload_pdf(client, secretary, meeting["id"])
    html = signed_in(app.test_client(), "chuyenvien").get(f"/materials/{material['id']}/read").get_data(as_text=True)
    anonymous = app.test_client()
    for name in ("data-pdfjs-url", "data-worker-url"):
        url = html_attribute(html, name)
        assert url.startswith("/static/vendor/pdfjs/") and url.endswith(".mjs")
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert response.mimetype in ("text/javascript", "application/javascript"), (url, response.mimetype)
        response.close()
    assert f'rel="modulepreload" href="{html_attribute(html, "data-pdfjs-url")}"' in html
    for name, probe in (("data-cmap-url", "UniJIS-UCS2-H.bcmap"), ("data-standard-font-url", "FoxitSerif.pfb"),
                        ("data-wasm-url", "openjpeg.wasm")):
        url = html_attribute(html, name)
        assert url.endswith("/")
        response = anonymous.get(url + probe)
        assert response.status_code == 200, url + probe
        response.close()
    assert anonymous.get(html_attribute(html, "data-wasm-url") + "openjpeg.wasm").mimetype == "application/wasm"


def test_the_mjs_type_does_not_depend_on_the_system_mime_types(database_url, tmp_path):
    import mimetypes

    from ecabinet import create_app

    mimetypes.init(files=[])  # a server without /etc/mime.types
    try:
        create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, STORAGE_DIR=str(tmp_path / "storage"))
        assert mimetypes.guess_type("pdf.worker.min.mjs")[0] == "text/javascript"
        assert mimetypes.guess_type("openjpeg.wasm")[0] == "application/wasm"
    finally:
        mimetypes.init()


# --- a real Chromium on a tablet -----------------------------------------------------------------------

PAGES = 6


@pytest.fixture(scope="module")
def reader_material(live_server, browser):
    """A 6-page Vietnamese PDF (real text, embedded fonts)."""
    return demo_upload(live_server, browser, "Báo cáo tình hình kinh tế - xã hội tháng 11 năm 2026",
                        pdfs.text_pdf(PAGES, seed=2026))


INK = """selector => {
  const canvas = document.querySelector(selector);
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const {data} = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 200 && data[i + 1] < 200 && data[i + 2] < 200) ink++;
  return ink / (canvas.width * canvas.height);
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(800, 1280), (1280, 800)])
def test_a_tablet_reads_a_material_page_by_page(live_server, browser, reader_material, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True,
                                  device_scale_factor=1.5)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_page(page, live_server, DEMO_SECRETARY)

    page.goto(f"{live_server}/materials/{reader_material['id']}/read")
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    assert page.locator("h1#reader-title").inner_text().startswith("Báo cáo tình hình kinh tế - xã hội")
    assert page.locator("#reader-back").inner_text().strip() in ("Về chương trình họp", "")
    assert page.get_attribute("#reader-prev", "title") == "Trang trước"
    assert page.evaluate("window.ecabinetReader.pageCount()") == PAGES
    assert page.evaluate("window.ecabinetReader.currentPage()") == 1
    assert page.evaluate(INK, "#page-1 canvas") > 0.005  # the first page is drawn: Vietnamese text, not white
    assert page.locator(".reader-page").count() == PAGES
    assert page.locator("#page-6 canvas").count() == 0  # drawn only when it comes near the screen

    page.wait_for_selector("#thumb-1.is-drawn")  # thumbnails are drawn, lazily, after the pages
    assert page.locator(".reader-thumb").count() == PAGES
    assert page.get_attribute("#thumb-3", "aria-label") == "Đến trang 3"
    assert page.evaluate(INK, "#thumb-1 canvas") > 0.005

    page.evaluate("() => { window.seen = []; window.ecabinetReader.onPageChange(p => window.seen.push(p)); }")
    page.locator("#thumb-3").scroll_into_view_if_needed()
    page.tap("#thumb-3")
    page.wait_for_function("() => window.ecabinetReader.currentPage() === 3")
    page.wait_for_selector("#page-3.is-drawn")
    assert page.evaluate("window.seen") == [3]
    assert page.get_attribute("#thumb-3", "aria-current") == "page"
    assert page.input_value("#reader-page-input") == "3"
    top = page.evaluate("""() => document.querySelector('#page-3').getBoundingClientRect().top
                                 - document.querySelector('#reader-pages').getBoundingClientRect().top""")
    assert 0 <= top <= 40  # page 3 is at the top of the reader
    assert page.evaluate(INK, "#page-3 canvas") > 0.005

    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.ecabinetReader.currentPage() === 4")
    page.tap("#reader-prev")
    page.wait_for_function("() => window.ecabinetReader.currentPage() === 3")
    page.fill("#reader-page-input", "6")
    page.press("#reader-page-input", "Enter")
    page.wait_for_function("() => window.ecabinetReader.currentPage() === 6")
    page.wait_for_selector("#page-6.is-drawn")
    assert page.is_disabled("#reader-next")
    page.evaluate("window.ecabinetReader.goTo(2)")
    page.wait_for_selector("#page-2.is-drawn")
    assert page.evaluate("window.ecabinetReader.currentPage()") == 2
    page.wait_for_function("() => new URL(location.href).searchParams.get('page') === '2'")

    assert page.get_attribute("#reader-fit-width", "aria-pressed") == "true"  # fit to width by default
    fitted = page.evaluate("document.querySelector('#page-2').getBoundingClientRect().width")
    available = page.evaluate("document.querySelector('#reader-pages').clientWidth")
    assert available - 40 <= fitted <= available
    overflow = page.evaluate(READER_OVERFLOW)
    assert overflow == {"page": 0, "toolbar": 0, "header": 0}, overflow
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reader-{width}x{height}.png"))

    page.tap("#reader-zoom-in")  # zoomed in, the pages scroll sideways inside the reader, the chrome does not
    page.wait_for_function("() => document.querySelector('#reader-fit-width').getAttribute('aria-pressed') === 'false'")
    assert page.evaluate("document.querySelector('#page-2').getBoundingClientRect().width") > fitted
    assert page.evaluate("window.ecabinetReader.currentPage()") == 2
    assert page.evaluate(READER_OVERFLOW)["page"] == 0
    page.tap("#reader-fit-width")
    page.wait_for_function("() => document.querySelector('#reader-fit-width').getAttribute('aria-pressed') === 'true'")

    page.set_viewport_size({"width": height, "height": width})  # the tablet turns
    page.wait_for_function("""() => Math.abs(document.querySelector('#page-2').getBoundingClientRect().width
                                 - document.querySelector('#reader-pages').clientWidth) < 40""")
    assert page.evaluate("window.ecabinetReader.currentPage()") == 2
    assert page.evaluate(READER_OVERFLOW) == {"page": 0, "toolbar": 0, "header": 0}
    assert not problems, problems
    context.close()


@pytest.mark.browser
def test_the_reader_opens_at_the_page_asked_for(live_server, browser, reader_material):
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_page(page, live_server, DEMO_SECRETARY)
    page.goto(f"{live_server}/materials/{reader_material['id']}/read?page=5")
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    assert page.evaluate("window.ecabinetReader.currentPage()") == 5
    assert page.evaluate(INK, "#page-5 canvas") > 0.005
    assert page.get_attribute("#thumb-5", "aria-current") == "page"
    assert page.locator("#page-1 canvas").count() == 0  # pages far from the screen are not drawn
    page.locator("#reader-pages").evaluate("el => el.scrollTop = 0")  # scrolling by hand moves the current page
    page.wait_for_function("() => window.ecabinetReader.currentPage() === 1")
    page.wait_for_selector("#page-1.is-drawn")

    # the search, typed with Enter, ignores case: the first match's page is shown, the match highlighted
    found_on = next(n for n, text in enumerate(pdfs.page_texts(PAGES, seed=2026), start=1) if "trang 4" in text.lower())
    page.tap("#reader-search-toggle")
    page.fill("#reader-search-text", "TRANG 4")
    page.press("#reader-search-text", "Enter")
    page.wait_for_selector(f"#page-{found_on} .reader-search-hit")
    assert page.evaluate("window.ecabinetReader.currentPage()") == found_on
    assert re.fullmatch(r"1/\d+", page.inner_text("#reader-search-count").strip())
    assert page.evaluate(READER_OVERFLOW) == {"page": 0, "toolbar": 0, "header": 0}
    assert not problems, problems
    context.close()


@pytest.fixture
def range_server():
    """A server that answers byte ranges at once but sends a whole file slowly (about 18 s for 600 KB): what the
    reader does when the file endpoint supports ``Range`` on a slow link."""
    import threading
    import time

    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    data = pdfs.text_pdf(400, seed=7)
    state = {"data": data, "streamed": 0, "ranges": []}

    @Request.application
    def serve(request):
        headers = {"Accept-Ranges": "bytes", "Content-Type": "application/pdf", "Cache-Control": "private, no-store"}
        match = re.fullmatch(r"bytes=(\d+)-(\d+)", request.headers.get("Range", ""))
        if match:
            first, last = int(match.group(1)), min(int(match.group(2)), len(data) - 1)
            state["ranges"].append((first, last))
            headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
            return Response(data[first:last + 1], 206, headers)

        def slowly():
            for start in range(0, len(data), 16384):
                time.sleep(0.5)
                state["streamed"] = start + 16384
                yield data[start:start + 16384]

        headers["Content-Length"] = str(len(data))
        return Response(slowly(), 200, headers, direct_passthrough=True)

    server = make_server("127.0.0.1", 0, serve, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}/material.pdf"
    yield state
    server.shutdown()


@pytest.mark.browser
def test_with_ranges_the_first_page_comes_before_the_whole_file(live_server, browser, reader_material,
                                                                 range_server):
    """pdf.js streams and asks for ranges: page 1 of a 400-page file is drawn long before its last byte came."""
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_page(page, live_server, DEMO_SECRETARY)
    page.route("**/api/v1/materials/*/file", lambda route: route.continue_(url=range_server["url"]))
    page.goto(f"{live_server}/materials/{reader_material['id']}/read")
    page.wait_for_selector("#reader[data-state=ready]", timeout=15_000)
    assert range_server["streamed"] < len(range_server["data"])  # the whole file has not arrived
    assert range_server["ranges"]  # pdf.js fetched what it needed by range
    assert page.evaluate("window.ecabinetReader.pageCount()") == 400
    assert page.evaluate(INK, "#page-1 canvas") > 0.005
    assert not problems, problems
    context.close()


@pytest.mark.browser
def test_portrait_and_landscape_pages_each_fit_the_width(live_server, browser):
    """A pack mixes A4 portrait and landscape pages, turned by /Rotate, with a non-embedded standard font."""
    mixed = ((0, (0, 0, 595, 842), None, False), (0, (0, 0, 842, 595), None, False),  # A4 portrait, landscape
             (90, (0, 0, 595, 842), None, False), (0, (0, 0, 595, 842), None, False))  # portrait turned, portrait
    material = demo_upload(live_server, browser, "Phụ lục các bảng biểu", pdfs.rotated_pdf(mixed))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_page(page, live_server, DEMO_SECRETARY)
    page.goto(f"{live_server}/materials/{material['id']}/read")
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    assert page.evaluate("window.ecabinetReader.pageCount()") == len(mixed)
    page.wait_for_function("""() => {  // every page's own size is known: portrait pages tall, landscape ones short
      const [first, second] = ['#page-1', '#page-2'].map(s => document.querySelector(s).getBoundingClientRect());
      return second.height < first.height * 0.8;
    }""")
    sizes = page.evaluate("""() => [...document.querySelectorAll('.reader-page')].map(el => {
      const box = el.getBoundingClientRect(); return [Math.round(box.width), Math.round(box.height)]; })""")
    available = page.evaluate("document.querySelector('#reader-pages').clientWidth")
    assert all(available - 40 <= width <= available for width, _height in sizes), sizes
    assert [height > width for width, height in sizes] == [True, False, False, True], sizes
    page.tap("#thumb-2")
    page.wait_for_function("() => window.ecabinetReader.currentPage() === 2")
    page.wait_for_selector("#page-2.is-drawn")
    assert page.evaluate(INK, "#page-2 canvas") > 0  # "Trang 2" in Helvetica, from pdf.js's standard fonts
    assert not problems, problems
    context.close()


@pytest.mark.browser
def test_a_file_that_cannot_be_opened_is_said_in_vietnamese(live_server, browser, reader_material):
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_page(page, live_server, DEMO_SECRETARY)
    page.route("**/api/v1/materials/*/file",
               lambda route: route.fulfill(status=200, body=b"%PDF-1.7 broken", content_type="application/pdf"))
    page.goto(f"{live_server}/materials/{reader_material['id']}/read")
    page.wait_for_selector("#reader[data-state=error]", timeout=20_000)
    assert page.is_visible("#reader-error") and not page.is_visible("#reader-status")
    assert "Không mở được tài liệu." in page.inner_text("#reader-error")
    assert page.get_attribute("#reader-download", "href") == f"/api/v1/materials/{reader_material['id']}/file"
    assert page.evaluate("window.ecabinetReader.goTo(3)") == 3  # the live meeting may still call it
    assert not problems, problems
    context.close()
