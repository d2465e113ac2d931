"""End-to-end test of `mnsim serve` in headless Chromium, driven by Playwright (PyPI) with the
system's Chromium (no browser download): edit -> invalid value shows its message -> run ->
progress -> report -> compare, the run history and report with JavaScript off, then a study
(validation of two cases: progress and its page) and a bad plan's message.

    python e2e.py [--bin target/debug/mnsim] [--out target/e2e] [--screenshot docs/img/serve.png]

Prints the measured figures (time to interactive, validation latency) and exits non-zero on the
first failed step. Screenshots go to --out.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from playwright.sync_api import expect, sync_playwright


def chromium():
    for name in ("chromium-headless-shell", "chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("e2e: no chromium-headless-shell or chromium on PATH (.ci/run installs it)")


def start_server(binary, runs):
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0", "--runs", runs, "--max-concurrent-runs", "1"],
        stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    m = re.search(r"http://[0-9.:]+", line)
    if not m:
        proc.kill()
        sys.exit(f"e2e: the server did not start: {line!r}")
    return proc, m.group(0)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def field(page, key):
    return page.locator(f'.field[data-key="{key}"]')


def run_and_wait(page, shots, name):
    page.click("#run")
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-run-state", "done", timeout=60_000)
    expect(page.locator("#progress-text")).to_contain_text("done")
    report = page.frame_locator("#report")
    expect(report.locator("h1").first).to_be_visible(timeout=30_000)
    page.screenshot(path=os.path.join(shots, name), full_page=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/debug/mnsim")
    ap.add_argument("--out", default="target/e2e")
    ap.add_argument("--screenshot", default=None, help="also copy the report screenshot here")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    runs = tempfile.mkdtemp(prefix="mnsim-e2e-runs-")
    t0 = time.monotonic()
    proc, url = start_server(a.bin, runs)
    t_server = time.monotonic() - t0
    try:
        time.sleep(0.2)
        idle_rss = rss_kib(proc.pid)
        with sync_playwright() as p:
            t1 = time.monotonic()
            browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
            t_launch = time.monotonic() - t1
            page = browser.new_page(viewport={"width": 1500, "height": 950})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url + "/")
            expect(page.locator("body")).to_have_attribute("data-ready", "1", timeout=10_000)
            tti_ms = page.evaluate("window.mnsimReadyMs")
            expect(page.locator("#check-status")).to_contain_text("ok")
            page.screenshot(path=os.path.join(a.out, "1-editor.png"))

            # a preset, then an invalid value: the CLI's message beside the field
            page.select_option("#preset", "quick-look")
            expect(page.locator("#check-status")).to_contain_text("quick-look")
            f = field(page, "device.frequency_hz")
            f.locator("input").fill("0")
            expect(f.locator(".msg")).to_contain_text("field `device.frequency_hz` = 0 is invalid")
            expect(f).to_have_class(re.compile("invalid"))
            expect(page.locator("#run")).to_be_disabled()
            latency_invalid_ms = page.evaluate("window.mnsimLastCheckMs")
            page.screenshot(path=os.path.join(a.out, "2-invalid.png"))
            # the TOML view follows the form
            assert "frequency_hz = 0" in page.locator("#toml").input_value()
            f.locator("input").fill("90")
            expect(f.locator(".msg")).to_have_text("")
            expect(page.locator("#check-status")).to_contain_text("ok")
            latency_valid_ms = page.evaluate("window.mnsimLastCheckMs")

            # run, with progress, and the report in the page
            run_and_wait(page, a.out, "3-report.png")
            if a.screenshot:
                shutil.copy(os.path.join(a.out, "3-report.png"), a.screenshot)

            # a second run from the TOML view: needle length 500 µm
            page.click('.tab[data-tab="toml"]')
            text = page.locator("#toml").input_value().replace("needle_length_um = 1000", "needle_length_um = 500")
            page.locator("#toml").fill(text)
            expect(page.locator("#check-status")).to_contain_text("needle 500")
            page.click('.tab[data-tab="form"]')
            expect(field(page, "device.needle_length_um").locator("input")).to_have_value("500")
            run_and_wait(page, a.out, "4-second-run.png")

            # compare the two runs side by side
            rows = page.locator("#history tbody tr")
            expect(rows).to_have_count(2)
            rows.nth(0).locator("input[type=checkbox]").check()
            rows.nth(1).locator("input[type=checkbox]").check()
            page.click("#compare")
            cmp = page.frame_locator("#comparison")
            expect(cmp.locator("h1")).to_have_text("mnsim comparison")
            expect(cmp.locator("table")).to_contain_text("mean depth reached")
            page.locator("#comparison").scroll_into_view_if_needed()
            page.screenshot(path=os.path.join(a.out, "5-compare.png"))
            assert not errors, errors

            # JavaScript off: the history and the report are plain pages
            nojs = browser.new_context(java_script_enabled=False).new_page()
            nojs.goto(url + "/runs")
            nojs.locator("table a").first.click()
            expect(nojs.locator("h1").first).to_be_visible()
            assert "/report.html" in nojs.url
            nojs.screenshot(path=os.path.join(a.out, "6-report-no-js.png"))

            # a study: the validation of two published cases, with progress, and its page
            page.select_option("#study-kind", "validate")
            expect(page.locator("#study-validate")).to_be_visible()
            page.fill("#validate-cases", "KP07, DV06")
            page.click("#study-run")
            expect(page.locator("body")).to_have_attribute("data-run-state", "done", timeout=60_000)
            study = page.frame_locator("#report")
            expect(study.locator("body")).to_contain_text("KP07", timeout=30_000)
            expect(page.locator("#history tbody tr").first).to_contain_text("validate")
            page.screenshot(path=os.path.join(a.out, "7-validation-study.png"))
            # a run with a healing course: its time courses, interactive (hover, drag to zoom)
            page.click('.tab[data-tab="toml"]')
            text = page.locator("#toml").input_value()
            text = text.replace("run_healing = false", "run_healing = true\nfollow_up_d = 14")
            page.locator("#toml").fill(text)
            expect(page.locator("#check-status")).to_contain_text("ok")
            page.click('.tab[data-tab="form"]')
            run_and_wait(page, a.out, "8-healing-run.png")
            expect(page.locator("#courses")).to_be_visible(timeout=30_000)
            page.locator("#courses summary").click()
            plot = page.locator("#course-plot")
            expect(plot.locator("path.line")).to_have_count(1)
            plot.scroll_into_view_if_needed()
            box = plot.bounding_box()
            page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
            expect(page.locator("#course-readout")).to_contain_text("day")
            first = page.locator("#course-readout").inner_text()
            # drag over the first fifth of the time axis: the plot zooms in
            page.mouse.move(box["x"] + box["width"] * 0.12, box["y"] + box["height"] * 0.5)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
            page.mouse.up()
            page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
            expect(page.locator("#course-readout")).not_to_have_text(first)
            page.locator("#courses").scroll_into_view_if_needed()
            page.screenshot(path=os.path.join(a.out, "9-time-course.png"))
            # a bad plan shows the CLI's message beside the studies panel
            page.select_option("#study-kind", "plan")
            page.locator("#plan-text").fill(page.locator("#plan-text").input_value().replace('kind = "set"', 'kind = "sett"', 1))
            page.click("#study-run")
            expect(page.locator("#study-error")).to_contain_text("kind")
            assert not errors, errors
            browser.close()
        print(f"e2e: server up in {t_server:.1f} s, Chromium launched in {t_launch:.1f} s, "
              f"whole test {time.monotonic() - t0:.1f} s")
        print(f"e2e: time to interactive {tti_ms:.0f} ms; validation latency {latency_invalid_ms:.0f} ms "
              f"(invalid value), {latency_valid_ms:.0f} ms (valid); server idle RSS {idle_rss / 1024:.1f} MiB")
        print("e2e: 1 passed, 0 failed")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(runs, ignore_errors=True)


if __name__ == "__main__":
    main()
