import sys

from clinic_staff.console.app import main

sys.exit(main())
