"""writer_bench.py DOCS.pkl ROUNDS: the writer of `sijeong ingest --tree` (Ingest.run) fed from pickled documents: CPU per doc, split"""
import os, pickle, sys, time, statistics, contextlib, io, collections
docs = pickle.load(open(sys.argv[1], 'rb'))
rounds = int(sys.argv[2])
import gc
if os.environ.get("GCT"): gc.set_threshold(*map(int, os.environ["GCT"].split(",")))
from sijeong.commands import ingest
from sijeong.store import db, repository
from sijeong import operations, pipeline
acc = collections.Counter()
def timed(mod, name, key):
    f = getattr(mod, name)
    def w(*a, **k):
        t = time.process_time()
        try: return f(*a, **k)
        finally: acc[key] += time.process_time() - t
    setattr(mod, name, w)
timed(repository, 'save_document', 'store')
timed(pipeline, 'check', 'rules')
timed(operations, 'recheck', 'recheck')
timed(operations, 'derive', 'derive')
timed(operations, 'restated_report_years', 'restated')
timed(ingest.Ingest, 'store_scope', 'scope')
timed(operations.Tx, 'note', 'note')
timed(repository, 'save_findings', 'save_findings')
from sijeong.store import views
timed(operations.views, 'load_documents', 'load_docs')
timed(operations, 'context_of', 'context')
timed(operations, '_rederive', 'rederive')
import sqlalchemy
timed(sqlalchemy.engine.base.Connection, '_commit_impl', 'commit')
_loads = pickle.loads
def loads(b):
    t = time.process_time()
    try: return _loads(b)
    finally: acc['unpickle'] += time.process_time() - t
items = [ingest.Item(f"/x/{d.name}", d.municipality, None, True) for d in docs]
ingest.read_all = lambda items_, jobs: ((it, loads(pickle.dumps(d, pickle.HIGHEST_PROTOCOL)), None) for it, d in zip(items_, docs))
res = []
for r in range(rounds):
    path = os.path.join(__import__('tempfile').gettempdir(), f'wb_{os.getpid()}.db')
    e = db.create_engine_for(f"sqlite:///{path}"); db.migrate(e)
    acc.clear()
    t = time.process_time()
    gcm = ingest.batch_gc() if hasattr(ingest, 'batch_gc') else contextlib.nullcontext()
    with contextlib.redirect_stdout(io.StringIO()), gcm:
        ingest.Ingest(e).run(items, 1)
    total = time.process_time() - t
    e.dispose(); os.remove(path)
    res.append((total, dict(acc)))
n = len(docs)
best = min(res, key=lambda x: x[0])
tag = os.environ['PYTHONPATH'].split('/')[-2]
print(f"{tag}: writer CPU/doc (incl. unpickle) min {best[0]/n*1000:.1f} ms, median {statistics.median(r[0] for r in res)/n*1000:.1f}; " +
      ", ".join(f"{k} {v/n*1000:.1f}" for k, v in sorted(best[1].items())) + f"  load {os.getloadavg()[0]:.1f}")
import resource
print(f"   maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB, gc.collect() found {gc.collect()}, stats {[s['collections'] for s in gc.get_stats()]}")
