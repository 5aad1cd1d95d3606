"""The rollout calculator page: funder and programme admin choose a scale and see the pilot's
results at that scale with their intervals, the assumptions and the observations they rest on."""

import re

import pytest

from municipalities.enums import Role
from reporting.snapshots import snapshot_compute
from tests.factories import user_with_role
from tests.reporting.rollout_data import AS_OF, load_closed_windows
from tests.reporting.test_pilot_metrics_command import load_pilot_small

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_windows():
    deventer = load_closed_windows()
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    return deventer


def _get(client, role=Role.FUNDER, **query):
    client.force_login(user_with_role(role))
    return client.get("/rollout/", query)


def _figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


@pytest.mark.parametrize("role", [Role.FUNDER, Role.PROGRAMME_ADMIN])
def test_default_scale_is_all_municipalities_with_ten_places(client, closed_windows, role):
    response = _get(client, role)

    html = response.content.decode()
    assert response.status_code == 200
    assert "342 municipalities, 10 places each" in html
    assert _figure(html, "places") == "3420"
    assert _figure(html, "outflow") == "1368"
    assert "with 95% certainty between 840 and 1973" in html
    assert _figure(html, "rollout-savings") == "€ 13,492,584"
    assert "between € 7,478,240 and € 19,506,962" in html
    assert _figure(html, "rollout-costs") == "€ 14,381,100"
    assert _figure(html, "rollout-net") == "€ -888,516"
    # The chart with its text and table alternative.
    assert 'role="img"' in html
    assert "Savings and costs at this scale, first year after the internship" in html
    assert "Show the figures as a table" in html
    # The assumptions with the number of observations each rests on.
    assert "12 of 30" in html
    rows = re.findall(
        r"<tr class=\"utrecht-table__row\">\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>"
        r"([^<]*)</td>\s*<td[^>]*>([^<]*)</td>",
        html.split('id="rollout-assumptions"')[1],
    )
    assert [(value, observations) for _text, value, observations in rows] == [
        ("12 of 30", "30"),
        ("€ 3,945", "30"),
        ("€ 1,680 per participant", "a setting"),
        ("0.3 hours", "30"),
        ("€ 2,500", "a setting"),
        ("95%", "a setting"),
    ]


def test_other_inputs_give_other_figures(client, closed_windows):
    html = _get(client, municipalities=5, places=2, as_of="2025-09-30").content.decode()

    assert "5 municipalities, 2 places each" in html
    assert (_figure(html, "places"), _figure(html, "outflow")) == ("10", "4")
    assert _figure(html, "rollout-savings") == "€ 39,452"
    assert _figure(html, "rollout-costs") == "€ 42,050"
    # The form keeps the chosen scale and the date of the figures.
    assert 'name="municipalities" value="5"' in html
    assert 'name="as_of" value="2025-09-30"' in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"municipalities": 0, "places": 10}, "municipalities", "Kies minstens 1 gemeente."),
        (
            {"municipalities": 343, "places": 10},
            "municipalities",
            "Kies hoogstens 342 gemeenten: alle gemeenten van Nederland.",
        ),
        (
            {"municipalities": "veel", "places": 10},
            "municipalities",
            "Vul een heel aantal gemeenten in, zoals 342.",
        ),
        ({"municipalities": 342, "places": 0}, "places", "Kies minstens 1 plek per gemeente."),
        (
            {"municipalities": 342, "places": 1001},
            "places",
            "Kies hoogstens 1000 plekken per gemeente.",
        ),
        ({"municipalities": 342}, "places", "Vul een aantal plekken per gemeente in."),
    ],
)
def test_invalid_scale_is_refused_with_a_dutch_message(
    client, closed_windows, settings, query, field, message
):
    settings.LANGUAGE_CODE = "nl"

    response = _get(client, **query)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'aria-describedby="id_{field}_error' in html
    assert 'data-figure="outflow"' not in html


def test_too_few_closed_windows_shows_that_nothing_can_be_extrapolated(client):
    load_pilot_small()
    snapshot_compute(as_of=AS_OF, trigger="on_demand")

    html = _get(client, as_of="2025-09-30").content.decode()

    assert (
        "Nothing can be extrapolated yet: only 6 participants' windows have closed, and a "
        "projection needs at least 20 results that are final."
    ) in html
    assert 'data-figure="outflow"' not in html
    assert 'role="img"' not in html


def test_without_stored_figures_the_page_says_so(client):
    html = _get(client).content.decode()

    assert "No figures have been computed yet." in html


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.IMK_COACH])
def test_other_roles_may_not_open_the_calculator(client, closed_windows, role):
    assert _get(client, role).status_code == 403


def test_jobcoach_may_not_open_the_calculator(client, closed_windows):
    client.force_login(user_with_role(Role.JOBCOACH, closed_windows))
    assert client.get("/rollout/").status_code == 403


def test_signed_out_goes_to_sign_in(client, closed_windows):
    response = client.get("/rollout/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
