"""Paper Archive: a static site generator for Hugging Face Papers dumps."""
