from flask_babel import Babel
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from engine.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
babel = Babel()
