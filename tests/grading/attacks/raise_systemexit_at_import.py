# phrase: SystemExit
raise SystemExit(0)
