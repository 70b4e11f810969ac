import sys

from containersec.cli import main

sys.exit(main())
