"""Reads the first POST form of an HTML page and fills it in, for pages the bench does not know.

The guidance pages are built on another branch: the bench walks the self-check by filling each
step's form generically (the "no"/"none" answers where offered, else the first choice).
"""

from html.parser import HTMLParser

PREFERRED_ANSWERS = ("no", "none", "false", "0", "not_sure", "not-sure")


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option_value: str | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {
                "method": attrs.get("method", "get").lower(),
                "action": attrs.get("action", ""),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button") and attrs.get("name"):
            kind = attrs.get("type", "text" if tag == "input" else "submit").lower()
            self._form["fields"].append(
                {
                    "name": attrs["name"],
                    "type": kind,
                    "value": attrs.get("value", "on" if kind in ("checkbox", "radio") else ""),
                    "checked": "checked" in attrs,
                    "required": "required" in attrs,
                }
            )
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "type": "select", "options": []}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option_value = attrs.get("value")
            if self._option_value is not None:
                self._select["options"].append(self._option_value)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"name": attrs["name"], "type": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._select is not None and self._option_value is None and data.strip():
            self._select["options"].append(data.strip())
            self._option_value = data.strip()
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option_value = None
        elif tag == "textarea":
            self._textarea = None


def post_form(html: str) -> dict | None:
    """The first form that POSTs, as {"action": ..., "fields": [...]}, or None."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post":
            return form
    return None


def form_fill(form: dict, *, check_all_groups: bool = False) -> list[tuple[str, str]]:
    """Answers for every field: preferred radio answers, first options, existing values."""
    data: list[tuple[str, str]] = []
    radios: dict[str, list[str]] = {}
    checkboxes: dict[str, list[tuple[str, bool]]] = {}
    for field in form["fields"]:
        kind = field["type"]
        if kind == "radio":
            radios.setdefault(field["name"], []).append(field["value"])
        elif kind == "checkbox":
            checkboxes.setdefault(field["name"], []).append((field["value"], field["checked"]))
        else:
            answer = _field_answer(field)
            if answer is not None:
                data.append((field["name"], answer))
    for name, values in radios.items():
        preferred = [v for v in values if v.lower() in PREFERRED_ANSWERS]
        data.append((name, (preferred or values)[0]))
    for name, values in checkboxes.items():
        checked = [v for v, on in values if on]
        if checked:
            data.extend((name, v) for v in checked)
        elif check_all_groups and len(values) > 1:
            data.append((name, values[0][0]))
    return data


def _field_answer(field: dict) -> str | None:
    """The value to send for a field that is neither a radio button nor a checkbox (None: none)."""
    kind = field["type"]
    if kind == "select":
        options = [o for o in field["options"] if o]
        return options[0] if options else None
    if kind in ("submit", "button", "image", "reset", "file"):
        return None
    if kind == "email" and not field["value"]:
        return "bench@example.com"
    return field["value"]
