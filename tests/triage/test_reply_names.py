"""A display name is written by a stranger, in any script: only its plain words go into the
brand's replies, never a link, a domain, an @mention, a control or a bidi character."""

from __future__ import annotations

import pytest

from tests.conftest import api_for, mention_item
from tests.triage.test_queue import load
from triage.models import Mention, ReplyTemplate
from triage.names import clean_name

HOSTILE = [
    # (raw display name, person: first name only, what may be published)
    ("محمد evil.example/claim", True, "محمد"),
    ("Иван пример.рф/claim", False, "Иван"),
    ("ｅｖｉｌ．ｅｘａｍｐｌｅ/claim", True, ""),  # fullwidth: folded, then seen as a domain
    ("प्रिया शर्मा", True, "प्रिया"),  # Devanagari combining marks are part of the word
    ("สมชาย", True, "สมชาย"),
    ("Ιωάννης @brand_support", False, "Ιωάννης"),
    ("שרה\u202egro.live", True, ""),  # right-to-left override hiding a domain
    ("田中 太郎 https://evil.example", False, "田中 太郎"),
    ("김민수 evil。example", False, "김민수"),  # ideographic full stop
    ("Ana\x00\x07 bit.ly/x", False, "Ana"),
    ("Ali\u200d\u2066evil.example\u2069", True, ""),  # joiner and isolate around a domain
    ("Zoë ＠brand", False, "Zoë"),  # fullwidth @
    ("Ayşe #refund", False, "Ayşe"),
    ("Bob evil.example:8080", False, "Bob"),
    ("Sam evil[.]example", False, "Sam"),
    ("Marie-Ève", True, "Marie-Ève"),
    ("A" * 41, True, ""),  # longer than any name: no name
    ("@@@", True, ""),
]


@pytest.mark.parametrize(("raw", "first_only", "expected"), HOSTILE)
def test_hostile_names_in_every_script_leave_only_plain_words(raw, first_only, expected):
    assert clean_name(raw, first_only=first_only) == expected


@pytest.mark.django_db
def test_a_broadcast_to_hostile_names_in_several_scripts_publishes_no_link(agent, settings):
    settings.PUBLIC_BASE_URL = "https://northline.example"
    template = ReplyTemplate.objects.create(name="Sorry", body="Hi {name}, we're sorry. Updates: {hub_link}")
    names = {
        "1": "محمد evil.example/claim",
        "2": "ｅｖｉｌ．ｅｘａｍｐｌｅ/claim",
        "3": "Иван\u202eмор.ru",
        "4": "@northline_ceo",
        "5": "Kate Bell",
    }
    mentions = load(
        *(mention_item(i, author={"handle": f"h{i}", "name": n, "followers": 1}) for i, n in names.items())
    )
    response = api_for(agent).post(
        "/api/v1/broadcast/", {"ids": [m.pk for m in mentions], "template": template.pk}, format="json"
    )
    assert response.status_code == 202
    texts = dict(Mention.objects.values_list("external_id", "reply_set__text"))
    assert texts["1"].startswith("Hi محمد, we're sorry.")
    assert texts["2"].startswith("Hi, we're sorry.") and texts["4"].startswith("Hi, we're sorry.")
    assert texts["3"].startswith("Hi, we're sorry.")
    assert texts["5"].startswith("Hi Kate, we're sorry.")
    for text in texts.values():
        published = text.replace("https://northline.example/hub/", "")
        assert "evil" not in published and "@" not in published and "мор" not in published
        assert "\u202e" not in published and ".ru" not in published
