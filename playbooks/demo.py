"""Demo data: one organisation ready for a rail disruption, used by seed_demo and tests."""

DEPARTMENTS = [
    ("Comms", [("Priya Shah", "Head of communications", "priya.shah@example.org", "+44 20 7946 0101", True)]),
    ("Social care", [("Tom Reed", "Social media lead", "tom.reed@example.org", "+44 20 7946 0102", True)]),
    (
        "Operations",
        [("Ana Costa", "Duty operations manager", "ops.duty@example.org", "+44 20 7946 0103", True)],
    ),
    ("Customer service", [("Mo Idris", "Contact centre manager", "mo.idris@example.org", "", False)]),
    ("Legal", [("Helen Park", "Duty lawyer", "legal.duty@example.org", "+44 20 7946 0105", True)]),
    ("IT", [("Sven Berg", "IT on call", "it.oncall@example.org", "+44 20 7946 0106", True)]),
    ("HR", [("Lucy Adams", "HR partner", "lucy.adams@example.org", "", False)]),
]


def _item(dept, title, due, owner="", action=None):
    return {"department": dept, "title": title, "due_minutes": due, "owner_role": owner, "action": action}


RAIL_SCENARIO = {
    "name": "Rail signal failure",
    "kind": "outage",
    "description": "A signalling fault stops trains on a main line; passengers are stranded or delayed.",
    "hub": {
        "title": "Disruption on the Northline main line",
        "summary": (
            "A signalling fault between Kingsbridge and Alder Vale has stopped trains in both directions. "
            "Passengers on stopped trains are safe and staff are with them. Tickets are valid on buses and "
            "tomorrow's services; refunds and Delay Repay claims will be honoured in full."
        ),
    },
    "holding_statement": (
        "We know trains between Kingsbridge and Alder Vale are stopped. Everyone on board is safe and our "
        "staff are with them. We will update this page every 30 minutes."
    ),
    "topic_keywords": {"refund": ["delay repay"], "schedule": ["replacement bus"]},
    "departments": ["Comms", "Social care", "Operations", "Customer service", "Legal", "IT", "HR"],
    "training": [
        {
            "title": "The crisis switch in five minutes",
            "url": "https://intranet.example.org/crisis/switch",
            "minutes": 5,
        },
        {
            "title": "Replying in our tone of voice",
            "url": "https://intranet.example.org/crisis/tone",
            "minutes": 10,
        },
    ],
    "checklist": [
        _item("Social care", "Hold all scheduled posts", 5, "Social media lead", "pause_posts"),
        _item("Social care", "Pause paid campaigns on every platform", 5, "Social media lead", "pause_ads"),
        _item("Comms", "Notify every department", 5, "Comms lead", "notify_departments"),
        _item("Comms", "Publish the hub page", 10, "Comms lead", "publish_hub"),
        _item("Comms", "Post the holding statement", 10, "Comms lead", "post_holding_statement"),
        _item("Operations", "Confirm passenger safety on stopped trains", 10, "Duty operations manager"),
        _item("Social care", "Pin the hub link on every channel", 15, "Social media lead"),
        _item(
            "Customer service",
            "Brief the contact centre on refunds and rebooking",
            20,
            "Contact centre manager",
        ),
        _item("Legal", "Review the holding statement", 30, "Duty lawyer"),
        _item("IT", "Check the journey planner shows the disruption", 30, "IT on call"),
        _item("Comms", "First hub update with the next update time", 30, "Comms lead"),
        _item("HR", "Call in jump-seat volunteers for the queue", 45, "HR partner"),
        _item("Operations", "Agree replacement buses and publish the routes", 60, "Duty operations manager"),
    ],
}

OTHER_SCENARIOS = [
    {
        "name": "Website outage",
        "kind": "outage",
        "description": "Bookings and the app are down.",
        "hub": {
            "title": "Our website and app are unavailable",
            "summary": "We cannot take bookings online right now. Existing tickets remain valid.",
        },
        "departments": ["Comms", "IT"],
        "checklist": [
            _item("IT", "Confirm scope of the outage", 10, "IT on call"),
            _item("Comms", "Publish the hub page", 15, "Comms lead", "publish_hub"),
        ],
    },
    {
        "name": "Severe weather",
        "kind": "natural_disaster",
        "description": "Storm damage closes lines across the network.",
        "hub": {
            "title": "Storm disruption across the network",
            "summary": (
                "Several lines are closed after storm damage. Please do not travel today unless necessary."
            ),
        },
        "departments": ["Comms", "Operations"],
        "checklist": [
            _item("Operations", "List closed lines", 10, "Duty operations manager"),
            _item("Comms", "Publish do-not-travel advice", 15, "Comms lead", "publish_hub"),
        ],
    },
]

PLAYBOOK = {
    "version": 1,
    "departments": [
        {
            "name": name,
            "order": i * 10,
            "contacts": [
                {"name": n, "role": r, "email": e, "phone": p, "on_call": oc} for n, r, e, p, oc in contacts
            ],
        }
        for i, (name, contacts) in enumerate(DEPARTMENTS)
    ],
    "scenarios": [RAIL_SCENARIO, *OTHER_SCENARIOS],
}

# Shown to every helper before their first queue, whatever the crisis (seed_demo adds it).
GLOBAL_TRAINING = {
    "title": "First-line care: acknowledge, apologise, point to the hub (video)",
    "url": "https://intranet.example.org/crisis/first-line-video",
    "minutes": 8,
}

ACCOUNTS = [
    ("x", "northlinerail", "Northline Rail"),
    ("mastodon", "northline", "Northline Rail"),
    ("facebook", "northlinerail", "Northline Rail"),
    ("instagram", "northline.rail", "Northline Rail"),
]

CAMPAIGNS = [
    "Autumn weekend fares",
    "Family railcard",
    "City breaks by train",
    "Business travel pass",
    "Student discount",
    "Seaside specials",
]

POSTS = [
    "Weekend fares from £9 are back — book by Friday!",
    "Meet the team keeping your trains warm this winter.",
    "Five walks you can reach by train this autumn.",
    "New quiet coaches on the Alder Vale line from Monday.",
    "Win a year of free travel: tell us your favourite station.",
    "Our bikes-on-board guide, updated for the new timetable.",
]

REPLY_TEMPLATES = [
    (
        "Apology and hub link",
        "first_line",
        "Hi {name}, we're really sorry for the disruption today. We're keeping this page up to date with "
        "what's happening and your options: {hub_link}"
        "\n---\n"
        "Sorry {name}, today has not gone the way it should. Everything we know, as soon as we know it: "
        "{hub_link}"
        "\n---\n"
        "{name}, we hear you, and we're sorry. The latest on the disruption, and what you can do: {hub_link}",
    ),
    (
        "Safety first",
        "first_line",
        "Hi {name}, thank you for telling us. Staff are with every stopped train and you are safe. "
        "If anyone needs help right now please speak to the guard. Updates: {hub_link}"
        "\n---\n"
        "Thank you {name}. Our staff are with every stopped train and everyone is safe. If someone needs "
        "help now, tell the guard or call 999. Updates: {hub_link}",
    ),
    (
        # External hiccups (rule 4): others are at fault, we still acknowledge and apologise, and say
        # plainly what the cause is; edit the cause in the words before sending.
        "Not our fault, still sorry",
        "first_line",
        "Hi {name}, the signals failed after a power cut on the national grid, not on our trains, but it "
        "is our passengers who are stuck and we are sorry. What we are doing and your options: {hub_link}"
        "\n---\n"
        "{name}, the cause is a grid power cut outside our network. That does not make your wait any "
        "better, and we apologise. The latest, as soon as we know it: {hub_link}",
    ),
    (
        "Refunds and Delay Repay",
        "expert",
        "Hi {name}, you're entitled to a full refund or Delay Repay for today's journey. Here is how to "
        "claim, with the deadlines: {faq:refunds}"
        "\n---\n"
        "Hi {name}, sorry about today. You can claim a full refund or Delay Repay; the steps and "
        "deadlines are here: {faq:refunds}",
    ),
]

# The queue's curated tags (triage.Tag): what the team reports on afterwards.
TAGS = ["press", "vulnerable passenger", "callback", "legal", "escalated", "accessibility"]

WATCHLIST = [
    ("kingsbridgetimes", "news_media"),
    ("janedoe", "journalist"),
    ("alderval_council", "public_body"),
]


ROSTER = [
    # username, role, first name, roster entry
    (
        "volunteer",
        "volunteer",
        "Vic",
        {
            "team": "Finance",
            "languages": "en, fr",
            "availability": "evenings",
            "skills": ["refunds"],
            "time_zone": "Europe/London",
        },
    ),
    (
        "sam_hr",
        "volunteer",
        "Sam",
        {
            "team": "HR",
            "languages": "en, pl",
            "availability": "anytime",
            "phone": "+44 7700 900123",
            "time_zone": "Asia/Manila",
        },
    ),
    (
        "ines_lisbon",
        "agent",
        "Inês",
        {
            "team": "Customer care",
            "languages": "pt, en, es",
            "availability": "office_hours",
            "outside_team": "Lisbon contact centre",
            "skills": ["crm", "rebookings"],
            "time_zone": "Europe/Lisbon",
        },
    ),
]


def spec_training(username: str) -> list[str]:
    """Training state per scenario (in PLAYBOOK order) for each roster member."""
    return {
        "volunteer": ["trained", "in_progress", "not_started"],
        "sam_hr": ["trained", "trained", "trained"],
        "ines_lisbon": ["in_progress", "not_started", "not_started"],
    }[username]
