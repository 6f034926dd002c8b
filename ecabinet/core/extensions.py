"""Flask extensions, created once and bound to the app in ``create_app``."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
socketio = SocketIO()
