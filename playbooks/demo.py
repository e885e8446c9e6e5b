"""Demo data: one organisation ready for a rail disruption, used by seed_demo and tests."""

RAIL_SCENARIO = {
    "name": "Rail signal failure",
    "description": "A signalling fault stops trains on a main line; passengers are stranded or delayed.",
    "hub_title": "Disruption on the Northline main line",
    "hub_summary": (
        "A signalling fault between Kingsbridge and Alder Vale has stopped trains in both directions. "
        "Passengers on stopped trains are safe and staff are with them. Tickets are valid on buses and "
        "tomorrow's services; refunds and Delay Repay claims will be honoured in full."
    ),
    "checklist": [
        ("Social care", "Hold all scheduled posts and paid campaigns", 5),
        ("Comms", "Publish the hub page with a holding statement", 10),
        ("Operations", "Confirm passenger safety on stopped trains", 10),
        ("Social care", "Pin the hub link on every channel", 15),
        ("Customer service", "Brief the contact centre on refunds and rebooking", 20),
        ("Legal", "Review the holding statement", 30),
        ("IT", "Check the journey planner shows the disruption", 30),
        ("Comms", "First hub update with the next update time", 30),
        ("HR", "Call in jump-seat volunteers for the queue", 45),
        ("Operations", "Agree replacement buses and publish the routes", 60),
    ],
}

OTHER_SCENARIOS = [
    {
        "name": "Website outage",
        "description": "Bookings and the app are down.",
        "hub_title": "Our website and app are unavailable",
        "hub_summary": "We cannot take bookings online right now. Existing tickets remain valid.",
        "checklist": [("IT", "Confirm scope of the outage", 10), ("Comms", "Publish the hub page", 15)],
    },
    {
        "name": "Severe weather",
        "description": "Storm damage closes lines across the network.",
        "hub_title": "Storm disruption across the network",
        "hub_summary": (
            "Several lines are closed after storm damage. Please do not travel today unless necessary."
        ),
        "checklist": [("Operations", "List closed lines", 10), ("Comms", "Publish do-not-travel advice", 15)],
    },
]

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
