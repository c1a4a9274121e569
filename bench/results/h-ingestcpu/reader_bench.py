"""reader_bench.py DOCS: read each file once in one process (after preload), CPU per doc, + pickle dumps"""
import os, sys, time, pickle, gc
if os.environ.get("GCT"): gc.set_threshold(*map(int, os.environ["GCT"].split(",")))
from sijeong.commands import ingest
ingest._preload()
if hasattr(ingest, '_worker_init'): ingest._worker_init()  # what a reader process of the branch does
items = ingest.tree_items(sys.argv[1])
ingest._read(items[0].path, items[0].municipality)  # warm-up
t = time.process_time(); dump = 0.0
for it in items[1:]:
    d = ingest._read(it.path, it.municipality)
    t1 = time.process_time(); pickle.dumps(d, pickle.HIGHEST_PROTOCOL); dump += time.process_time() - t1
n = len(items) - 1
print(f"{os.environ['PYTHONPATH'].split('/')[-2]} GCT={os.environ.get('GCT')} FREEZE={os.environ.get('FREEZE')}: read+dump CPU/doc {(time.process_time()-t)/n*1000:.1f} ms (dump {dump/n*1000:.1f})  load {os.getloadavg()[0]:.1f}")
