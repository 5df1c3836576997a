import sys

from fakenova.cli import main

sys.exit(main())
