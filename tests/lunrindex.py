"""Material for MkDocs' client-side search, rebuilt offline with the `lunr` package.

Mirrors Material's search worker (assets/javascripts/workers/search.*.js, 9.8): the fields and
boosts come from search_index.json's config (title 1e3, text 1, tags 1e6); documents carry their
own boost; the pipelines keep only what the config lists (stopWordFilter: no trimmer, no
stemmer); the tokenizer splits on the config's separator; and every query term gets a trailing
wildcard, as Material's query transform does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from lunr.builder import Builder
from lunr.index import Index
from lunr.query import Query
from lunr.stop_word_filter import stop_word_filter
from lunr.trimmer import trimmer

PIPELINE = {"stopWordFilter": stop_word_filter, "trimmer": trimmer}


class SearchIndex:
    def __init__(self, site: Path) -> None:
        data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
        config = data["config"]
        self.docs = {doc["location"]: doc for doc in data["docs"]}
        self.separator = re.compile(config["separator"])
        builder = Builder()
        for name in config["pipeline"]:
            if name in PIPELINE:
                builder.pipeline.add(PIPELINE[name])
                builder.search_pipeline.add(PIPELINE[name])
        builder.ref("location")
        for field, options in config["fields"].items():
            builder.field(field, boost=options.get("boost", 1), extractor=lambda doc, f=field: doc.get(f) or "")
        for doc in data["docs"]:
            builder.add(doc, {"boost": doc["boost"]} if "boost" in doc else None)
        self.index: Index = builder.build()

    def search(self, text: str) -> list[str]:
        """Locations of the results of a query typed into the search box, best first."""
        query = self.index.create_query()
        for term in self.separator.split(text.strip().lower()):
            if term:
                query.term(term, wildcard=Query.WILDCARD_TRAILING, use_pipeline=True)
        return [result["ref"] for result in self.index.query(query)]
