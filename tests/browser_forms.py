"""What a browser sends when a form is submitted as it was served: its successful controls,
read from the page's HTML as the HTML standard says ("constructing the entry list")."""

import lxml.html

ASCII_WHITESPACE = " \t\n\f\r"
NOT_SENT = {"submit", "image", "reset", "button", "file"}


def collapse(text):
    return " ".join(text.split()).strip(ASCII_WHITESPACE)


def form_data(html, form_path="//*[@id='content-main']//form", submitter=None):
    """[(name, value), ...] for the first form at `form_path` (XPath; the admin's main form
    by default), as sent when the `submitter` button (a name) is clicked."""
    document = lxml.html.document_fromstring(html)
    forms = document.xpath(form_path)
    assert forms, f"no form at {form_path!r}"
    return controls(forms[0], submitter)


def controls(form, submitter=None):
    data = []
    for element in form.iter("input", "select", "textarea", "button"):
        name = element.get("name")
        if not name or is_disabled(element):
            continue
        tag = element.tag
        kind = (element.get("type") or "text").lower() if tag == "input" else tag
        if tag == "button" or kind in NOT_SENT:
            # Only the button that was clicked is sent (files: none chosen, nothing sent).
            if name == submitter and kind in {"submit", "button", "image"}:
                data.append((name, element.get("value", "")))
            continue
        if kind in {"checkbox", "radio"}:
            if element.get("checked") is not None:
                data.append((name, element.get("value", "on")))
        elif tag == "select":
            data.extend((name, value) for value in selected(element))
        elif tag == "textarea":
            data.append((name, textarea_value(element)))
        else:
            data.append((name, sanitized(kind, element.get("value", ""))))
    return [(name, crlf(value)) for name, value in data]


def sanitized(kind, value):
    """An input's value after the standard's value sanitization for its type."""
    if kind in {"text", "search", "tel", "password", "url", "email"}:
        value = value.replace("\r", "").replace("\n", "")
    if kind in {"url", "email"}:
        value = value.strip(ASCII_WHITESPACE)
    return value


def crlf(value):
    """Line breaks are sent as CRLF, whatever the page held."""
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def is_disabled(element):
    if element.get("disabled") is not None:
        return True
    return any(
        fieldset.get("disabled") is not None for fieldset in element.iterancestors("fieldset")
    )


def option_value(option):
    value = option.get("value")
    return collapse(option.text_content()) if value is None else value


def selected(select):
    options = list(select.iter("option"))
    chosen = [o for o in options if o.get("selected") is not None]
    if select.get("multiple") is None and not chosen and select.get("size") in (None, "1"):
        # A single select shows, and sends, its first enabled option when none is selected.
        chosen = [o for o in options if o.get("disabled") is None][:1]
    return [option_value(o) for o in chosen if o.get("disabled") is None]


def textarea_value(textarea):
    """The newline right after <textarea> is not part of its value (the HTML parser drops it;
    lxml keeps it)."""
    text = textarea.text or ""
    if text.startswith("\r\n"):
        text = text[2:]
    elif text.startswith("\n"):
        text = text[1:]
    return text
