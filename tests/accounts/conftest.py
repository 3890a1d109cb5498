"""Account fixtures: a signed-in admin."""
import pytest


@pytest.fixture
def admin(login_as):
    """A test client signed in as a new admin (`admin.user` is the admin)."""
    return login_as("admin")
