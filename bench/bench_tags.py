"""Held-out evaluation of the tags (issue 19): coverage, tags per paper and precision on papers
of dumps the taxonomy was not tuned on.

    .venv/bin/python bench/bench_tags.py                      # report (precision from the sample)
    .venv/bin/python bench/bench_tags.py --write-sample       # (re)draw the sample, judgements blank

The papers of dumps/ are split by dump: a paper belongs to the held-out split when every
dump that lists it is a held-out dump (--held-out, by default the newest seed dump), to the
tuning split when none is. The taxonomy's new tags and the inference settings were chosen
on the reference lists (taxonomy/SOURCES.md) and the tuning split only.

For each split it prints the share of papers the rules tag, the share tagged once inferred
tags are added (as the build does), and the tags per paper (mean and most). Precision comes
from bench/tags_sample.tsv: a random sample (--seed, --sample papers) of the held-out split,
one line per (paper, tag) with a judgement read by hand from the paper's title and abstract
(right or wrong; "-" for a paper with no tag). A line whose tag the paper no longer has, or a
tag of a sampled paper without a line, is reported as stale: the sample must be judged again.
Figures: bench/README.md, "Tags on held-out dumps".
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.archive import load_archive  # noqa: E402
from generator.model import Paper  # noqa: E402
from generator.tagging import tagged_archive  # noqa: E402
from generator.taxonomy import load_overrides, load_taxonomy  # noqa: E402

HELD_OUT = ("2026-11-22-002-b22038616ce28914.txt",)
SAMPLE = ROOT / "bench" / "tags_sample.tsv"
FIELDS = ("slug", "tag", "how", "judgement", "title", "note")


def split(papers: tuple[Paper, ...], held_out: set[str]) -> tuple[list[Paper], list[Paper]]:
    """(tuning, held-out) papers: listed in no held-out dump, listed in held-out dumps only."""
    tuning = [p for p in papers if not any(s.dump in held_out for s in p.sources)]
    unseen = [p for p in papers if all(s.dump in held_out for s in p.sources)]
    return tuning, unseen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumps", type=Path, default=ROOT / "dumps")
    parser.add_argument("--held-out", nargs="+", default=list(HELD_OUT))
    parser.add_argument("--sample", type=int, default=45)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--write-sample", action="store_true")
    args = parser.parse_args()

    taxonomy = load_taxonomy(ROOT / "taxonomy" / "tags.yml")
    tagged = tagged_archive(
        load_archive(args.dumps).papers, taxonomy, load_overrides(ROOT / "taxonomy" / "overrides.yml")
    )
    key_of = {tag.label: tag.key for tag in taxonomy.tags}
    tuning, unseen = split(tagged.papers, set(args.held_out))
    print(f"{len(tagged.papers)} papers; held out: {', '.join(args.held_out)}")
    for name, group in (("tuning", tuning), ("held-out", unseen)):
        ruled = sum(1 for p in group if tagged.tagging.tags[p.slug])
        final = sum(1 for p in group if p.tags)
        counts = [len(p.tags) for p in group]
        print(
            f"  {name:8s} {len(group):4d} papers: rules tag {100 * ruled / len(group):.1f}%, "
            f"with inferred tags {100 * final / len(group):.1f}% ({final - ruled} inferred); "
            f"tags per paper {sum(counts) / len(group):.2f} (tagged: {sum(counts) / max(final, 1):.2f}), "
            f"at most {max(counts)}"
        )

    chosen = random.Random(args.seed).sample(sorted(unseen, key=lambda p: p.slug), args.sample)
    if args.write_sample:
        with SAMPLE.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter="\t", lineterminator="\n")
            writer.writerow(FIELDS)
            for paper in sorted(chosen, key=lambda p: p.slug):
                how = "inferred" if paper.inferred else "rules"
                for label in paper.tags or ("-",):
                    writer.writerow((paper.slug, key_of.get(label, "-"), how, "", paper.title, ""))
        print(f"wrote {SAMPLE}: judge each line (right / wrong) by the paper's title and abstract")
        return

    with SAMPLE.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source, delimiter="\t"))
    now = {(p.slug, key_of[label]) for p in chosen for label in p.tags}
    now |= {(p.slug, "-") for p in chosen if not p.tags}
    judged = {(row["slug"], row["tag"]): row for row in rows}
    stale = sorted(set(judged) ^ now)
    tags = [row for key, row in judged.items() if key in now and row["tag"] != "-"]
    right = sum(1 for row in tags if row["judgement"] == "right")
    by_rules = [row for row in tags if row["how"] == "rules"]
    by_rules_right = sum(1 for row in by_rules if row["judgement"] == "right")
    print(
        f"  sample of {len(chosen)} held-out papers (seed {args.seed}): {len(tags)} tags, {right} right: "
        f"precision {100 * right / max(len(tags), 1):.1f}% (rules {by_rules_right}/{len(by_rules)}, "
        f"inferred {right - by_rules_right}/{len(tags) - len(by_rules)})"
    )
    if stale:
        print(f"  stale sample: {len(stale)} (paper, tag) pairs differ from the judged ones, e.g. {stale[:3]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
