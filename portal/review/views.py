"""/review/: the staff review queue."""
from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")
