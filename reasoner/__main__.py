"""`python -m reasoner`: the `reasoner` command."""

from reasoner.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
