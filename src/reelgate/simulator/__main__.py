from reelgate.simulator.cli import main

raise SystemExit(main())
