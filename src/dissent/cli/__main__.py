"""``python -m dissent.cli``: how the server starts its task worker and tests run the command."""

import sys

from dissent.cli import main

sys.exit(main())
