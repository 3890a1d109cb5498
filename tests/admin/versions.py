"""The rule-set versions of the 2027 demo programme (the demo also holds the 2016 cohort's)."""
from portal.models import Programme, RuleSetVersion


def versions():
    return RuleSetVersion.select().join(Programme).where(Programme.name == "Erhvervsmentor 2027")
