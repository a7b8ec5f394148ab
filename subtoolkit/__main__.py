"""Allow ``python -m subtoolkit`` next to the ``subtoolkit`` console script."""

from subtoolkit.cli import main

if __name__ == "__main__":
    main()
