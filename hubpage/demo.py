"""Hub page templates for the demo's rail scenario (seed_demo calls seed_hub_demo)."""

from __future__ import annotations

from .models import FaqTopic, ScenarioFaq, ScenarioHubText

RAIL_TEXTS = {
    "en": {
        "title": "Disruption on the Northline main line",
        "what_happened": "A signalling fault between Kingsbridge and Alder Vale has stopped trains in both "
        "directions since 07:40. Passengers on stopped trains are safe and staff are with them.",
        "who_is_affected": "Everyone travelling between **Kingsbridge and Alder Vale**, and connections to "
        "the coast line.",
        "what_we_are_doing": "Engineers are on site. Replacement buses run every 15 minutes from both "
        "stations' forecourts.",
        "what_you_should_do": "- Delay your journey if you can.\n- Your ticket is valid on buses and on "
        "tomorrow's trains.\n- Keep your ticket: you can claim a refund or Delay Repay.",
        "contacts": "- Phone: **0800 123 4567** (24 hours)\n- Email: help@northline.example\n"
        "- Help desks at Kingsbridge and Alder Vale stations",
    },
    "fr": {
        "title": "Perturbation sur la ligne principale Northline",
        "what_happened": "Une panne de signalisation entre Kingsbridge et Alder Vale arrête les trains dans "
        "les deux sens depuis 7 h 40. Les voyageurs des trains arrêtés sont en sécurité, "
        "accompagnés du personnel.",
        "who_is_affected": "Tous les voyageurs entre **Kingsbridge et Alder Vale**, et les correspondances "
        "vers la ligne côtière.",
        "what_we_are_doing": "Les équipes techniques sont sur place. Des bus de remplacement partent toutes "
        "les 15 minutes devant les deux gares.",
        "what_you_should_do": "- Reportez votre voyage si vous le pouvez.\n- Votre billet est valable dans "
        "les bus et dans les trains de demain.\n- Gardez votre billet : remboursement ou indemnisation.",
        "contacts": "- Téléphone : **0800 123 4567** (24 h/24)\n- E-mail : help@northline.example",
    },
}

RAIL_FAQ = {
    "en": [
        (
            FaqTopic.REFUNDS,
            "refunds",
            "Can I get a refund?",
            "Yes, in full and with no fee, for any ticket "
            "for travel today. [Claim online](https://northline.example/refund) or at a ticket office.",
        ),
        (
            FaqTopic.COMPENSATION,
            "compensation",
            "Will I be compensated for the delay?",
            "Yes: Delay Repay "
            "pays 50% of the fare for 30 minutes' delay, 100% for 60 minutes. Claim within 28 days.",
        ),
        (
            FaqTopic.SCHEDULES,
            "schedules",
            "When will trains run normally?",
            "We expect a normal timetable "
            "from tomorrow's first train. The journey planner shows the latest times.",
        ),
        (
            FaqTopic.CANCELLATIONS,
            "cancellations",
            "Which trains are cancelled?",
            "All trains between Kingsbridge and Alder Vale until further notice. Other lines run normally.",
        ),
        (
            FaqTopic.REBOOKINGS,
            "rebookings",
            "Can I travel on another day?",
            "Yes. Your ticket is valid on "
            "any train until Sunday; reserved seats can be changed free of charge.",
        ),
    ],
    "fr": [
        (
            FaqTopic.REFUNDS,
            "refunds",
            "Puis-je être remboursé ?",
            "Oui, intégralement et sans frais, pour "
            "tout billet du jour. [Demande en ligne](https://northline.example/refund) ou au guichet.",
        ),
        (
            FaqTopic.COMPENSATION,
            "compensation",
            "Serai-je indemnisé du retard ?",
            "Oui : 50 % du prix pour 30 minutes de retard, 100 % pour 60 minutes. Demande sous 28 jours.",
        ),
        (
            FaqTopic.REBOOKINGS,
            "rebookings",
            "Puis-je voyager un autre jour ?",
            "Oui. Votre billet est valable dans tout train jusqu'à dimanche.",
        ),
    ],
}


def seed_hub_demo(scenario) -> None:
    """Idempotent: the demo scenario's hub texts and FAQ, in English and French."""
    for lang, text in RAIL_TEXTS.items():
        ScenarioHubText.objects.get_or_create(scenario=scenario, lang=lang, defaults=text)
    for lang, entries in RAIL_FAQ.items():
        for order, (topic, anchor, question, answer) in enumerate(entries):
            ScenarioFaq.objects.get_or_create(
                scenario=scenario,
                lang=lang,
                anchor=anchor,
                defaults={"topic": topic, "question": question, "answer": answer, "order": order},
            )
