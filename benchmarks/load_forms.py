"""What a browser sends back when it submits a page's form: the load test's saves
(``locustfile.py``) and the per-request costs of its mix (``load_day_costs.py``) both use it."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    """The POST forms of a page: their action and the values a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": [],
                "radios": {},
            }
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind == "radio":
                form["radios"].setdefault(name, a.get("value", "on"))
                if "checked" in a:
                    form["radios"][name] = a.get("value", "on")
                return
            if kind == "checkbox":
                if "checked" in a:
                    form["fields"].append((name, a.get("value", "on")))
                return
            form["fields"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                form["fields"].append((self._select, value))
                self._select = None
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"].append((name, ""))

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea and self._form is not None:
            # A browser drops the newline that follows <textarea> (Django writes one).
            name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (name, value.removeprefix("\r\n").removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            # Nothing selected: a browser sends the first option.
            self._form["fields"].append((self._select, self._select_first or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            self._form["fields"].extend(self._form.pop("radios").items())
            self._form = None


def post_form(html: str, action: str) -> dict[str, list[str]]:
    """The values of the page's POST form that posts to ``action`` (or to the page itself)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and form["action"] in {action, "", "."}:
            values: dict[str, list[str]] = {}
            for name, value in form["fields"]:
                values.setdefault(name, []).append(value)
            return values
    raise ValueError(f"no POST form for {action}")
