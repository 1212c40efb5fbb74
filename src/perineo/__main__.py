from perineo.cli import main

raise SystemExit(main())
