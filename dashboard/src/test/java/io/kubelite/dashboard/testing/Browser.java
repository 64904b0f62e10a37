package io.kubelite.dashboard.testing;

import io.kubelite.store.testing.Poll;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium for a test class, driven by Selenium through Debian's chromedriver. The
 * driver and browser paths are set explicitly ({@code /usr/bin/chromedriver}, {@code
 * /usr/bin/chromium}; {@code CHROMEDRIVER} and {@code CHROMIUM} override them), so Selenium Manager
 * never downloads anything; without them the class is skipped with a clear reason, or fails when
 * {@code KUBELITE_REQUIRE_BROWSER} is set (.ci/run sets it). Register it on
 * a static field after the {@link DashboardCluster}. Waits poll the page with a deadline and fail
 * with what the page showed.
 */
public final class Browser implements BeforeAllCallback, AfterAllCallback {
    public static final Duration WAIT = Duration.ofSeconds(20);

    private WebDriver driver;
    private Path profile;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String driverPath = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        boolean present = new File(driverPath).canExecute() && new File(chromium).canExecute();
        String need =
                "browser tests need " + chromium + " and " + driverPath + " (apt-get install chromium chromium-driver)";
        // .ci/run installs both and sets this: there a missing browser fails, never silently skips
        if (!present && System.getenv("KUBELITE_REQUIRE_BROWSER") != null) {
            throw new IllegalStateException(need);
        }
        Assumptions.assumeTrue(present, need);
        profile = Files.createTempDirectory("dashboard-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary(chromium)
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--disable-gpu",
                        "--window-size=1366,900",
                        "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driverPath))
                .usingAnyFreePort()
                .withLogOutput(
                        java.io.OutputStream.nullOutputStream()) // never the test JVM's stdout: surefire's channel
                .build();
        driver = new ChromeDriver(service, options);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (driver != null) {
            driver.quit(); // ends chromium and the chromedriver process
            driver = null;
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** What the page shows now (its visible text). */
    public String text() {
        return (String)
                ((JavascriptExecutor) driver).executeScript("return document.body ? document.body.innerText : ''");
    }

    /** The current URL. */
    public String url() {
        return driver.getCurrentUrl();
    }

    /** Waits until the page's text satisfies {@code done}; fails showing the page's text. */
    public String waitForText(String what, Predicate<String> done) {
        return Poll.until(WAIT, what, this::text, done);
    }

    /**
     * The text of the element {@code css} matches, or null when none does (read in one script call,
     * so a re-render between finding and reading cannot fail it).
     */
    public String textOf(String css) {
        return (String) ((JavascriptExecutor) driver)
                .executeScript("const e = document.querySelector(arguments[0]); return e ? e.innerText : null", css);
    }

    /** Waits for the element {@code css} to exist and returns it. */
    public WebElement waitFor(String css) {
        waitForElement(css, "an element " + css, t -> true);
        return driver.findElement(By.cssSelector(css));
    }

    /** What the page showed while waiting: the element's text (null: none) and the whole page. */
    public record Seen(String element, String page) {
        @Override
        public String toString() {
            return "element text: " + element + "\n--- the page showed ---\n" + page + "\n---";
        }
    }

    /**
     * Waits until the element {@code css} exists and its text satisfies {@code done}; fails with
     * {@code what} next to the element's last text and the whole page's.
     */
    public String waitForElement(String css, String what, Predicate<String> done) {
        return Poll.until(
                        WAIT,
                        what,
                        () -> new Seen(textOf(css), text()),
                        s -> s.element() != null && done.test(s.element()))
                .element();
    }

    /** Waits until no element matches {@code css}; fails showing the page. */
    public void waitForAbsence(String css, String what) {
        Poll.until(WAIT, what, () -> new Seen(textOf(css), text()), s -> s.element() == null);
    }

    /** Runs a script in the page and returns its value. */
    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }
}
