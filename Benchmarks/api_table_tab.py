"""The table tab's server CPU per page with the column accelerator on and off (GARONA_FAST_AGGREGATES=0), over the
same distinct random pages (a word of the descriptions, a category, sorted by -effectif, page 1 to 5), asked one at a
time of `garona serve` on a data directory where `garona import` loaded the seeded sample as dataset `bench`:

    python3 Benchmarks/api_table_tab.py GARONA_BINARY DATA_DIR [PAGES]

A quick check of one class beside api_benchmark.py (which compares with Datasette); the CPU time is the server's
(/proc/<pid>/stat) over the pages, after a warm-up on other words that reads the columns."""
import os, random, re, sqlite3, subprocess, sys, time, glob, urllib.parse, urllib.request, statistics
B = sys.argv[1]
DATA = sys.argv[2]
db = [p for p in glob.glob(DATA + "/**/*.sqlite", recursive=True)][0]
con = sqlite3.connect(db)
table = [r[0] for r in con.execute("select name from sqlite_master where type='table' and name like 'records_bench%' and name not like '%fts%'")][0]
cats = [r[0] for r in con.execute(f'select distinct categorie from "{table}" where categorie is not null')]
rng = random.Random(42)
texts = [r[0] for r in con.execute(f'select description from "{table}" where rowid in ({",".join(str(rng.randint(1, 1000000)) for _ in range(200))})')]
words = sorted({w.lower() for t in texts for w in re.findall(r"[a-zA-Zéèà]{6,}", t or "")})
rng.shuffle(words)
urls = [f"/explore/dataset/bench/table/?" + urllib.parse.urlencode(
    [("q", words[i % len(words)]), ("refine.categorie", rng.choice(cats)), ("sort", "-effectif"), ("page", str(rng.randint(1, 5)))])
    for i in range(int(sys.argv[3]) if len(sys.argv) > 3 else 60)]
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
for mode in ("on", "off"):
    env = dict(os.environ, GARONA_FAST_AGGREGATES="1" if mode == "on" else "0")
    port = 18761
    server = subprocess.Popen([B, "serve", "--data-dir", DATA, "--host", "127.0.0.1", "--port", str(port), "--api-rate-limit", "0"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5); break
            except Exception:
                time.sleep(0.3)
        # Warm-up on other words: reads the columns once.
        for u in ["/explore/dataset/bench/table/?" + urllib.parse.urlencode([("q", w), ("refine.categorie", cats[0]), ("sort", "-effectif")]) for w in words[-3:]]:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{u}", timeout=120).read()
        time.sleep(1)
        before, walls, sizes = cpu(server.pid), [], []
        for u in urls:
            t = time.monotonic()
            code = 0
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}{u}", timeout=120).read(); code = 200
            except urllib.error.HTTPError as e:
                body = b""; code = e.code
            walls.append((time.monotonic() - t) * 1000); sizes.append(code)
        time.sleep(0.5)
        used = cpu(server.pid) - before
        print(f"{mode}: {len(urls)} distinct pages, statuses {sorted(set(sizes))}, CPU per page {used / len(urls) * 1000:.1f} ms, "
              f"wall median {statistics.median(walls):.1f} ms, max {max(walls):.1f} ms, load {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate(); server.wait()
