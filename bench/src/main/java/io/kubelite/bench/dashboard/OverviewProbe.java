package io.kubelite.bench.dashboard;

import io.kubelite.bench.common.ProcStat;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium on the dashboard's overview (Debian's {@code chromium} and {@code chromedriver},
 * paths set, nothing downloaded): how long the page takes from navigation to every node's row in
 * the DOM, and, once it is up, a log of every change to a node's pod count as the page showed it
 * (a MutationObserver stamping each with the wall clock), to match against the writes.
 */
final class OverviewProbe implements AutoCloseable {
    /** A node's pod count as the page showed it, and when. */
    record Seen(String node, int pods, long atMillis) {}

    private final WebDriver driver;
    private final Path profile;

    OverviewProbe() throws Exception {
        profile = Files.createTempDirectory("dbench-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"))
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--disable-gpu",
                        "--window-size=1366,900",
                        "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(120));
    }

    /**
     * Follows the one-time login link (the session cookie stays for the measured loads) and waits
     * for the overview it lands on to show every node: the dashboard lists and watches pods on a
     * page's first use, so this first load includes its initial list of every pod. Returns its
     * milliseconds, reported apart from the measured loads.
     */
    double signIn(String loginLink, int nodes) {
        driver.get(loginLink);
        Object ms = ((JavascriptExecutor) driver).executeAsyncScript("""
                const want = arguments[0], done = arguments[arguments.length - 1];
                const check = () => document.querySelectorAll('tr[data-node]').length >= want
                    ? done(performance.now()) : setTimeout(check, 20);
                check();
                """, nodes);
        return ((Number) ms).doubleValue();
    }

    /**
     * Loads the overview afresh and returns the milliseconds from the navigation's start to the
     * moment all {@code nodes} rows are in the DOM (measured in the page, on animation frames).
     */
    double renderMillis(String url, int nodes) {
        driver.get("about:blank");
        driver.get(url + "/#/overview");
        Object ms = ((JavascriptExecutor) driver).executeAsyncScript("""
                const want = arguments[0], done = arguments[arguments.length - 1];
                const check = () => document.querySelectorAll('tr[data-node]').length >= want
                    ? done(performance.now()) : requestAnimationFrame(check);
                check();
                """, nodes);
        return ((Number) ms).doubleValue();
    }

    /** Starts logging every node pod-count change the page makes. */
    void watchPodCounts() {
        ((JavascriptExecutor) driver).executeScript("""
                window.__seen = [];
                const record = (el) => {
                  const td = el && el.closest ? el.closest('td[data-field=pods]') : null;
                  if (!td) return;
                  const tr = td.closest('tr[data-node]');
                  window.__seen.push([tr.dataset.node, parseInt(td.textContent, 10), Date.now()]);
                };
                new MutationObserver((ms) => {
                  for (const m of ms) record(m.type === 'characterData' ? m.target.parentElement : m.target);
                }).observe(document.body, {subtree: true, childList: true, characterData: true});
                """);
    }

    /** What the page showed since {@link #watchPodCounts}. */
    @SuppressWarnings("unchecked")
    List<Seen> seen() {
        List<List<Object>> raw =
                (List<List<Object>>) ((JavascriptExecutor) driver).executeScript("return window.__seen");
        List<Seen> out = new ArrayList<>(raw.size());
        for (List<Object> r : raw) {
            out.add(new Seen((String) r.get(0), ((Number) r.get(1)).intValue(), ((Number) r.get(2)).longValue()));
        }
        return out;
    }

    /** How many node rows the page shows now. */
    long rows() {
        return (Long)
                ((JavascriptExecutor) driver).executeScript("return document.querySelectorAll('tr[data-node]').length");
    }

    /** CPU seconds of every Chromium process this JVM started (browser, renderer, GPU, utility). */
    static double browserCpuSeconds() {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
                .mapToDouble(p -> {
                    double s = ProcStat.cpuSeconds(p.pid());
                    return Double.isNaN(s) ? 0 : s;
                })
                .sum();
    }

    @Override
    public void close() throws Exception {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
