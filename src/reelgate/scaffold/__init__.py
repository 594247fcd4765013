"""``reelgate init``: a new team's first suite, written from templates shipped in the package."""
