"""/admin/: programmes, rule sets, users (admins only)."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
