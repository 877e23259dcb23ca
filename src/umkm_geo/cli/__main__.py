"""``python -m umkm_geo.cli``: the ``umkm-geo`` command."""

import sys

from umkm_geo.cli import main

sys.exit(main())
