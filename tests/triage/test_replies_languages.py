"""Replies in the reader's language, scenario keywords per language, reasons in the reader's language."""

import pytest
from django.utils import translation

from command import flows
from playbooks import portable
from tests.conftest import api_for, mention_item
from tests.triage.test_queue import load
from triage.models import Mention, ReplyTemplate, ScenarioKeyword

pytestmark = pytest.mark.django_db


def templates(scenario=None) -> dict[str, ReplyTemplate]:
    made = {
        "en": ReplyTemplate.objects.create(name="Sorry", language="en", body="Sorry {name}: {hub_link}"),
        "fr": ReplyTemplate.objects.create(
            name="Désolés",
            language="fr",
            body="Désolés {name} : {hub_link}\n---\nPardon {name}, tout ici : {hub_link}",
        ),
        "zh": ReplyTemplate.objects.create(
            name="抱歉", language="zh-hans", body="{name}，非常抱歉：{hub_link}"
        ),
        "any": ReplyTemplate.objects.create(name="Thanks", body="Thanks {name}"),
    }
    return made


def test_the_composer_offers_the_mentions_language_first_and_links_its_hub_page(agent, settings):
    settings.PUBLIC_BASE_URL = "https://northline.example"
    settings.HUB_LANGUAGES = ["en", "fr", "zh-hans"]
    made = templates()
    client = api_for(agent)
    listed = [t["name"] for t in client.get("/api/v1/templates/?lang=fr-CA").json()]
    assert listed[0] == "Désolés" and listed[1] == "Thanks" and set(listed[2:]) == {"Sorry", "抱歉"}
    assert client.get("/api/v1/templates/?lang=zh-CN").json()[0]["language"] == "zh-hans"

    def one(key: str, lang: str, handle: str, name: str) -> Mention:
        load(mention_item(key, lang=lang, author={"handle": handle, "name": name, "followers": 3}))
        return Mention.objects.get(external_id=key)

    french, chinese, english = (
        one("fr", "fr", "kate", "Kate Bell"),
        one("zh", "zh-CN", "wang", "小王"),
        one("en", "en", "bob", "Bob"),
    )
    draft = client.get(f"/api/v1/mentions/{french.pk}/draft/?template={made['fr'].pk}").json()
    assert draft["text"] == "Désolés Kate : https://northline.example/hub/fr/"
    draft = client.get(f"/api/v1/mentions/{chinese.pk}/draft/?template={made['zh'].pk}").json()
    assert draft["text"] == "小王，非常抱歉：https://northline.example/hub/zh-hans/"
    draft = client.get(f"/api/v1/mentions/{english.pk}/draft/?template={made['en'].pk}").json()
    assert draft["text"] == "Sorry Bob: https://northline.example/hub/en/"


def test_a_language_the_hub_is_not_published_in_links_the_page_that_picks_by_browser(agent, settings):
    settings.PUBLIC_BASE_URL = "https://northline.example"
    settings.HUB_LANGUAGES = ["en", "fr"]
    made = templates()
    (dutch,) = load(mention_item("nl", lang="nl", author={"handle": "piet", "name": "Piet", "followers": 3}))
    draft = api_for(agent).get(f"/api/v1/mentions/{dutch.pk}/draft/?template={made['en'].pk}").json()
    assert draft["text"] == "Sorry Piet: https://northline.example/hub/"


def test_scenario_keywords_in_one_language_pick_the_topic_only_for_posts_in_it(lead, scenario):
    ScenarioKeyword.objects.create(
        scenario=scenario, language="fr", topic="compensation", words="carte cadeau"
    )
    ScenarioKeyword.objects.create(scenario=scenario, language="zh", topic="rebooking", words="换乘大巴")
    flows.activate(scenario=scenario, by=lead, drill=True)
    load(
        mention_item("1", lang="fr", text="Et ma carte cadeau alors"),
        mention_item("2", lang="en", text="carte cadeau"),
        mention_item("3", lang="zh", text="可以安排换乘大巴吗"),
    )
    french, english, chinese = (Mention.objects.get(external_id=key) for key in "123")
    assert french.topic == "compensation" and english.topic == "other" and chinese.topic == "rebooking"
    item = next(i for i in french.breakdown if i["code"] == "topic.scenario_keyword")
    assert item["params"]["term"] == "carte cadeau"


def test_scenario_keywords_and_template_languages_travel_in_the_playbook_file(scenario):
    ScenarioKeyword.objects.create(
        scenario=scenario, language="de", topic="refund", words="Gutschein\nGeld zurück"
    )
    ReplyTemplate.objects.create(name="Entschuldigung", language="de", body="Es tut uns leid, {name}")
    data = portable.export_data()
    assert {
        "scenario": scenario.name,
        "language": "de",
        "topic": "refund",
        "words": ["Gutschein", "Geld zurück"],
    } in data["scenario_keywords"]
    assert any(t["language"] == "de" for t in data["reply_templates"])
    ScenarioKeyword.objects.all().delete()
    ReplyTemplate.objects.all().delete()
    portable.import_data(data)
    assert ScenarioKeyword.objects.get(language="de").word_list == ["Gutschein", "Geld zurück"]
    assert ReplyTemplate.objects.get(name="Entschuldigung").language == "de"
    assert portable.export_data() == data


def test_a_bad_keyword_section_names_each_field(scenario):
    data = portable.export_data()
    data["scenario_keywords"] = [
        {"scenario": "Nope", "language": "français!", "topic": "weather", "words": []}
    ]
    with pytest.raises(portable.PlaybookError) as err:
        portable.import_data(data)
    text = str(err.value)
    for field in ("scenario_keywords[0].scenario", ".language", ".topic", ".words"):
        assert field in text
    assert not ScenarioKeyword.objects.exists()


def test_the_why_ranked_reasons_are_rendered_in_the_readers_language(agent):
    (mention,) = load(
        mention_item("s", lang="es", text="Hay humo en el vagón", author={"handle": "ana", "followers": 3})
    )
    stored = Mention.objects.get(pk=mention.pk).breakdown
    assert all("code" in item and "reason" not in item for item in stored)
    with translation.override("en"):
        context = api_for(agent).get(f"/api/v1/mentions/{mention.pk}/context/").json()
    reasons = [item["reason"] for item in context["mention"]["breakdown"]]
    assert "safety: “humo”" in reasons and "safety report: raised to P2" in reasons
    assert mention.band <= 2
