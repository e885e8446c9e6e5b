# Simplified Chinese: "12月3日 14:05", 24-hour clock; numbers grouped by three with commas, as
# software written in Chinese shows them (crisiscenter/formats/__init__.py).
DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATETIME_FORMAT = "n月j日 H:i"
TIME_SECONDS_FORMAT = "H:i:s"
SHORT_DATETIME_SECONDS_FORMAT = "n月j日 H:i:s"
DATETIME_SECONDS_FORMAT = "Y年n月j日 H:i:s"
DAY_HOUR_FORMAT = "n月j日 H:00"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
