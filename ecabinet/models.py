"""Every domain's models, imported once at start-up so the metadata (and Alembic) knows every table."""

from ecabinet.accounts import models as accounts  # noqa: F401
from ecabinet.accounts.twofactor import models as two_factor  # noqa: F401
from ecabinet.core import jobs  # noqa: F401
from ecabinet.audit import models as audit  # noqa: F401
from ecabinet.conclusions import models as conclusions  # noqa: F401
from ecabinet.live import models as live  # noqa: F401
from ecabinet.materials import models as materials  # noqa: F401
from ecabinet.materials.briefcase import models as briefcase  # noqa: F401
from ecabinet.meetings import models as meetings  # noqa: F401
from ecabinet.minutes import models as minutes  # noqa: F401
from ecabinet.notices import models as notices  # noqa: F401
from ecabinet.notify import models as notify  # noqa: F401
from ecabinet.org import models as org  # noqa: F401
from ecabinet.org.reorganisation import models as reorganisation  # noqa: F401
from ecabinet.programme import models as programme  # noqa: F401
from ecabinet.registers import models as registers  # noqa: F401
from ecabinet.schedules import models as schedules  # noqa: F401
from ecabinet.search import models as search  # noqa: F401
from ecabinet.tasks import models as tasks  # noqa: F401
from ecabinet.workdays import models as workdays  # noqa: F401
