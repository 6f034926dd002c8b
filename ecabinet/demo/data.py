"""Demo data: the (fictional) People's Committee of Quảng Ngãi province, as organised since 1 July 2025.

Pure data, no project imports. Local government has two tiers since 1 July 2025 (Luật Tổ chức chính quyền địa
phương 2025): the province and its communes, wards and special zones; there is no district level. Unit names
follow the real organisation of the province:
- the Office's divisions are those of Quyết định số 55/2021/QĐ-UBND (Văn phòng UBND tỉnh Quảng Ngãi);
- the departments are those after the 2025 mergers (Nghị định 45/2025/NĐ-CP; Nghị quyết của HĐND tỉnh Quảng Ngãi
  on its specialised agencies from 01/3/2025, and after the province's merger with Kon Tum): Planning and
  Investment into Finance, Transport into Construction, Agriculture and Rural Development with Natural Resources
  and Environment into Agriculture and Environment, Information and Communications into Science and Technology,
  Labour, Invalids and Social Affairs into Home Affairs, the Ethnic Committee into Ethnic Minorities and Religions;
- the 96 communes, wards and the special zone are those of Nghị quyết số 1677/NQ-UBTVQH15 (16/6/2025) on
  the commune-level units of Quảng Ngãi province, which includes the former Kon Tum province (Nghị quyết số
  202/2025/QH15).
Every person's name is fictional.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitSpec:
    code: str  # lowercase ascii letters/digits, 2-32 chars, unique
    name: str  # full Vietnamese name
    short_name: str
    kind: str  # province | office | office_division | department | commune (xã, phường or đặc khu)
    parent: str | None  # parent unit code; None only for the province


@dataclass(frozen=True)
class SectorSpec:
    code: str
    name: str


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str
    position_title: str
    unit: str
    roles: tuple[str, ...]
    email: str
    sectors: tuple[str, ...] = ()
    portfolio_units: tuple[str, ...] = ()


PROVINCE_NAME = "Quảng Ngãi"
EMAIL_DOMAIN = "quangngai.gov.vn"

# --- Units ---------------------------------------------------------------

# Đơn vị thuộc Văn phòng UBND tỉnh (07 đơn vị hành chính + 01 đơn vị sự nghiệp).
_OFFICE_DIVISIONS: tuple[tuple[str, str, str], ...] = (
    ("vpktth", "Phòng Kinh tế - Tổng hợp", "Phòng KTTH"),
    ("vpktn", "Phòng Kinh tế ngành", "Phòng KTN"),
    ("vpkgvx", "Phòng Khoa giáo - Văn xã", "Phòng KGVX"),
    ("vpnc", "Phòng Nội chính", "Phòng NC"),
    ("vphcqt", "Phòng Hành chính - Quản trị", "Phòng HCQT"),
    ("vpbtcd", "Ban Tiếp công dân tỉnh", "Ban TCD tỉnh"),
    ("vpttpvks", "Trung tâm Phục vụ - Kiểm soát thủ tục hành chính tỉnh", "Trung tâm PV-KSTTHC"),
    ("vpttcbth", "Trung tâm Công báo và Tin học", "Trung tâm CB&TH"),
)

# Sở, ban, ngành: the specialised agencies of the UBND after the 2025 mergers, then the other provincial bodies
# and the central agencies in the province that the UBND invites and assigns work to.
_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("sonv", "Sở Nội vụ", "Sở NV"),
    ("sotp", "Sở Tư pháp", "Sở TP"),
    ("sotc", "Sở Tài chính", "Sở TC"),
    ("soct", "Sở Công Thương", "Sở CT"),
    ("sonnmt", "Sở Nông nghiệp và Môi trường", "Sở NN&MT"),
    ("soxd", "Sở Xây dựng", "Sở XD"),
    ("sokhcn", "Sở Khoa học và Công nghệ", "Sở KH&CN"),
    ("sovhttdl", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL"),
    ("sogddt", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
    ("soyt", "Sở Y tế", "Sở YT"),
    ("sodttg", "Sở Dân tộc và Tôn giáo", "Sở DT&TG"),
    ("songv", "Sở Ngoại vụ", "Sở NgV"),
    ("thanhtra", "Thanh tra tỉnh", "TTr tỉnh"),
    ("bqlkkt", "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi",
     "BQL KKT Dung Quất và các KCN"),
    ("congan", "Công an tỉnh", "CA tỉnh"),
    ("bchqs", "Bộ Chỉ huy Quân sự tỉnh", "Bộ CHQS tỉnh"),
    ("bdbp", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "BĐBP tỉnh"),
    ("vpdbhdnd", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh",
     "VP Đoàn ĐBQH và HĐND tỉnh"),
    ("thuetinh", "Thuế tỉnh Quảng Ngãi", "Thuế tỉnh"),
    ("bhxh", "Bảo hiểm xã hội tỉnh Quảng Ngãi", "BHXH tỉnh"),
    ("baoptth", "Báo và Phát thanh, Truyền hình Quảng Ngãi", "Báo và PT-TH Quảng Ngãi"),
)

# The 96 commune-level units (Nghị quyết 1677/NQ-UBTVQH15), by type: (code, name). A code is the ascii name
# after a type letter (x xã, p phường, dk đặc khu); a second name of the same ascii spelling ends in 2.
_SPECIAL_ZONES: tuple[tuple[str, str], ...] = (("dklyson", "Lý Sơn"),)
_WARDS: tuple[tuple[str, str], ...] = (
    ("pcamthanh", "Cẩm Thành"), ("pdakbla", "Đăk Bla"), ("pdakcam", "Đăk Cấm"), ("pducpho", "Đức Phổ"),
    ("pkontum", "Kon Tum"), ("pnghialo", "Nghĩa Lộ"), ("psahuynh", "Sa Huỳnh"), ("ptracau", "Trà Câu"),
    ("ptruongquangtrong", "Trương Quang Trọng"),
)
_COMMUNES: tuple[tuple[str, str], ...] = (
    ("xanphu", "An Phú"), ("xbadinh", "Ba Dinh"), ("xbadong", "Ba Động"), ("xbagia", "Ba Gia"), ("xbato", "Ba Tơ"),
    ("xbato2", "Ba Tô"), ("xbavi", "Ba Vì"), ("xbavinh", "Ba Vinh"), ("xbaxa", "Ba Xa"),
    ("xbinhchuong", "Bình Chương"), ("xbinhminh", "Bình Minh"), ("xbinhson", "Bình Sơn"), ("xboy", "Bờ Y"),
    ("xcadam", "Cà Đam"), ("xdakha", "Đăk Hà"), ("xdakkoi", "Đăk Kôi"), ("xdaklong", "Đăk Long"),
    ("xdakmar", "Đăk Mar"), ("xdakmon", "Đăk Môn"), ("xdakpek", "Đăk Pék"), ("xdakplo", "Đăk Plô"),
    ("xdakpxi", "Đăk Pxi"), ("xdakrowa", "Đăk Rơ Wa"), ("xdakrve", "Đăk Rve"), ("xdaksao", "Đăk Sao"),
    ("xdakto", "Đăk Tô"), ("xdaktokan", "Đăk Tờ Kan"), ("xdakui", "Đăk Ui"), ("xdangthuytram", "Đặng Thùy Trâm"),
    ("xdinhcuong", "Đình Cương"), ("xdongson", "Đông Sơn"), ("xdongtrabong", "Đông Trà Bồng"),
    ("xducnong", "Dục Nông"), ("xiachim", "Ia Chim"), ("xiadal", "Ia Đal"), ("xiatoi", "Ia Tơi"),
    ("xkhanhcuong", "Khánh Cường"), ("xkonbraih", "Kon Braih"), ("xkondao", "Kon Đào"), ("xkonplong", "Kon Plông"),
    ("xlanphong", "Lân Phong"), ("xlongphung", "Long Phụng"), ("xmangbut", "Măng Bút"), ("xmangden", "Măng Đen"),
    ("xmangri", "Măng Ri"), ("xminhlong", "Minh Long"), ("xmocay", "Mỏ Cày"), ("xmoduc", "Mộ Đức"),
    ("xmorai", "Mô Rai"), ("xnghiagiang", "Nghĩa Giang"), ("xnghiahanh", "Nghĩa Hành"), ("xngoclinh", "Ngọc Linh"),
    ("xngokbay", "Ngọk Bay"), ("xngokreo", "Ngọk Réo"), ("xngoktu", "Ngọk Tụ"), ("xnguyennghiem", "Nguyễn Nghiêm"),
    ("xphuocgiang", "Phước Giang"), ("xrokoi", "Rờ Kơi"), ("xsabinh", "Sa Bình"), ("xsaloong", "Sa Loong"),
    ("xsathay", "Sa Thầy"), ("xsonha", "Sơn Hà"), ("xsonha2", "Sơn Hạ"), ("xsonky", "Sơn Kỳ"),
    ("xsonlinh", "Sơn Linh"), ("xsonmai", "Sơn Mai"), ("xsontay", "Sơn Tây"), ("xsontayha", "Sơn Tây Hạ"),
    ("xsontaythuong", "Sơn Tây Thượng"), ("xsonthuy", "Sơn Thủy"), ("xsontinh", "Sơn Tịnh"), ("xtaytra", "Tây Trà"),
    ("xtaytrabong", "Tây Trà Bồng"), ("xthanhbong", "Thanh Bồng"), ("xthientin", "Thiện Tín"),
    ("xthophong", "Thọ Phong"), ("xtinhkhe", "Tịnh Khê"), ("xtrabong", "Trà Bồng"), ("xtragiang", "Trà Giang"),
    ("xtruonggiang", "Trường Giang"), ("xtumorong", "Tu Mơ Rông"), ("xtunghia", "Tư Nghĩa"),
    ("xvantuong", "Vạn Tường"), ("xvegiang", "Vệ Giang"), ("xxop", "Xốp"), ("xyaly", "Ya Ly"),
)

COMMUNE_LEVEL_TYPES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("đặc khu", _SPECIAL_ZONES), ("phường", _WARDS), ("xã", _COMMUNES))
"""Vietnamese type name → its units: every one of kind ``commune``, under the province."""

UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("ubndtinh", "Ủy ban nhân dân tỉnh Quảng Ngãi", "UBND tỉnh", "province", None),
    UnitSpec("vpubnd", "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", "office", "ubndtinh"),
    *(UnitSpec(c, n, s, "office_division", "vpubnd") for c, n, s in _OFFICE_DIVISIONS),
    *(UnitSpec(c, n, s, "department", "ubndtinh") for c, n, s in _DEPARTMENTS),
    *(
        UnitSpec(c, f"Ủy ban nhân dân {kind} {n}", f"UBND {kind} {n}", "commune", "ubndtinh")
        for kind, units in COMMUNE_LEVEL_TYPES
        for c, n in units
    ),
)

# --- Sectors (lĩnh vực) -----------------------------------------------------

SECTORS: tuple[SectorSpec, ...] = (
    SectorSpec("noichinh", "Nội chính, quốc phòng - an ninh, thanh tra, tiếp công dân"),
    SectorSpec("tochuc", "Tổ chức bộ máy, cán bộ, cải cách hành chính"),
    SectorSpec("kinhte", "Kế hoạch, đầu tư"),
    SectorSpec("taichinh", "Tài chính, ngân sách"),
    SectorSpec("congthuong", "Công nghiệp, thương mại, khu kinh tế, khu công nghiệp"),
    SectorSpec("nongnghiep", "Nông nghiệp, môi trường, xây dựng nông thôn mới"),
    SectorSpec("dothi", "Xây dựng, quy hoạch, phát triển đô thị"),
    SectorSpec("giaothong", "Giao thông vận tải"),
    SectorSpec("tainguyen", "Đất đai, tài nguyên"),
    SectorSpec("giaoduc", "Giáo dục, đào tạo"),
    SectorSpec("yte", "Y tế, phòng, chống dịch bệnh"),
    SectorSpec("vanhoa", "Văn hóa, thể thao, du lịch"),
    SectorSpec("xahoi", "Lao động, người có công và xã hội, dân tộc, tôn giáo"),
    SectorSpec("khoahoc", "Khoa học, công nghệ, chuyển đổi số, thông tin và truyền thông"),
)

# --- People (all names fictional) ------------------------------------------------


def _email(username: str) -> str:
    return f"{username}@{EMAIL_DOMAIN}"


_CORE_PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("admin", "Quản trị hệ thống", "Quản trị hệ thống", "vpubnd", ("admin",), _email("admin")),
    PersonSpec(
        "chutich", "Trương Công Thành", "Chủ tịch UBND tỉnh", "ubndtinh", ("leader",), _email("chutich"),
        sectors=("noichinh", "tochuc"),
        portfolio_units=("sonv", "sotp", "thanhtra", "congan", "bchqs", "bdbp", "songv"),
    ),
    PersonSpec(
        "pct1", "Huỳnh Văn Lộc", "Phó Chủ tịch Thường trực UBND tỉnh", "ubndtinh", ("leader",), _email("pct1"),
        sectors=("kinhte", "taichinh", "congthuong"),
        portfolio_units=("sotc", "soct", "bqlkkt", "thuetinh", "pcamthanh", "pnghialo", "ptruongquangtrong"),
    ),
    PersonSpec(
        "pct2", "Phạm Đình Quang", "Phó Chủ tịch UBND tỉnh", "ubndtinh", ("leader",), _email("pct2"),
        sectors=("dothi", "giaothong", "tainguyen", "nongnghiep"),
        portfolio_units=("soxd", "sonnmt", "xbinhson", "xvantuong", "dklyson"),
    ),
    PersonSpec(
        "pct3", "Đoàn Thị Mỹ Hạnh", "Phó Chủ tịch UBND tỉnh", "ubndtinh", ("leader",), _email("pct3"),
        sectors=("giaoduc", "yte", "vanhoa", "xahoi", "khoahoc"),
        portfolio_units=("sogddt", "soyt", "sovhttdl", "sokhcn", "sodttg", "bhxh", "baoptth", "pkontum", "xdakha"),
    ),
    PersonSpec("chanhvp", "Lương Văn Hiếu", "Chánh Văn phòng UBND tỉnh", "vpubnd", ("office_leader",),
               _email("chanhvp")),
    PersonSpec("phochanhvp", "Nguyễn Thị Bích Ngọc", "Phó Chánh Văn phòng UBND tỉnh", "vpubnd",
               ("office_leader",), _email("phochanhvp")),
    PersonSpec("chuyenvien1", "Võ Minh Triết", "Chuyên viên Phòng Kinh tế - Tổng hợp", "vpktth",
               ("secretariat",), _email("chuyenvien1"), sectors=("kinhte", "taichinh", "congthuong")),
    PersonSpec("chuyenvien2", "Lê Thị Thu Hà", "Chuyên viên Phòng Khoa giáo - Văn xã", "vpkgvx",
               ("secretariat",), _email("chuyenvien2"), sectors=("giaoduc", "yte", "vanhoa", "xahoi")),
    PersonSpec("vanthu", "Trần Thị Kim Oanh", "Văn thư", "vpubnd", ("clerk",), _email("vanthu")),
    PersonSpec("giamdocstc", "Bùi Quốc Vinh", "Giám đốc Sở Tài chính", "sotc", ("member",),
               _email("giamdocstc"), sectors=("kinhte", "taichinh")),
    PersonSpec("quansat", "Hồ Thị Ngọc Lan", "Chuyên viên theo dõi", "vpubnd", ("viewer",), _email("quansat")),
)

# Fictional full names for the agencies' liaison officers (cán bộ đầu mối).
_LIAISON_NAMES: tuple[str, ...] = (
    "Nguyễn Văn An", "Trần Thị Bích", "Lê Quang Cường", "Phạm Thị Diệu", "Huỳnh Tấn Đạt",
    "Võ Thị Giang", "Đặng Minh Hải", "Bùi Thị Hằng", "Đỗ Văn Hùng", "Hồ Thị Hương",
    "Ngô Đức Khánh", "Dương Thị Kiều", "Lý Văn Lâm", "Trương Thị Liên", "Phan Thanh Long",
    "Vũ Thị Mai", "Nguyễn Hữu Nam", "Tạ Thị Nga", "Lâm Văn Nhân", "Châu Thị Nhung",
    "Đinh Văn Phát", "Mai Thị Phương", "Tôn Thất Quý", "Lương Thị Quyên", "Nguyễn Tấn Sang",
    "Trần Thị Sương", "Lê Văn Tài", "Phạm Thị Thảo", "Huỳnh Ngọc Thắng", "Võ Thị Thu",
    "Đoàn Văn Tiến", "Cao Thị Trang", "Hà Minh Trí", "Kiều Thị Tuyết", "Nguyễn Đình Tùng",
    "Trịnh Thị Uyên", "Lê Hoàng Việt", "Phạm Thị Xuân", "Đinh Thị Yến", "Trần Văn Vũ",
    "Nguyễn Thị Ánh", "Hoàng Văn Bảo",
)


def _liaison_title(unit: UnitSpec) -> str:
    if unit.kind == "commune":
        return "Chuyên viên Văn phòng HĐND và UBND " + unit.name.removeprefix("Ủy ban nhân dân ")
    if unit.name.startswith("Sở "):
        return "Chuyên viên Văn phòng Sở"
    return "Văn thư"


LIAISON_COMMUNES: tuple[str, ...] = ("pcamthanh", "pnghialo", "ptruongquangtrong", "pducpho", "pkontum", "pdakbla",
                                     "dklyson", "xbinhson", "xvantuong", "xdakha")
"""The communes with a liaison account in the demo (a sample: every department has one)."""

_LIAISON_UNITS: tuple[UnitSpec, ...] = tuple(
    u for u in UNITS if u.kind == "department" or u.code in LIAISON_COMMUNES)

PEOPLE: tuple[PersonSpec, ...] = _CORE_PEOPLE + tuple(
    PersonSpec(
        username=u.code,
        full_name=_LIAISON_NAMES[i % len(_LIAISON_NAMES)],
        position_title=_liaison_title(u),
        unit=u.code,
        roles=("agency_liaison",),
        email=_email(u.code),
    )
    for i, u in enumerate(_LIAISON_UNITS)
)


# --- Meetings ------------------------------------------------------------

@dataclass(frozen=True)
class KindSpec:
    code: str
    name: str
    default_minutes: int


@dataclass(frozen=True)
class RoomSpec:
    code: str
    name: str
    location: str
    capacity: int
    equipment: tuple[str, ...]


MEETING_KINDS: tuple[KindSpec, ...] = (
    KindSpec("phienhopthuongky", "Phiên họp thường kỳ UBND tỉnh", 240),
    KindSpec("giaoban", "Họp giao ban của Chủ tịch, Phó Chủ tịch", 120),
    KindSpec("chuyende", "Họp chuyên đề", 180),
    KindSpec("lamviec", "Làm việc với cơ quan, địa phương", 120),
    KindSpec("tructuyen", "Hội nghị trực tuyến", 180),
    KindSpec("kiemtra", "Kiểm tra thực địa", 240),
    KindSpec("tiepcongdan", "Tiếp công dân định kỳ", 240),
)

ROOMS: tuple[RoomSpec, ...] = (
    RoomSpec("phonghop1", "Phòng họp số 1 UBND tỉnh", "Tầng 2, trụ sở UBND tỉnh", 60,
             ("hệ thống phòng họp không giấy", "máy tính bảng", "màn hình LED", "hệ thống âm thanh")),
    RoomSpec("phonghop2", "Phòng họp số 2 UBND tỉnh", "Tầng 3, trụ sở UBND tỉnh", 30,
             ("màn hình", "hệ thống âm thanh")),
    RoomSpec("tructuyen", "Phòng họp trực tuyến", "Tầng 1, trụ sở UBND tỉnh", 80,
             ("hệ thống hội nghị truyền hình", "máy tính bảng", "màn hình LED")),
    RoomSpec("phongkhach", "Phòng khách UBND tỉnh", "Tầng 1, trụ sở UBND tỉnh", 15, ("màn hình",)),
)


@dataclass(frozen=True)
class MeetingSpec:
    """A demo meeting, placed relative to the Monday of the week the demo is seeded."""

    title: str
    kind: str
    chair: str
    secretary: str
    week: int  # 0 this week, 1 next week
    weekday: int  # 0 Monday
    start: str  # "08:00", local time
    minutes: int
    room: str | None
    location: str = ""
    invitees: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    rrule: str | None = None
    description: str = ""


MEETINGS: tuple[MeetingSpec, ...] = (
    MeetingSpec("Phiên họp Ủy ban nhân dân tỉnh thường kỳ", "phienhopthuongky", "chutich", "chuyenvien1", 1, 0,
                "08:00", 210, "phonghop1", invitees=("pct1", "pct2", "pct3", "giamdocstc", "chanhvp"),
                agencies=("sotc", "soct", "sonv", "sotp", "pcamthanh"),
                description="Thảo luận báo cáo tình hình kinh tế - xã hội, quốc phòng - an ninh trong tháng và "
                            "nhiệm vụ trọng tâm tháng tới; cho ý kiến các dự thảo nghị quyết trình HĐND tỉnh."),
    MeetingSpec("Giao ban công tác kinh tế của Phó Chủ tịch Thường trực", "giaoban", "pct1", "chuyenvien1", 0, 1,
                "14:00", 120, "phonghop2", agencies=("sotc", "soct", "bqlkkt", "thuetinh"),
                rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
                description="Tiến độ giải ngân vốn đầu tư công; thu ngân sách; các dự án trọng điểm."),
    MeetingSpec("Họp chuyên đề về công tác bồi thường, giải phóng mặt bằng các dự án trọng điểm", "chuyende", "pct2",
                "chuyenvien1", 1, 2, "08:00", 180, "tructuyen", agencies=("sonnmt", "soxd", "xbinhson", "xvantuong",
                                                                            "ptruongquangtrong")),
    MeetingSpec("Làm việc với Ủy ban nhân dân phường Kon Tum", "lamviec", "pct3", "chuyenvien2", 0, 3, "14:00", 150,
                None, location="Trụ sở UBND phường Kon Tum", agencies=("pkontum", "sogddt", "soyt")),
    MeetingSpec("Tiếp công dân định kỳ của Chủ tịch UBND tỉnh", "tiepcongdan", "chutich", "chuyenvien2", 1, 3,
                "07:30", 240, "phongkhach", agencies=("thanhtra", "sonnmt")),
)


@dataclass(frozen=True)
class MaterialSpec:
    title: str
    doc_type: str
    pages: int
    confidentiality: str = "normal"


@dataclass(frozen=True)
class AgendaSpec:
    """An item of the regular session's agenda, with the materials its agency submitted."""

    title: str
    agency: str
    presenter: str
    minutes: int
    purpose: str
    review_opinion: str
    materials: tuple[MaterialSpec, ...]


REGULAR_SESSION_AGENDA: tuple[AgendaSpec, ...] = (
    AgendaSpec("Báo cáo tình hình kinh tế - xã hội tháng 11 và nhiệm vụ trọng tâm tháng 12 năm 2026", "sotc",
               "Giám đốc Sở Tài chính", 45, "opinion",
               "Văn phòng thống nhất với dự thảo; đề nghị bổ sung số liệu giải ngân vốn đầu tư công đến ngày 20/11.",
               (MaterialSpec("Báo cáo tình hình kinh tế - xã hội tháng 11/2026", "report", 12),
                MaterialSpec("Phụ lục số liệu các chỉ tiêu chủ yếu", "appendix", 6))),
    AgendaSpec("Tờ trình về phương án phân bổ dự toán ngân sách địa phương năm 2027", "sotc",
               "Giám đốc Sở Tài chính", 60, "to_peoples_council",
               "Hồ sơ đủ điều kiện trình; đề nghị làm rõ nguồn tăng thu dành cho cải cách tiền lương.",
               (MaterialSpec("Tờ trình phân bổ dự toán ngân sách năm 2027", "submission", 8),
                MaterialSpec("Dự thảo Nghị quyết của HĐND tỉnh về dự toán ngân sách năm 2027", "draft", 10),
                MaterialSpec("Phương án bố trí nhân sự ban quản lý dự án", "report", 3, "confidential"))),
    AgendaSpec("Đề án cải cách hành chính và chuyển đổi số giai đoạn 2026 - 2030", "sonv",
               "Giám đốc Sở Nội vụ", 40, "decision", "",
               (MaterialSpec("Đề án cải cách hành chính giai đoạn 2026 - 2030", "draft", 15),
                MaterialSpec("Bản in ý kiến góp ý của các sở, ngành", "other", 0, "paper_only"))),
)


@dataclass(frozen=True)
class DirectiveSpec:
    lead: str
    coordinating: tuple[str, ...]
    content: str
    deadline_kind: str = "none"
    amount: int | None = None
    """Days after the meeting for a "date" deadline; working days from issue for "working_days"."""
    report_required: bool = False


@dataclass(frozen=True)
class ConclusionSpec:
    item: str
    agency: str
    text: str
    directives: tuple[DirectiveSpec, ...]


CONCLUDED_MEETING = MeetingSpec(
    "Họp nghe báo cáo tình hình giải ngân vốn đầu tư công năm 2026", "chuyende", "pct1", "chuyenvien1", -1, 3,
    "08:00", 180, "phonghop2", agencies=("sotc", "soxd", "sonnmt", "xbinhson", "xvantuong"),
    description="Đánh giá tiến độ giải ngân, tháo gỡ vướng mắc về bồi thường, giải phóng mặt bằng.")
"""Last week's meeting: held, concluded, its notice issued and its directives made tasks."""

CONCLUSIONS: tuple[ConclusionSpec, ...] = (
    ConclusionSpec(
        "Tình hình giải ngân vốn đầu tư công năm 2026", "sotc",
        "Đến ngày 20/11/2026, toàn tỉnh giải ngân được 63,2% kế hoạch vốn được giao. Các sở, ban, ngành, Ủy ban "
        "nhân dân các xã, phường, đặc khu và các chủ đầu tư phải xác định giải ngân vốn đầu tư công là nhiệm "
        "vụ chính trị trọng tâm trong những tháng cuối năm; người đứng đầu chịu trách nhiệm trước Chủ tịch Ủy ban "
        "nhân dân tỉnh nếu để chậm giải ngân.",
        (DirectiveSpec("sotc", ("soxd",), "rà soát, tham mưu Ủy ban nhân dân tỉnh điều chuyển kế hoạch vốn từ "
                       "các dự án chậm giải ngân sang các dự án có khả năng giải ngân tốt hơn", "working_days", 10,
                       True),
         DirectiveSpec("sotc", (), "kịp thời thanh toán khối lượng hoàn thành, không để hồ sơ tồn đọng quá 03 ngày "
                       "làm việc", "date", 14))),
    ConclusionSpec(
        "Vướng mắc về bồi thường, giải phóng mặt bằng các dự án giao thông", "soxd",
        "Thống nhất với đề xuất của Sở Xây dựng về tiến độ hoàn thành tuyến đường ven biển Dung Quất - "
        "Sa Huỳnh giai đoạn II.",
        (DirectiveSpec("xbinhson", ("sonnmt", "xvantuong"), "khẩn trương hoàn thành bồi thường, giải phóng mặt "
                       "bằng, bàn giao mặt bằng sạch cho đơn vị thi công", "date", 30, True),
         DirectiveSpec("soxd", ("sotc",), "hướng dẫn các chủ đầu tư điều chỉnh giá vật liệu xây dựng theo công bố "
                       "giá mới", "working_days", 15))),
)


AWAITING_APPROVAL: tuple[tuple[MeetingSpec, ConclusionSpec], ...] = (
    (MeetingSpec("Họp nghe báo cáo công tác sắp xếp tổ chức bộ máy các cơ quan chuyên môn", "chuyende", "chutich",
                 "chuyenvien2", -1, 0, "08:00", 120, "phonghop1", agencies=("sonv", "sotp")),
     ConclusionSpec("Phương án sắp xếp tổ chức bộ máy", "sonv",
                    "Thống nhất chủ trương sắp xếp các phòng chuyên môn theo phương án của Sở Nội vụ.",
                    (DirectiveSpec("sonv", ("sotp",), "hoàn chỉnh đề án sắp xếp tổ chức bộ máy, trình Ủy ban "
                                   "nhân dân tỉnh", "date", 30),))),
    (MeetingSpec("Họp về tiến độ thu ngân sách nhà nước năm 2026", "chuyende", "pct1", "chuyenvien1", -1, 1,
                 "14:00", 120, "phonghop2", agencies=("sotc", "thuetinh")),
     ConclusionSpec("Tình hình thu ngân sách nhà nước", "sotc",
                    "Thu ngân sách đạt 86% dự toán; các cơ quan thu tập trung chống thất thu.",
                    (DirectiveSpec("thuetinh", ("sotc",), "đôn đốc thu hồi nợ đọng thuế, bảo đảm hoàn thành dự toán "
                                   "thu năm 2026", "date", 40),))),
)
"""Last week's meetings of the Chairman and of the Standing Vice-Chairman whose notices wait for their approval."""

OVERDUE_TASKS: tuple[tuple[str, str, str], ...] = (
    ("chutich", "sonv", "Báo cáo kết quả thực hiện quy chế dân chủ ở cơ sở năm 2026"),
    ("pct1", "sotc", "Báo cáo tình hình thực hiện dự toán ngân sách 11 tháng năm 2026"),
)
"""(assigning leader, lead agency, task): a task past its deadline (last Friday) in each leader's portfolio."""

POLL_TITLE = "Lấy ý kiến về dự thảo Kế hoạch tổ chức Tết Nguyên đán năm 2027"
POLL_QUESTION = "Đồng chí cho ý kiến về dự thảo Kế hoạch tổ chức các hoạt động mừng Đảng, mừng Xuân năm 2027."
POLL_MEMBERS = ("chutich", "pct1", "pct2", "pct3")
"""A written opinion form open until Friday of next week, waiting for every leader's answer."""
