"""``python -m console`` runs the ``btconsole`` command."""

import sys

from console.cli import main

sys.exit(main())
