"""Admin fixtures: the demo programme (rule set version 1, two sites) and a signed-in admin."""
import re

import pytest

from portal.models import Programme
from portal.services import demo, rule_versions


@pytest.fixture
def programme(app):
    """The demo programme; seeded first, because the demo loads only into an empty database."""
    with app.test_request_context("/"):
        demo.seed(lambda: "a-demo-password-123")
    return Programme.get(Programme.name == "Erhvervsmentor 2027")


@pytest.fixture
def admin(programme, login_as):
    return login_as("admin")


def text(response) -> str:
    return response.get_data(as_text=True)


def errors(response) -> list[str]:
    """The messages in the page's error summary."""
    summary = re.search(r"data-error-summary.*?</ul>", text(response), re.S)
    return [m.strip() for m in re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", summary.group(0))] if summary else []


def rules_data(programme, **changes) -> dict:
    """The rules form as a browser would post it unchanged, with `changes` applied (site_<id> for catchment)."""
    thresholds = rule_versions.thresholds_of(programme)
    data = {"based_on": str(rule_versions.current_number(programme)),
            "min_cefr": thresholds["min_cefr"], "min_isced": str(thresholds["min_isced"]),
            "min_work_years": str(thresholds["min_work_years"]).replace(".", ","),
            "accepted_residence": thresholds["accepted_residence"], "min_age": str(thresholds["min_age"])}
    if thresholds["reunification_counts"]:
        data["reunification_counts"] = "y"
    for site_id, codes in rule_versions.catchments_of(programme).items():
        data[f"site_{site_id}"] = codes
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
