"""mkdocs.py TREE OUT.pkl: read every file of a --tree folder once (pipeline.load_path) and pickle the documents (the input of writer_bench.py)."""
import pickle, sys
from sijeong.commands import ingest
items = ingest.tree_items(sys.argv[1])
docs = [ingest._read(it.path, it.municipality) for it in items]
pickle.dump(docs, open(sys.argv[2], 'wb'), pickle.HIGHEST_PROTOCOL)
