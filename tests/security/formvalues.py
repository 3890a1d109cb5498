"""Read back what a rendered form holds, as a browser would post it."""
from bs4 import BeautifulSoup


def form_values(html, action=None):
    """name -> list of values the page's form(s) would send (checked boxes, selected options, text)."""
    soup = BeautifulSoup(html, "html.parser")
    values = {}
    forms = [f for f in soup.select("form") if action is None or (f.get("action") or "").split("?")[0] == action]
    for form in forms:
        for element in form.select("input[name], select[name], textarea[name]"):
            name = element["name"]
            if element.name == "textarea":
                values.setdefault(name, []).append(element.text.removeprefix("\n"))
            elif element.name == "select":
                for option in element.select("option[selected]"):
                    values.setdefault(name, []).append(option.get("value", option.text))
            elif element.get("type") in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    values.setdefault(name, []).append(element.get("value", "on"))
            elif element.get("type") not in ("submit", "button"):
                values.setdefault(name, []).append(element.get("value", ""))
    return values


def csrf_token(html):
    found = BeautifulSoup(html, "html.parser").select_one("input[name=csrf_token]")
    return found["value"] if found else None


def lost(posted: dict, html: str, action=None) -> list:
    """The posted fields whose values the re-rendered form does not hold."""
    kept = form_values(html, action)
    missing = []
    for name, value in posted.items():
        wanted = value if isinstance(value, list) else [value]
        if name == "csrf_token":
            continue
        if sorted(str(v) for v in wanted if v != "") != sorted(v for v in kept.get(name, []) if v != ""):
            missing.append((name, wanted, kept.get(name)))
    return missing
