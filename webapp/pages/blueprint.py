"""The one blueprint of the staff pages; each page module adds its routes with `register(bp)`."""

from flask import Blueprint

bp = Blueprint("pages", __name__, template_folder="../templates")  # static files: the app's own /static
