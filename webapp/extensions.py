from flask_babel import Babel
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from engine.db import Base

# Objects stay readable after commit: a response is built from what was just written, without a
# second round trip. Services load the rows they act on with populate_existing, so a session that
# lives across several transactions (the scheduler's) never acts on a stale copy.
SESSION_OPTIONS = {"expire_on_commit": False}

db = SQLAlchemy(model_class=Base, session_options=dict(SESSION_OPTIONS))  # it adds its own keys
migrate = Migrate()
api = Api()
babel = Babel()
