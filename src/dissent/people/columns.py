"""The directory files' columns, in order: written once for the CSV reader and the CLI's help.

A module of its own, free of Django, because ``dissent units import --help`` lists them
and the ``dissent`` command loads Django only once it has a command to run.
"""

UNIT_COLUMNS = ("code", "name", "parent_code", "kind")
PEOPLE_COLUMNS = ("email", "name", "units", "roles", "eligible", "language")
