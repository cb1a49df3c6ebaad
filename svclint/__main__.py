from svclint.cli.main import main

raise SystemExit(main())
