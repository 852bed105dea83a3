#!/usr/bin/python3
"""check_reports.py - every report.html of the folders given, opened from disk
(file:// only) in headless Chromium at 1280 and 800 pixels wide: each image
loads (naturalWidth > 0), each relative link names a file that exists (and
each #anchor an element of the page), the page never scrolls sideways, and at
1280 pixels a run report's headline table fits without scrolling.

    check_reports.py [--require] FOLDER...
    check_reports.py --self-test

A folder without report.html is skipped with a line saying so, or fails with
--require.  --self-test checks the checker: on pages made to break each rule
(a missing image, a broken link and anchor, a page wider than the window, a
headline table too wide) it must report exactly those, and nothing on a
good page.  Exit status 0 when every page passes, 1 when one fails, 2 when
the browser cannot be started.  Every wait is bounded (page load, script and
the whole check of a page)."""

import os
import sys
import time
import urllib.parse

WIDTHS = (1280, 800)
HEIGHT = 900
PAGE_LOAD_SECONDS = 30     # a page and its images, from disk
IMAGES_SECONDS = 20        # for every <img> to finish (complete)

# What the page tells about itself, gathered in one script run.
PROBE = r"""
const se = document.scrollingElement;
const imgs = Array.from(document.images).map(i => ({src: i.getAttribute('src'), complete: i.complete,
                                                   w: i.naturalWidth}));
const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
const head = document.getElementById('headline');
return {scrollWidth: se.scrollWidth, clientWidth: se.clientWidth, imgs: imgs, links: links, ids: ids,
        headline: head ? {scrollWidth: head.scrollWidth, clientWidth: head.clientWidth} : null};
"""


def start_browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    opts = Options()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--allow-file-access-from-files", "--disable-extensions", "--no-first-run",
              "--disable-background-networking", "--disable-sync", "--disable-default-apps",
              "--hide-scrollbars", f"--window-size={WIDTHS[0]},{HEIGHT}"):
        opts.add_argument(a)
    for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(path):
            opts.binary_location = path
            break
    driver_path = next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)),
                       None)
    service = Service(executable_path=driver_path) if driver_path else Service()
    d = webdriver.Chrome(service=service, options=opts)
    d.set_page_load_timeout(PAGE_LOAD_SECONDS)
    d.set_script_timeout(PAGE_LOAD_SECONDS)
    return d


def link_problem(page, href, ids):
    """None when the link resolves, else what is wrong with it."""
    parts = urllib.parse.urlsplit(href)
    if parts.scheme or parts.netloc:
        return None if parts.scheme in ("http", "https", "mailto") else f"not a relative link: {href}"
    if not parts.path:   # "#anchor" on the page itself
        return None if not parts.fragment or parts.fragment in ids else f"no element with id {parts.fragment!r}"
    target = os.path.normpath(os.path.join(os.path.dirname(page), urllib.parse.unquote(parts.path)))
    return None if os.path.exists(target) else f"broken link {href!r} (no {target})"


def check_page(driver, page, width):
    """The problems of one page at one width (a list of lines)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    driver.get("file://" + urllib.parse.quote(os.path.abspath(page)))
    deadline = time.monotonic() + IMAGES_SECONDS
    while True:
        info = driver.execute_script(PROBE)
        if all(i["complete"] for i in info["imgs"]) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    problems = []
    for i in info["imgs"]:
        if not i["complete"] or i["w"] == 0:
            problems.append(f"image does not load: {i['src']}")
    for href in info["links"]:
        p = link_problem(page, href, set(info["ids"]))
        if p:
            problems.append(p)
    if info["scrollWidth"] > info["clientWidth"]:
        problems.append(f"the page scrolls sideways ({info['scrollWidth']} px of content in {info['clientWidth']} px)")
    h = info["headline"]
    if width >= 1280 and h and h["scrollWidth"] > h["clientWidth"]:
        problems.append(f"the headline table does not fit ({h['scrollWidth']} px in {h['clientWidth']} px)")
    return problems, len(info["imgs"]), len(info["links"])


SELF_PAGES = {
    "good": '<p><img src="a.svg" alt=""/> <a href="a.svg">a</a> <a href="#x" id="x">x</a></p>'
            '<div class="scroll" id="headline" style="overflow-x:auto"><table><tr><td>1</td></tr></table></div>',
    "image": '<p><img src="missing.png" alt=""/></p>',
    "link": '<p><a href="charts/missing.svg">a</a> <a href="#nowhere">b</a></p>',
    "wide": '<div style="width:1000px">wide</div>',
    "headline": '<div id="headline" style="overflow-x:auto"><div style="width:3000px">x</div></div>',
}
SELF_WANT = {
    "good": set(),
    "image": {"image does not load"},
    "link": {"broken link", "no element with id"},
    "wide": {"scrolls sideways"},
    "headline": {"headline table does not fit"},
}


def self_test(driver):
    import tempfile
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    bad = 0
    with tempfile.TemporaryDirectory(prefix="check-reports-") as tmp:
        for name, body in SELF_PAGES.items():
            d = os.path.join(tmp, name)
            os.mkdir(d)
            with open(os.path.join(d, "a.svg"), "w") as f:
                f.write(svg)
            with open(os.path.join(d, "report.html"), "w") as f:
                f.write(f'<!DOCTYPE html><html><head><meta charset="utf-8"/></head><body>{body}</body></html>')
            found = set()
            for w in WIDTHS:
                problems, _, _ = check_page(driver, os.path.join(d, "report.html"), w)
                for p in problems:
                    found |= {k for k in SELF_WANT[name] | set().union(*SELF_WANT.values()) if k in p}
                    if not any(k in p for k in set().union(*SELF_WANT.values())):
                        found.add(p)
            if found != SELF_WANT[name]:
                print(f"FAILED: self-test page {name!r}: found {sorted(found)}, want {sorted(SELF_WANT[name])}")
                bad += 1
    print(f"browser: self-test: {len(SELF_PAGES) - bad} of {len(SELF_PAGES)} pages judged right")
    return 1 if bad else 0


def main(argv):
    if argv == ["--self-test"]:
        try:
            driver = start_browser()
        except Exception as e:
            print(f"browser: cannot start headless Chromium: {e!r}\n"
                  "install it with: apt-get install chromium chromium-driver python3-selenium", file=sys.stderr)
            return 2
        try:
            return self_test(driver)
        finally:
            driver.quit()
    require = "--require" in argv
    folders = [a for a in argv if a != "--require"]
    if not folders:
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    pages = []
    for f in folders:
        page = os.path.join(f, "report.html")
        if os.path.isfile(page):
            pages.append(page)
        elif require:
            print(f"FAILED: {f}: no report.html")
            return 1
        else:
            print(f"browser: {f}: no report.html (skipped)")
    try:
        driver = start_browser()
    except Exception as e:   # no browser, no driver: say what to install
        print(f"browser: cannot start headless Chromium: {str(e).splitlines()[0] if str(e) else e!r}\n"
              "install it with: apt-get install chromium chromium-driver python3-selenium", file=sys.stderr)
        return 2
    failed = 0
    try:
        for page in pages:
            for w in WIDTHS:
                try:
                    problems, nimg, nlink = check_page(driver, page, w)
                except Exception as e:   # a timeout or a crash of the page: a failure of this page
                    problems, nimg, nlink = [f"could not check it: {str(e).splitlines()[0] if str(e) else e!r}"], 0, 0
                if problems:
                    failed += 1
                    for p in problems:
                        print(f"FAILED: {page} at {w} px: {p}")
                else:
                    print(f"browser: {page} at {w} px: {nimg} images, {nlink} links, no sideways scroll")
    finally:
        driver.quit()
    print(f"browser: {len(pages)} pages at {' and '.join(map(str, WIDTHS))} px: "
          f"{'all passed' if not failed else f'{failed} failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
