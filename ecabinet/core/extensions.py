"""Flask extensions, created once and bound to the app in ``create_app`` (Flask-Migrate: ``core.migrations``)."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
socketio = SocketIO()


def user_room(user_id: int) -> str:
    """The Socket.IO room every connection of the user joins (``accounts.sockets``): pushes to one user go there."""
    return f"user:{user_id}"
