import sys

from reelgate.records.cli import main

sys.exit(main())
