"""The order of the applicant's steps, and which step a person may open. Pure: no Flask, no database."""
STEPS = ("about-you", "contact", "residence", "education", "work", "languages", "goals", "consent")
CHECK = "check"


def first_unfinished(completed) -> str:
    """The first step not yet saved, or the check page when all are saved."""
    done = set(completed or ())
    return next((step for step in STEPS if step not in done), CHECK)


def may_open(step: str, completed) -> bool:
    """A step opens when every step before it has been saved (no jumping ahead by URL)."""
    done = set(completed or ())
    if step == CHECK:
        return all(s in done for s in STEPS)
    return step in STEPS and all(s in done for s in STEPS[:STEPS.index(step)])


def next_step(step: str) -> str:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else CHECK


def previous_step(step: str) -> str | None:
    if step == CHECK:
        return STEPS[-1]
    index = STEPS.index(step)
    return STEPS[index - 1] if index else None
