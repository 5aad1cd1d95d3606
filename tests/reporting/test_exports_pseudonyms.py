"""Pseudonyms: keyed, stable under one key, unrelated under another, separate per kind."""

import hashlib
import hmac
import re
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from reporting.exports.pseudonyms import Pseudonymiser
from reporting.exports.rows import ResearchScope, all_municipalities_research_participants
from tests.factories import PlacementFactory

PSEUDONYM = re.compile(r"^[PEI]-[0-9a-f]{16}$")


def test_pseudonym_stable_under_one_key():
    assert Pseudonymiser("key one").participant(7) == Pseudonymiser("key one").participant(7)


def test_pseudonym_differs_under_another_key():
    assert Pseudonymiser("key one").participant(7) != Pseudonymiser("key two").participant(7)


def test_pseudonym_kinds_are_separate_domains():
    pseudonyms = Pseudonymiser("key one")

    values = {pseudonyms.participant(7), pseudonyms.entrepreneur(7), pseudonyms.placement(7)}

    assert len(values) == 3
    assert {value[0] for value in values} == {"P", "E", "I"}
    # Not the same digest with another prefix: the kind is part of the message.
    assert len({value[2:] for value in values}) == 3


def test_pseudonym_format_hides_the_id():
    value = Pseudonymiser("key one").participant(12345)

    assert PSEUDONYM.match(value)
    assert "12345" not in value


def test_pseudonym_empty_key_is_refused(settings):
    settings.PSEUDONYM_KEY = ""

    with pytest.raises(ImproperlyConfigured):
        Pseudonymiser()


@pytest.mark.django_db
def test_pseudonym_export_follows_the_key_setting(settings):
    placement = PlacementFactory()
    scope = ResearchScope(as_of=date(2025, 1, 1))

    def exported_pseudonym() -> str:
        (batch,) = all_municipalities_research_participants(scope=scope, pseudonyms=Pseudonymiser())
        return batch.rows[0][0]

    first = exported_pseudonym()
    again = exported_pseudonym()
    settings.PSEUDONYM_KEY = "another-key"
    other = exported_pseudonym()

    assert first == again == Pseudonymiser("test-pseudonym-key").participant(placement.jobseeker_id)
    assert other == Pseudonymiser("another-key").participant(placement.jobseeker_id)
    assert other != first


@pytest.mark.parametrize("key", ["short", "k" * 64, "a much longer key " * 8, "sleutel-ë"])
def test_pseudonym_digest_is_standard_hmac_sha256(key):
    message = b"participant:42"

    assert Pseudonymiser(key).digest(message) == hmac.digest(key.encode(), message, hashlib.sha256)
    assert (
        Pseudonymiser(key).participant(42)
        == "P-" + hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:16]
    )


@pytest.mark.parametrize("kind", ["participant", "entrepreneur", "placement"])
def test_pseudonym_makers_give_the_same_pseudonyms_as_text_and_as_bytes(kind):
    pseudonyms = Pseudonymiser("key one")
    as_text, as_bytes = pseudonyms.maker(kind), pseudonyms.bytes_maker(kind)

    for record_id in (1, 42, 99_999, 2**40):
        expected = getattr(pseudonyms, kind)(record_id)
        assert as_text(record_id) == expected
        assert as_bytes(record_id) == expected.encode("ascii")
