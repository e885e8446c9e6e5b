"""What people write during a rail disruption, by topic and language (the demo story).

{brand} is the operator's handle, {station} and {time} are filled in per mention."""

LANGUAGES = {"en": 0.58, "fr": 0.11, "de": 0.11, "nl": 0.1, "es": 0.1}

TEXTS: dict[str, dict[str, list[str]]] = {
    "safety": {
        "en": [
            "Train stuck outside {station} for an hour, is anyone hurt? {brand}",
            "Smoke smell in coach C on the {time}, staff say nothing. Is it safe?",
            "Stuck on a stopped train with a baby and no water. {brand} please help",
            "Someone fainted on the platform at {station}, it is packed and dangerous",
        ],
        "fr": [
            "Train bloqué près de {station} depuis une heure, il y a des blessés ? {brand}",
            "Odeur de fumée dans la voiture C du {time}, personne ne dit rien. C'est dangereux ?",
        ],
        "de": [
            "Zug steht seit einer Stunde vor {station}, ist jemand verletzt? {brand}",
            "Rauchgeruch im Wagen C im {time}, das Personal sagt nichts. Ist das sicher?",
        ],
        "nl": [
            "Trein staat al een uur stil bij {station}, is er iemand gewond? {brand}",
            "Rooklucht in rijtuig C van de {time}. Is dit veilig?",
        ],
        "es": [
            "Tren parado hace una hora cerca de {station}, ¿hay heridos? {brand}",
            "Olor a humo en el vagón C del {time} y nadie dice nada. ¿Es seguro?",
        ],
    },
    "schedule": {
        "en": [
            "When will trains run again between {station} and Kingsbridge?",
            "{brand} is the {time} running or not?",
            "Timetable says delayed, app says cancelled. Which is it? {brand}",
            "Any idea when the next train from {station} is?",
        ],
        "fr": ["Quand est-ce que les trains reprennent à {station} ? {brand}", "Le {time} circule ou pas ?"],
        "de": ["Wann fahren wieder Züge ab {station}? {brand}", "Fährt der {time} heute noch?"],
        "nl": ["Wanneer rijden de treinen weer vanaf {station}? {brand}", "Rijdt de trein van {time} nog?"],
        "es": ["¿Cuándo vuelven a circular los trenes en {station}? {brand}", "¿Sale el tren de las {time}?"],
    },
    "cancellation": {
        "en": ["My {time} was cancelled with no warning. What now {brand}?", "Cancelled AGAIN at {station}."],
        "fr": ["Mon train de {time} est annulé sans prévenir. Et maintenant {brand} ?"],
        "de": ["Mein Zug um {time} wurde ohne Vorwarnung gestrichen. Was jetzt {brand}?"],
        "nl": ["Mijn trein van {time} is zonder waarschuwing geschrapt. Wat nu {brand}?"],
        "es": ["Han cancelado mi tren de las {time} sin avisar. ¿Y ahora {brand}?"],
    },
    "refund": {
        "en": [
            "How do I get a refund for my cancelled journey yesterday? {brand}",
            "Still waiting for my refund from the {station} disruption",
            "Is there a form for refunds after Tuesday's chaos?",
        ],
        "fr": ["Comment obtenir un remboursement pour mon trajet annulé hier ? {brand}"],
        "de": ["Wie bekomme ich eine Erstattung für meine ausgefallene Fahrt gestern? {brand}"],
        "nl": ["Hoe krijg ik mijn geld terug voor de geschrapte reis van gisteren? {brand}"],
        "es": ["¿Cómo pido el reembolso de mi viaje cancelado ayer? {brand}"],
    },
    "rebooking": {
        "en": [
            "Need to rebook my ticket for tomorrow, how? {brand}",
            "Is my advance ticket valid on another train tomorrow?",
        ],
        "fr": ["Je dois changer mon billet pour demain, comment faire ? {brand}"],
        "de": ["Ich muss mein Ticket auf morgen umbuchen, wie geht das? {brand}"],
        "nl": ["Ik moet mijn kaartje omboeken naar morgen, hoe? {brand}"],
        "es": ["Tengo que cambiar mi billete para mañana, ¿cómo lo hago? {brand}"],
    },
    "compensation": {
        "en": [
            "Can I claim Delay Repay for a 3 hour delay? {brand}",
            "Still waiting for my compensation, this is unacceptable",
        ],
        "fr": ["Puis-je demander une indemnisation pour 3 heures de retard ? {brand}"],
        "de": ["Bekomme ich eine Entschädigung für 3 Stunden Verspätung? {brand}"],
        "nl": ["Krijg ik compensatie voor 3 uur vertraging? {brand}"],
        "es": ["¿Puedo pedir una compensación por 3 horas de retraso? {brand}"],
    },
    "complaint": {
        "en": [
            "No information at {station} at all. Ridiculous. {brand}",
            "Worst service ever, never again",
            "Absolutely unacceptable how passengers were treated today",
        ],
        "fr": ["Aucune information en gare de {station}. Inadmissible. {brand}"],
        "de": ["Keinerlei Informationen in {station}. Unfassbar. {brand}"],
        "nl": ["Geen enkele informatie op {station}. Belachelijk. {brand}"],
        "es": ["Ninguna información en {station}. Inaceptable. {brand}"],
    },
    "praise": {
        "en": [
            "Thank you to the guard on the {time} who kept everyone calm",
            "Well done to the staff at {station} today, amazing under pressure",
        ],
        "fr": ["Merci au personnel de {station}, formidables aujourd'hui"],
        "de": ["Danke an das Personal in {station}, großartig heute"],
        "nl": ["Dank aan het personeel op {station}, top gedaan vandaag"],
        "es": ["Gracias al personal de {station}, increíbles hoy"],
    },
}

# What journalists and news accounts write: questions to the press office and headlines.
PRESS = {
    "en": [
        "BREAKING: trains halted near {station} after a signalling fault. {brand} has not commented yet.",
        "{brand} can you confirm how many passengers were stuck near {station}? Writing a piece for tonight.",
        "Passengers describe hours stuck near {station}; {brand} says refunds will be offered.",
    ],
    "fr": ["URGENT : trafic interrompu près de {station}. {brand} n'a pas encore réagi."],
    "de": ["EILMELDUNG: Zugverkehr bei {station} unterbrochen. {brand} äußert sich noch nicht."],
    "nl": ["BREAKING: treinverkeer bij {station} stilgelegd. {brand} reageert nog niet."],
    "es": ["ÚLTIMA HORA: trenes detenidos cerca de {station}. {brand} aún no ha comentado."],
}

STATIONS = ["Alder Vale", "Kingsbridge", "Millford Junction", "Eastcote", "Harrow Green"]
TIMES = ["07:42", "08:14", "08:45", "12:10", "17:30", "18:05"]
