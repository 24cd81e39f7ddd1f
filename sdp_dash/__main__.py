"""python -m sdp_dash: the command line (see sdp_dash.cli)."""

import sys

from sdp_dash.cli import main

sys.exit(main())
