import os, resource, statistics, subprocess, sys, tempfile, time, json
DOC = "/work/shared/documents/004_c3ede251798e8a7a.txt"
def cpu_of(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
res = {k: [] for k in ("floor", "before", "after", "before_read", "after_read")}
loads = []
tmp = tempfile.mkdtemp()
READ = ("import time,sys; from sijeong import pipeline; p=sys.argv[1]; pipeline.load_path(p, municipality='김포시'); "
        "t=time.process_time(); pipeline.load_path(p, municipality='김포시'); print(time.process_time()-t)")
for i in range(int(sys.argv[1])):
    loads.append(os.getloadavg()[0])
    res["floor"].append(cpu_of(["/work/main/.venv/bin/python", "/work/wt/ingest/bench/floor.py", "--pass", DOC]))
    for name, root in (("before", "/tmp/ingest-before"), ("after", "/work/wt/ingest")):
        db = os.path.join(tmp, f"{name}.db")
        if os.path.exists(db): os.unlink(db)
        res[name].append(cpu_of([f"{root}/.venv/bin/sijeong", "ingest", "--db", db, "--municipality", "김포시", DOC]))
        os.unlink(db)
        out = subprocess.run([f"{root}/.venv/bin/python", "-c", READ, DOC], capture_output=True, text=True, check=True).stdout
        res[name + "_read"].append(float(out.strip().splitlines()[-1]))
med = {k: statistics.median(v) for k, v in res.items()}
print(json.dumps({"median": med, "min": {k: min(v) for k, v in res.items()}, "load_mean": statistics.mean(loads), "load_max": max(loads), "runs": res}, indent=1))
