import pytest
from django.utils import translation

from tests import triage_eval
from triage import lexicons, reasons
from triage.models import AuthorKind, Band, Tier, Topic
from triage.scoring import MentionSignals, keywords_for, score_mention
from triage.simulation_texts import TEXTS

FIGURES = triage_eval.evaluate(triage_eval.load())
FLOORS = triage_eval.recorded_floors()


@pytest.mark.parametrize(("key", "metric"), [(k, m) for k, v in sorted(FLOORS.items()) for m in v])
def test_no_figure_drops_below_its_recorded_floor(key, metric):
    assert FIGURES[key][metric] >= FLOORS[key][metric], f"{key} {metric}: {FIGURES[key][metric]}"


def test_the_labelled_set_covers_nine_languages_with_every_class():
    posts = triage_eval.load()
    assert len(posts) >= 250
    for lang in lexicons.LANGUAGES:
        mine = [p for p in posts if p.lang == lang]
        assert {p.topic for p in mine} >= set(triage_eval.TOPIC_CLASSES) - {"praise"} | {"praise"}
        assert {p.kind for p in mine} >= {"person", *triage_eval.KIND_CLASSES}


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("Smoke in our carriage and a man has fainted", "en", "Smoke"),
        ("De la fumée dans notre voiture et un homme a fait un malaise", "fr", "fumée"),
        ("Rauch im Wagen und ein Mann ist ohnmächtig", "de", "Rauch"),
        ("Hay humo en el vagón y un señor se ha desmayado", "es", "humo"),
        ("C'è fumo in carrozza e un signore è svenuto", "it", "fumo"),
        ("Há fumo na carruagem e um senhor desmaiou", "pt", "fumo"),
        ("Rook in de coupé en een man is flauwgevallen", "nl", "Rook"),
        ("车厢里冒烟了，有人晕倒了", "zh-Hans", "冒烟"),
        ("車内に煙、男性が倒れました", "ja", "煙"),
    ],
)
def test_a_safety_report_in_any_language_is_p2_even_from_nobody(text, lang, term):
    score = score_mention(MentionSignals(text=text, lang=lang, followers=12))
    assert score.topic == Topic.SAFETY and score.band <= Band.P2
    codes = {item["code"]: item for item in score.breakdown()}
    assert codes["urgency.safety"]["params"]["term"] == term
    assert "urgency.safety_floor" in codes or score.total >= 45


@pytest.mark.parametrize(
    ("name", "bio", "kind"),
    [
        ("Tagesblatt Nachrichten", "Aktuelle Nachrichten aus der Region", AuthorKind.NEWS_MEDIA),
        ("Noticias Sur", "Toda la actualidad de Andalucía", AuthorKind.NEWS_MEDIA),
        ("华北新闻", "华北地区新闻资讯", AuthorKind.NEWS_MEDIA),
        ("Ayuntamiento de Toledo", "Cuenta oficial del Ayuntamiento", AuthorKind.PUBLIC_BODY),
        ("天津市人民政府", "", AuthorKind.PUBLIC_BODY),
        ("Laura Kessler", "Verkehrsreporterin beim Kölner Anzeiger", AuthorKind.JOURNALIST),
        ("刘记者", "《南方日报》交通记者", AuthorKind.JOURNALIST),
    ],
)
def test_press_and_public_bodies_are_never_first_line_work(name, bio, kind):
    score = score_mention(MentionSignals(text="…", name=name, bio=bio, followers=310_000))
    assert score.author_kind == kind and score.tier == Tier.EXPERT


def test_full_width_forms_case_and_accents_are_read_alike():
    for text in ("ＲＥＭＢＯＵＲＳＥＭＥＮＴ svp", "REMBOURSEMENT svp", "rèmboursement svp"):
        assert score_mention(MentionSignals(text=text, lang="fr")).topic == Topic.REFUND
    # A half-width katakana "キャンセル" reads as the full-width word.
    assert score_mention(MentionSignals(text="ｷｬﾝｾﾙになった", lang="ja")).topic == Topic.CANCELLATION


def test_the_matched_term_is_quoted_as_the_post_wrote_it():
    score = score_mention(MentionSignals(text="Ich will eine RÜCKERSTATTUNG!", lang="de"))
    item = next(i for i in score.breakdown() if i["code"] == "topic.practical")
    assert item["params"] == {"topic": "refund", "term": "RÜCKERSTATTUNG"}


def test_non_english_sentiment_comes_from_the_language_list_and_reads_negation():
    angry = score_mention(MentionSignals(text="C'est une honte, service lamentable", lang="fr"))
    pleased = score_mention(MentionSignals(text="Je ne suis pas déçu, merci", lang="fr"))
    assert angry.sentiment < -0.3 and pleased.sentiment > 0
    assert score_mention(MentionSignals(text="服务很不满意，太差了", lang="zh")).sentiment < 0


def test_scenario_keywords_per_language_apply_only_to_that_language():
    by_language = {"": {"schedule": ("replacement bus",)}, "fr": {"compensation": ("bon voyage",)}}
    assert keywords_for(by_language, "fr-FR") == {
        "schedule": ("replacement bus",),
        "compensation": ("bon voyage",),
    }
    assert keywords_for(by_language, "de") == {"schedule": ("replacement bus",)}
    french = score_mention(
        MentionSignals(
            text="On aura un bon voyage ?", lang="fr", topic_keywords=keywords_for(by_language, "fr")
        )
    )
    assert french.topic == Topic.COMPENSATION


def test_reasons_are_codes_rendered_in_the_readers_language():
    score = score_mention(MentionSignals(text="Hay humo", lang="es", followers=48_000))
    assert all("reason" not in item for item in score.breakdown())
    with translation.override("en"):
        rendered = [i["reason"] for i in reasons.explained(score.breakdown())]
    assert "safety: “humo”" in rendered and "48,000 followers: influencer" in rendered
    # Breakdowns stored before codes keep their prose.
    assert reasons.render({"factor": "reach", "points": 5, "reason": "old words"}) == "old words"


def test_the_demo_crisis_posts_land_in_real_topics():
    results = []
    for topic, by_language in TEXTS.items():
        for lang, texts in by_language.items():
            for text in texts:
                filled = text.format(brand="@northlinerail", station="Alder Vale", time="08:12")
                results.append((topic, score_mention(MentionSignals(text=filled, lang=lang)).topic))
    assert not [r for r in results if r[1] == Topic.OTHER]
    assert sum(expected == got for expected, got in results) / len(results) >= 0.95
