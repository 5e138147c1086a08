"""``python -m mtqgledger.cli``: the ``mtqg`` command."""

import sys

from mtqgledger.cli import main

sys.exit(main())
