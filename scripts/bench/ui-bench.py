#!/usr/bin/python3
"""Benchmarks `tcpwatch ui` on a big capture (not a timed test).

    scripts/bench/ui-bench.py bench/out/lan-1m.pcap [--bin .build/release/tcpwatch] [--browser]

Measures: time to the URL, to the first page of 50 rows from the API (and, with
--browser, to the first rows drawn in headless Chromium), the whole index, the latency
of 200 random pages of 50 rows after indexing, one frame's details at a few positions,
a display filter against `tcpwatch read -Y` on the same filter, and the server's peak RSS
(VmHWM)."""
import argparse, json, os, random, re, statistics, subprocess, sys, time, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("capture")
ap.add_argument("--bin", default=".build/release/tcpwatch")
ap.add_argument("--browser", action="store_true")
ap.add_argument("--filter", default="tcp.analysis.retransmission")
args = ap.parse_args()

t0 = time.monotonic()
proc = subprocess.Popen([args.bin, "ui", args.capture], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
line = proc.stdout.readline()
t_url = time.monotonic() - t0
m = re.search(r"(http://[^/]+)/\?token=([0-9a-f]+)", line)
base, token = m.group(1), m.group(2)

def get(path):
    sep = "&" if "?" in path else "?"
    with urllib.request.urlopen(f"{base}/api/{path}{sep}token={token}", timeout=600) as r:
        return json.load(r)

def timed(path):
    s = time.monotonic()
    body = get(path)
    return time.monotonic() - s, body

while True:
    r = get("frames?skip=0&limit=50")
    if len(r["frames"]) == 50:
        break
    time.sleep(0.01)
t_first = time.monotonic() - t0

t_browser = None
if args.browser:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    opts = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"]:
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    s = time.monotonic()
    d.get(f"{base}/?token={token}")
    WebDriverWait(d, 30, poll_frequency=0.02).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rows .row[data-frame]")) >= 20)
    t_browser = time.monotonic() - s

while not get("status")["complete"]:
    time.sleep(0.05)
t_index = time.monotonic() - t0
total = get("status")["frames"]

lat = []
rng = random.Random(1)
for _ in range(200):
    skip = rng.randrange(0, max(total - 50, 1))
    dt, body = timed(f"frames?skip={skip}&limit=50")
    assert len(body["frames"]) == 50
    lat.append(dt * 1000)
lat.sort()

details = []
for n in [10, total // 2, total // 2 + 100, total - 1]:
    dt, _ = timed(f"frame/{n}")
    details.append((n, dt))

dt_filter, body = timed(f"frames?filter={urllib.parse.quote(args.filter)}&limit=50")
matched = body["matched"]
dt_cached, _ = timed(f"frames?filter={urllib.parse.quote(args.filter)}&skip={matched // 2}&limit=50")
s = time.monotonic()
subprocess.run([args.bin, "read", args.capture, "-Y", args.filter], stdout=subprocess.DEVNULL, check=False)
dt_read = time.monotonic() - s

hwm = 0
with open(f"/proc/{proc.pid}/status") as f:
    for l in f:
        if l.startswith("VmHWM:"):
            hwm = int(l.split()[1]) // 1024
proc.terminate()
proc.wait()
if args.browser:
    d.quit()

size = os.path.getsize(args.capture)
print(f"capture: {args.capture} ({total} frames, {size / 2**20:.0f} MiB)")
print(f"URL printed after          {t_url * 1000:.0f} ms")
print(f"first 50 rows (API) after  {t_first * 1000:.0f} ms")
if t_browser is not None:
    print(f"first rows drawn in Chromium {t_browser * 1000:.0f} ms after the page was requested")
print(f"whole index after          {t_index:.1f} s")
print(f"page of 50 rows (200 random, after indexing): median {statistics.median(lat):.1f} ms, p99 {lat[int(len(lat) * .99) - 1]:.1f} ms, max {lat[-1]:.1f} ms")
for n, dt in details:
    print(f"details of frame {n}: {dt * 1000:.0f} ms")
print(f"filter '{args.filter}': {dt_filter:.2f} s ({matched} frames), a later page of it {dt_cached * 1000:.1f} ms; tcpwatch read -Y: {dt_read:.2f} s (ratio {dt_filter / dt_read:.2f})")
print(f"server peak RSS (VmHWM): {hwm} MiB")
