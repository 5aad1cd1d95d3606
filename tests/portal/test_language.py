"""Dutch whatever the browser says; English only when a person chooses it, remembered on their
account; one form of address ("u") in every template and every message catalogue in use."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from municipalities.enums import Role
from tests.factories.municipalities import user_with_role

ROOT = Path(__file__).resolve().parents[2]
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jouwe|jezelf|jullie)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _dutch_site(settings):
    settings.LANGUAGE_CODE = "nl"


@pytest.mark.django_db
def test_an_english_browser_gets_dutch_pages(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response.status_code == 200
    assert response["Content-Language"] == "nl"
    assert '<html lang="nl"' in response.content.decode()
    assert "Wachtwoord" in response.content.decode()


@pytest.mark.django_db
def test_english_when_chosen_and_remembered_on_the_account(client):
    user = user_with_role(Role.FUNDER)
    client.force_login(user)
    assert client.get(reverse("home"))["Content-Language"] == "nl"

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    # Another browser (no cookie), asking for Dutch: the person's choice wins.
    other = client_class()
    other.force_login(user)
    response = other.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()

    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    user.refresh_from_db()
    assert user.language == "nl"


@pytest.mark.django_db
def test_the_switch_before_signing_in_is_kept_in_a_cookie(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})

    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="nl")

    assert response["Content-Language"] == "en"


def client_class():
    from django.test import Client

    return Client()


def _templates():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())


def test_no_template_says_je():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _templates()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INFORMAL.search(line)
    ]
    assert len(_templates()) > 50
    assert found == []


def _msgstrs(po: Path):
    text = po.read_text()
    for block in text.split("\n\n"):
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.MULTILINE)
        for value in strings:
            yield "".join(re.findall(r'"(.*)"', value))


def test_our_catalogue_says_u_only():
    po = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    found = [s for s in _msgstrs(po) if INFORMAL.search(s)]
    assert found == []


def test_every_catalogue_in_use_says_u_in_dutch():
    """Django's, allauth's and ours, as the pages show them: where allauth's Dutch says "je",
    ours overrides it."""
    import allauth
    import django

    catalogues = [
        Path(django.__file__).parent / "conf" / "locale" / "nl" / "LC_MESSAGES" / "django.mo",
        *Path(django.__file__).parent.glob("contrib/*/locale/nl/LC_MESSAGES/django.mo"),
        Path(allauth.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.mo",
        ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.mo",
    ]
    found = []
    checked = 0
    with translation.override("nl"):
        for mo in catalogues:
            with mo.open("rb") as handle:
                catalogue = gettext.GNUTranslations(handle)._catalog
            for key in catalogue:
                if not key:
                    continue
                if isinstance(key, tuple):
                    msgid, n = key
                    if n:
                        continue
                    shown = translation.ngettext(msgid, msgid, 2) + translation.ngettext(
                        msgid, msgid, 1
                    )
                elif "\x04" in key:
                    context, msgid = key.split("\x04", 1)
                    shown = translation.pgettext(context, msgid)
                else:
                    shown = translation.gettext(key)
                checked += 1
                if INFORMAL.search(shown):
                    found.append(f"{mo.parent.parent.parent.parent.name}: {key!r} -> {shown!r}")
    assert checked > 1000
    assert found == []


def test_settings_keep_dutch_the_default():
    from pilot.settings import base

    assert base.LANGUAGE_CODE == "nl"
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE
