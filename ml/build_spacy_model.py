"""Build the spaCy pipeline the NLU config loads: blank English plus lookup lemmas.

No official spaCy model is on PyPI for spaCy 3.4 (Rasa 3.6 pins spacy<3.5), so
the project builds its own from two official packages: spaCy's English
tokenizer rules and the lemma tables in `spacy-lookups-data`. The result is
deterministic, so rebuilding gives the same files.
"""

import argparse
import sys
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / ".build" / "spacy_en_lookup"


def build(output: Path) -> Path:
    """Create the pipeline and save it to `output`."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "en_lookup_lemmas"
    nlp.meta["description"] = (
        "Blank English tokenizer with lookup lemmatizer (built by ml/build_spacy_model.py)"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--force", action="store_true", help="rebuild even if present")
    args = parser.parse_args(argv)
    if (args.output / "meta.json").exists() and not args.force:
        print(f"spaCy pipeline already built at {args.output}")
        return 0
    build(args.output)
    print(f"Built spaCy pipeline (blank English + lookup lemmas) at {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
