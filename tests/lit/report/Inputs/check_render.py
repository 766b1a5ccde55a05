#!/usr/bin/env python3
"""Renders a `myelin report` page in headless Chromium and checks its plots.

    check_render.py CHROMIUM REPORT.html --plots loss,grad-flow [--absent x,y]
                    [--allow-more]

Chromium loads the page from disk (no network), runs its inline script, which
measures every <svg class="plot"> as laid out (data-rendered-marks/-width/
-height/-length), and dumps the DOM. This script then requires every plot in
--plots to be present with at least one drawn mark of non-zero size, every
plot in --absent to be missing, and the page to hold no other plots (with
--allow-more, other plots may be present but must render non-empty too). It prints
one line per plot; exits non-zero with a message on any failure, including a
missing Chromium (scripts/install-deps.sh installs Debian's `chromium`).
"""

import argparse
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile


class PlotCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.plots = {}
        self.body = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body = attrs
        if tag == "svg" and "plot" in (attrs.get("class") or "").split():
            self.plots[attrs.get("data-plot", "?")] = attrs


def fail(msg):
    sys.exit(f"check_render: error: {msg}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("chromium")
    ap.add_argument("report")
    ap.add_argument("--plots", default="")
    ap.add_argument("--absent", default="")
    ap.add_argument("--allow-more", action="store_true",
                    help="other plots may be present (and must render too)")
    args = ap.parse_args()

    chromium = shutil.which(args.chromium)
    if not chromium:
        fail(f"chromium not found ({args.chromium!r}); "
             "scripts/install-deps.sh installs Debian's chromium package")
    url = "file://" + os.path.abspath(args.report)
    with tempfile.TemporaryDirectory(prefix="myelin-chromium-") as profile:
        proc = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-extensions", "--disable-dev-shm-usage",
             f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or "<html" not in proc.stdout:
        fail(f"chromium exited with {proc.returncode}:\n{proc.stderr[-3000:]}")

    dom = PlotCollector()
    dom.feed(proc.stdout)
    expected = [p for p in args.plots.split(",") if p]
    absent = [p for p in args.absent.split(",") if p]
    if "data-rendered-plots" not in dom.body:
        fail("the page's script did not run (no data-rendered-plots on <body>)")
    for name in expected:
        attrs = dom.plots.get(name)
        if attrs is None:
            fail(f"plot {name!r} missing; plots present: {sorted(dom.plots)}")
        marks = int(attrs.get("data-rendered-marks", "0"))
        width = float(attrs.get("data-rendered-width", "0"))
        height = float(attrs.get("data-rendered-height", "0"))
        length = float(attrs.get("data-rendered-length", "0"))
        points = int(attrs.get("data-points", "0"))
        if marks <= 0 or width <= 0 or (height <= 0 and length <= 0):
            fail(f"plot {name!r} rendered empty: marks={marks} "
                 f"width={width} height={height} length={length}")
        print(f"plot {name}: {points} points, {marks} marks rendered, "
              f"{width:.0f}x{height:.0f} px")
    for name in absent:
        if name in dom.plots:
            fail(f"plot {name!r} present but its data is absent from the log")
    extra = sorted(set(dom.plots) - set(expected))
    if extra and not args.allow_more:
        fail(f"unexpected plots {extra}")
    # Every plot on the page, expected or not, must have rendered.
    if int(dom.body["data-rendered-plots"]) != len(dom.plots):
        fail(f"{dom.body['data-rendered-plots']} of {len(dom.plots)} plots "
             "rendered non-empty")
    print(f"rendered {len(dom.plots)} plots")


if __name__ == "__main__":
    main()
