"""`python3 -m ssesim_analysis`: the same program as `ssesim-analysis`."""
import sys

from .cli import main

sys.exit(main())
