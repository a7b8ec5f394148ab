"""Parse throughput on a multi-megabyte script, and how parse time grows with input size.

The script is the sample repeated; each repetition keeps its title line so the parser meets the
same mix of rules everywhere. Times are the best of several runs (the least disturbed by other
work on a shared machine) and are also given as a ratio to a bare line scan of the same text.
"""

from __future__ import annotations

import re

from subtoolkit.text.ingest import normalise_line, split_lines
from subtoolkit.text.parse import parse_lines

from common import best_of, script_of_size  # noqa: E402  (bench/common.py, beside this script)






def main() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    print(f"{'size MB':>8} {'lines':>8} {'parse s':>8} {'MB/s':>7} {'scan s':>8} {'parse/scan':>10} {'s per MB':>9}")
    per_mb = []
    for mb in (0.5, 1, 2, 4, 8):
        text = script_of_size(mb)
        size = len(text.encode("utf-8")) / 1_000_000
        lines = [normalise_line(l) for l in split_lines(text)]
        t_parse = best_of(lambda: parse_lines(lines))
        t_scan = best_of(lambda: [han.search(l) for l in text.splitlines()])
        per_mb.append(t_parse / size)
        print(f"{size:8.2f} {len(lines):8d} {t_parse:8.3f} {size / t_parse:7.2f} {t_scan:8.4f} "
              f"{t_parse / t_scan:10.1f} {t_parse / size:9.3f}")
    spread = max(per_mb) / min(per_mb)
    print(f"\nseconds per MB varies by a factor of {spread:.2f} from 0.5 MB to 8 MB (1.0 = perfectly linear)")


if __name__ == "__main__":
    main()
