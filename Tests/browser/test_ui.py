#!/usr/bin/python3
"""Drives `tcpwatch ui` in headless Chromium (Debian's chromium, chromium-driver and
python3-selenium) on the fixtures, and compares what the page shows with the command line.

Run: /usr/bin/python3 Tests/browser/test_ui.py [-v]
Environment: TCPWATCH (the binary; default .build/debug/tcpwatch), SCREENSHOTS=DIR to save
screenshots of the main views there (docs/ keeps them)."""
import json, os, re, shutil, subprocess, sys, tempfile, time, unittest, urllib.request, urllib.error

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("TCPWATCH", os.path.join(ROOT, ".build", "debug", "tcpwatch"))
FIX = os.path.join(ROOT, "Fixtures", "pcaps")
SHOTS = os.environ.get("SCREENSHOTS")

try:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.webdriver.common.action_chains import ActionChains
    SKIP = None
except ImportError:
    SKIP = "python3-selenium is not installed (apt-get install python3-selenium)"
if SKIP is None:
    CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
    DRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    if not CHROMIUM or not DRIVER:
        SKIP = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
if SKIP is None and not os.path.exists(BIN):
    SKIP = f"no tcpwatch binary at {BIN} (swift build --product tcpwatch)"


def cli(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, check=False).stdout


class Server:
    """One `tcpwatch ui` process; its URL comes from its first line."""
    def __init__(self, *args):
        self.proc = subprocess.Popen([BIN, "ui", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"(http://[^/]+)/\?token=([0-9a-f]+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("tcpwatch ui printed no URL: " + line + self.proc.stderr.read())
        self.base, self.token = m.group(1), m.group(2)
        self.url = f"{self.base}/?token={self.token}"

    def api(self, path):
        sep = "&" if "?" in path else "?"
        with urllib.request.urlopen(f"{self.base}/api/{path}{sep}token={self.token}") as r:
            return json.load(r)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def read_line(r):
    """A row as `tcpwatch read` prints it (tshark's padding)."""
    return (f"{r['number']:>5} {r['time']:>10} {r['source']:>12} → {r['destination']:<12} "
            f"{r['protocol']} {r['length']} {r['info']}")


@unittest.skipIf(SKIP, SKIP or "")
class BrowserTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--window-size=1400,1000", "--no-first-run", "--disable-extensions"]:
            opts.add_argument(a)
        cls.driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
        cls.driver.set_page_load_timeout(30)
        cls.servers = {}

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        for s in cls.servers.values():
            s.stop()

    def server(self, name):
        if name not in self.servers:
            path = name if os.path.isabs(name) else os.path.join(FIX, name)
            self.servers[name] = Server(path)
        return self.servers[name]

    def open(self, name, fragment=""):
        s = self.server(name)
        self.driver.get("about:blank")
        self.driver.get(s.url + fragment)
        WebDriverWait(self.driver, 20).until(lambda d: d.execute_script("return document.body.dataset.ready === '1'"))
        return s

    def rows(self):
        return self.driver.execute_script("""
            return [...document.querySelectorAll('#rows .row[data-frame]')].map(r => ({
              number: +r.dataset.frame, time: r.children[1].textContent, source: r.children[2].textContent,
              destination: r.children[3].textContent, protocol: r.children[4].textContent,
              length: +r.children[5].textContent, info: r.children[6].textContent}));""")

    def wait(self, cond, timeout=15):
        return WebDriverWait(self.driver, timeout).until(lambda d: cond())

    def shot(self, name):
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            self.driver.save_screenshot(os.path.join(SHOTS, name))

    def tab(self, view):
        self.driver.find_element(By.CSS_SELECTOR, f'#tabs button[data-view="{view}"]').click()
        self.wait(lambda: self.driver.find_element(By.ID, "view-" + view).get_attribute("data-loaded"))
        return self.driver.find_element(By.ID, "view-" + view)

    def apply(self, text):
        box = self.driver.find_element(By.NAME, "filter")
        box.clear()
        box.send_keys(text)
        box.send_keys(Keys.ENTER)

    # ----- tests -----

    def test_rows_equal_read(self):
        for name in ["echo.pcap", "http-get.pcap", "dns.pcap", "nmap-ss.pcap"]:
            self.open(name)
            self.wait(lambda: len(self.rows()) > 0)
            expected = cli("read", os.path.join(FIX, name)).splitlines()
            shown = [read_line(r) for r in self.rows()]
            n = min(len(shown), len(expected))
            self.assertGreater(n, 3, name)
            self.assertEqual(shown[:n], expected[:n], name)

    def test_click_frame_shows_tree_and_bytes(self):
        self.open("http-get.pcap")
        self.wait(lambda: len(self.rows()) > 5)
        self.driver.find_element(By.CSS_SELECTOR, '#rows .row[data-frame="6"]').click()
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, '#tree [data-field="http.request.method"]'))
        # The tree holds the -V lines.
        verbose = cli("read", os.path.join(FIX, "http-get.pcap"), "-V", "-c", "6").split("\n\n")[-1]
        labels = self.driver.execute_script("return [...document.querySelectorAll('#tree .node')].map(n => n.childNodes[1].textContent)")
        for line in [l.strip() for l in verbose.splitlines() if l.strip()][:15]:
            self.assertIn(line, labels)
        node = self.driver.find_element(By.CSS_SELECTOR, '#tree [data-field="tcp.dstport"]')
        self.driver.execute_script("arguments[0].scrollIntoView(); arguments[0].click()", node)
        off, length = map(int, node.get_attribute("data-range").split(","))
        hl = self.driver.execute_script("return [...document.querySelectorAll('#bytes .b.hl')].map(s => +s.dataset.i)")
        self.assertEqual(hl, list(range(off, off + length)))
        self.shot("ui-details.png")
        # And back: a byte selects its field.
        # Reassembled data: frame 10 completes the HTTP response; its tab shows those bytes.
        self.driver.find_element(By.CSS_SELECTOR, '#rows .row[data-frame="10"]').click()
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, "#bytes .sources button"))
        http = self.driver.find_element(By.CSS_SELECTOR, '#tree [data-field="http.response.code"]')
        self.driver.execute_script("arguments[0].click()", http)
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, "#bytes .sources button.active")[0].text.startswith("Reassembled"))
        off, length = map(int, http.get_attribute("data-range").split(","))
        text = self.driver.execute_script("return [...document.querySelectorAll('#bytes .a.hl')].map(s => s.textContent).join('')")
        self.assertEqual(text, "200")
        self.driver.find_element(By.CSS_SELECTOR, '#rows .row[data-frame="6"]').click()
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, '#tree [data-field="http.request.method"]'))
        byte = self.driver.find_element(By.CSS_SELECTOR, '#bytes .b[data-i="14"]')
        byte.click()
        sel = self.driver.find_element(By.CSS_SELECTOR, "#tree .node.selected")
        self.assertTrue(sel.get_attribute("data-field").startswith("ip."))

    def test_filter_narrows_and_bad_filter_is_red(self):
        self.open("nmap-ss.pcap")
        self.wait(lambda: len(self.rows()) > 0)
        f = "tcp.flags.reset == 1 || icmp"
        self.apply(f)
        want = [int(x) for x in cli("read", os.path.join(FIX, "nmap-ss.pcap"), "-Y", f, "-T", "fields", "-e", "frame.number").split()]
        self.wait(lambda: [r["number"] for r in self.rows()] == want)
        box = self.driver.find_element(By.NAME, "filter")
        self.assertIn("ok", box.get_attribute("class"))
        self.shot("ui-filter.png")
        bad = "tcp.port == 80 &&& x"
        box.clear()
        box.send_keys(bad)
        self.wait(lambda: "bad" in box.get_attribute("class"))
        err = self.driver.find_element(By.ID, "filter-error").text
        message, _, caret_line = subprocess.run([BIN, "read", os.path.join(FIX, "echo.pcap"), "-Y", bad],
                                                capture_output=True, text=True).stderr.splitlines()
        self.assertIn(message.removeprefix("tcpwatch: "), err)
        column = caret_line.index("^") - 4
        self.assertIn(f"column {column + 1}", err)
        caret = self.driver.execute_script("return document.getElementById('caret').textContent")
        self.assertEqual(caret.index("^"), column)

    def test_completion(self):
        self.open("echo.pcap")
        box = self.driver.find_element(By.NAME, "filter")
        box.clear()
        box.send_keys("tcp.analysis.ret")
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, "#completions li"))
        names = [li.get_attribute("data-name") for li in self.driver.find_elements(By.CSS_SELECTOR, "#completions li")]
        self.assertIn("tcp.analysis.retransmission", names)

    def test_views_show_cli_facts(self):
        s = self.open("echo.pcap", "#frame=4&stream=0")
        conv = self.tab("conversations")
        self.assertIn("ShADadFf", conv.text)
        self.assertIn("10.77.0.4:53988", conv.text)
        self.shot("ui-conversations.png")
        follow = self.tab("follow")
        cli_follow = cli("follow", os.path.join(FIX, "echo.pcap"), "--stream", "0")
        chunks = [c.text for c in follow.find_elements(By.CSS_SELECTOR, ".chunk")]
        self.assertTrue(chunks)
        for c in chunks:
            self.assertIn(c.strip().splitlines()[0], cli_follow)
        self.shot("ui-follow.png")
        flow = self.tab("flow")
        arrows = flow.find_elements(By.CSS_SELECTOR, "g[data-frame]")
        self.assertEqual(len(arrows), len(s.api("flow?stream=0")["arrows"]))
        cli_flow = cli("flow", os.path.join(FIX, "echo.pcap"))
        for label in s.api("flow?stream=0")["arrows"][:3]:
            self.assertIn(label["label"].split(" Seq")[0], cli_flow)
        self.shot("ui-flow.png")
        self.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", arrows[1])
        self.wait(lambda: self.driver.execute_script("return location.hash").find("frame=2") >= 0)
        explain = self.tab("explain")
        want = cli("explain", os.path.join(FIX, "echo.pcap"), "--stream", "0").strip()
        self.wait(lambda: explain.find_element(By.CSS_SELECTOR, ".explain").text.strip() != "")
        self.assertEqual(explain.find_element(By.CSS_SELECTOR, ".explain").text.strip(), want)
        self.shot("ui-explain.png")
        self.tab("tcpgraph")
        self.shot("ui-tcpgraph.png")
        self.tab("iograph")
        self.shot("ui-iograph.png")

    def test_scan_view(self):
        self.open("nmap-ss.pcap")
        scan = self.tab("scan")
        want = cli("scan", os.path.join(FIX, "nmap-ss.pcap"))
        lines = [l for l in want.splitlines() if re.match(r"^\d+/tcp ", l)]
        self.assertEqual(len(lines), 8)
        for line in lines:
            # nmap's layout: PORT STATE SERVICE REASON ...; the page's columns are port,
            # proto, state, service, reason, with the CLI's service names.
            port, state, service, reason = line.split()[:4]
            self.assertIn(f"{port.split('/')[0]} tcp {state} {service} {reason}", scan.text.replace("\n", " "))
        header = [th.text for th in scan.find_elements(By.CSS_SELECTOR, "table th")][:5]
        self.assertEqual(header, ["port", "proto", "state", "service", "reason"])
        self.shot("ui-scan.png")
        expert = self.tab("expert")
        self.assertIn("Connection reset", expert.text)

    def test_deep_link(self):
        self.open("http-get.pcap", "#filter=tcp.stream%20eq%200&frame=6&stream=0&view=follow")
        self.assertEqual(self.driver.find_element(By.NAME, "filter").get_attribute("value"), "tcp.stream eq 0")
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, '#rows .row.selected[data-frame="6"]'))
        view = self.driver.find_element(By.ID, "view-follow")
        self.assertIn("active", view.get_attribute("class"))
        self.wait(lambda: view.find_elements(By.CSS_SELECTOR, ".chunk"))
        self.assertIn("GET / HTTP/1.1", view.text)

    def test_hostile_capture_is_text(self):
        tmp = tempfile.mkdtemp()
        path = os.path.join(tmp, "hostile.pcap")
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "make_hostile.py"), path], check=True)
        self.open(path)
        self.wait(lambda: len(self.rows()) == 11)
        infos = " ".join(r["info"] for r in self.rows())
        self.assertIn("<script>window.__pwned=1</script>", infos)
        self.assertIn("<img src=x onerror=alert(2)>", infos)
        for n in [9, 10, 11, 5, 4]:
            self.driver.find_element(By.CSS_SELECTOR, f'#rows .row[data-frame="{n}"]').click()
            self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, "#tree .node"))
            time.sleep(0.3)
        for v in ["follow", "http", "flow", "conversations", "explain", "expert"]:
            self.tab(v)
        self.driver.execute_script("document.querySelectorAll('#tree li.closed').forEach(li => li.classList.remove('closed'))")
        self.assertIsNone(self.driver.execute_script("return window.__pwned"))
        self.assertEqual(self.driver.execute_script("return document.querySelectorAll('img').length"), 0)
        self.assertEqual(self.driver.execute_script("return document.querySelectorAll('script').length"), 1)
        tree = self.driver.execute_script("return document.getElementById('tree').textContent")
        self.assertIn("<script>", tree)
        shutil.rmtree(tmp)

    def test_security(self):
        s = self.server("echo.pcap")
        def status(url, headers=None):
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as r:
                    return r.status, dict(r.headers)
            except urllib.error.HTTPError as e:
                return e.code, dict(e.headers)
        self.assertEqual(status(f"{s.base}/api/frames")[0], 403)
        # A token that differs in its first character only: the server must compare all of it.
        wrong = ("1" if s.token[0] == "0" else "0") + s.token[1:]
        self.assertEqual(status(f"{s.base}/?token={wrong}")[0], 403)
        self.assertEqual(status(f"{s.base}/api/frames?token={s.token}", {"Host": "evil.example:" + s.base.rsplit(":", 1)[1]})[0], 403)
        code, headers = status(f"{s.base}/?token={s.token}")
        self.assertEqual(code, 200)
        self.assertIn("script-src 'self'", headers["Content-Security-Policy"])
        self.assertNotIn("Access-Control-Allow-Origin", headers)
        ws = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
              "Sec-WebSocket-Version": "13", "Origin": "http://evil.example"}
        self.assertEqual(status(f"{s.base}/api/live?token={s.token}", ws)[0], 403)
        self.assertEqual(status(f"{s.base}/api/nothing?token={s.token}")[0], 404)

    def test_save_displayed_and_marked(self):
        s = self.open("nmap-ss.pcap")
        self.wait(lambda: len(self.rows()) > 0)
        self.apply("tcp.flags.reset == 1")
        self.wait(lambda: len(self.rows()) == 3)
        tmp = tempfile.mkdtemp()
        for link, name in [("save-pcap", "a.pcap"), ("save-pcapng", "a.pcapng")]:
            href = self.driver.find_element(By.ID, link).get_attribute("href")
            with urllib.request.urlopen(href) as r:
                data = r.read()
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(data)
            # The same packets: the columns after the time (source → destination ... info).
            want = [l.split(None, 2)[2] for l in cli("read", os.path.join(FIX, "nmap-ss.pcap"), "-Y", "tcp.flags.reset == 1").splitlines()]
            self.assertEqual([l.split(None, 2)[2] for l in cli("read", path).splitlines()], want)
        # Mark two packets with m, then save the marked ones.
        self.driver.find_element(By.CSS_SELECTOR, '#rows .row[data-frame="12"]').click()
        ActionChains(self.driver).send_keys("m").perform()
        self.driver.find_element(By.CSS_SELECTOR, '#rows .row[data-frame="16"]').click()
        ActionChains(self.driver).send_keys("m").perform()
        self.wait(lambda: len(self.driver.find_elements(By.CSS_SELECTOR, "#rows .row.marked")) == 2)
        with urllib.request.urlopen(self.driver.find_element(By.ID, "save-marked").get_attribute("href")) as r:
            path = os.path.join(tmp, "m.pcapng")
            with open(path, "wb") as f:
                f.write(r.read())
        self.assertEqual([l.split()[0] for l in cli("read", path).splitlines()], ["1", "2"])
        self.assertIn("Seq=1 Ack=1", cli("read", path))
        shutil.rmtree(tmp)

    def test_right_click_applies_a_field_as_filter(self):
        self.open("two-conns.pcap")
        self.wait(lambda: len(self.rows()) > 3)
        self.driver.find_element(By.CSS_SELECTOR, '#rows .row[data-frame="1"]').click()
        node = self.wait(lambda: self.driver.find_element(By.CSS_SELECTOR, '#tree [data-field="tcp.srcport"]'))
        port = node.get_attribute("data-value")
        # Open the TCP subtree as a user would, with its twisty.
        self.driver.find_element(By.CSS_SELECTOR, '#tree > ul > li > .node[data-field="tcp"] > .tw').click()
        self.driver.execute_script("arguments[0].scrollIntoView()", node)
        ActionChains(self.driver).context_click(node).perform()
        self.driver.find_element(By.CSS_SELECTOR, '#menu li[data-act="apply"]').click()
        f = f"tcp.srcport == {port}"
        self.wait(lambda: self.driver.find_element(By.NAME, "filter").get_attribute("value") == f)
        want = [int(x) for x in cli("read", os.path.join(FIX, "two-conns.pcap"), "-Y", f, "-T", "fields", "-e", "frame.number").split()]
        self.wait(lambda: [r["number"] for r in self.rows()] == want)

    def test_colours_and_legend(self):
        # Wireshark's Bad TCP rule: any analysis flag but window update.
        flags = ["retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order", "duplicate_ack",
                 "lost_segment", "ack_lost_segment", "keep_alive", "keep_alive_ack", "zero_window", "zero_window_probe",
                 "zero_window_probe_ack", "window_full", "reused_ports"]
        bad = {int(x) for x in cli("read", os.path.join(FIX, "lossy.pcap"), "-Y", " || ".join("tcp.analysis." + f for f in flags),
                                   "-T", "fields", "-e", "frame.number").split()}
        self.open("lossy.pcap", "#frame=40")
        self.wait(lambda: len(self.rows()) > 10)
        shown = {int(r.get_attribute("data-frame")) for r in self.driver.find_elements(By.CSS_SELECTOR, "#rows .row.k-bad")}
        visible = {r["number"] for r in self.rows()}
        self.assertTrue(shown)
        self.assertEqual(shown, bad & visible)
        self.driver.find_element(By.ID, "legend-button").click()
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "#legend div")), 10)
        self.shot("ui-colours.png")

    def test_keyboard(self):
        self.open("echo.pcap")
        self.wait(lambda: len(self.rows()) > 3)
        self.driver.find_element(By.CSS_SELECTOR, '#rows .row[data-frame="1"]').click()
        body = self.driver.find_element(By.TAG_NAME, "body")
        ActionChains(self.driver).send_keys("j").send_keys(Keys.ARROW_DOWN).perform()
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, '#rows .row.selected[data-frame="3"]'))
        ActionChains(self.driver).send_keys("k").perform()
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, '#rows .row.selected[data-frame="2"]'))
        ActionChains(self.driver).send_keys("/").perform()
        self.assertEqual(self.driver.switch_to.active_element.get_attribute("name"), "filter")
        self.shot("ui-main.png")


@unittest.skipIf(SKIP, SKIP or "")
@unittest.skipIf(os.geteuid() != 0 or not shutil.which("ip"), "the live test needs root and ip(8) for a network namespace")
class LiveTest(unittest.TestCase):
    """Captures on the loopback of a private network namespace; the browser runs in that
    namespace too (this file runs itself again there), so no traffic leaves it."""
    def test_rows_appear_live(self):
        if os.environ.get("TWUI_NS"):
            return self.inner()
        ns = f"twui{os.getpid()}"
        subprocess.run(["ip", "netns", "add", ns], check=True)
        try:
            subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
            r = subprocess.run(["ip", "netns", "exec", ns, "env", f"TWUI_NS={ns}", sys.executable, os.path.abspath(__file__),
                                "LiveTest.test_rows_appear_live"], capture_output=True, text=True, timeout=180)
            sys.stderr.write(r.stderr[-3000:])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        finally:
            subprocess.run(["ip", "netns", "del", ns])

    def inner(self):
        srv = subprocess.Popen([BIN, "ui", "-i", "lo", "-f", "icmp"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = srv.stdout.readline()
            m = re.search(r"(http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+)", line)
            self.assertTrue(m, line)
            opts = webdriver.ChromeOptions()
            opts.binary_location = CHROMIUM
            for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,800"]:
                opts.add_argument(a)
            d = webdriver.Chrome(service=Service(DRIVER), options=opts)
            try:
                d.get(m.group(1))
                WebDriverWait(d, 20).until(lambda d: d.execute_script("return document.body.dataset.ready === '1'"))
                rows = lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rows .row[data-frame]"))
                before = rows(d)
                ping = subprocess.Popen(["ping", "-i", "0.5", "-c", "6", "127.0.0.1"], stdout=subprocess.DEVNULL)
                start = time.time()
                WebDriverWait(d, 10, poll_frequency=0.05).until(lambda d: rows(d) > before)
                first = time.time() - start
                WebDriverWait(d, 15).until(lambda d: rows(d) >= before + 12)
                self.assertIn("received", d.find_element(By.ID, "status").text)
                ping.wait()
                print(f"live: first row shown {first:.2f} s after ping started", file=sys.stderr)
                if SHOTS:
                    d.save_screenshot(os.path.join(SHOTS, "ui-live.png"))
            finally:
                d.quit()
        finally:
            srv.terminate()
            srv.wait(5)
            srv.stdout.close()
            srv.stderr.close()


if __name__ == "__main__":
    result = unittest.main(exit=False).result
    failed = len(result.failures) + len(result.errors)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    # The plain closing line that CI reads, after unittest's own summary.
    print(f"ui: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    sys.exit(1 if failed else 0)
