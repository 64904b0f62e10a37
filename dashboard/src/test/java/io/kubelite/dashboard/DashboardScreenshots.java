package io.kubelite.dashboard;

import io.kubelite.dashboard.testing.Browser;
import io.kubelite.dashboard.testing.ControlPlaneComponents;
import io.kubelite.dashboard.testing.DashboardCluster;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;

/**
 * Not a test: regenerates the screenshots docs/dashboard.md embeds ({@code dashboard/screenshots.sh}
 * runs it with {@code -Ddashboard.screenshots=DIR}; without that property it is skipped). It starts
 * the test cluster with leader-elected components, applies the seed's demo objects
 * (examples/replicaset.yaml: three web pods spread over the two zones, and their Service), fails one
 * node so the node lifecycle shows, and saves one PNG per page at 1366x800 as {@code
 * DIR/dashboard-PATH.png}. The pages come from web/src/routes.ts, so a page added there is shot
 * without changing this class: every page in the navigation that is not {@code planned}, and each
 * detail page (not in the navigation) for which {@link #DETAIL_EXAMPLES} names an object to show.
 */
@EnabledIfSystemProperty(named = "dashboard.screenshots", matches = ".+")
@Timeout(600)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardScreenshots {
    /** The query of a detail page's example, by page path. */
    static final Map<String, String> DETAIL_EXAMPLES = Map.of("node", "name=sim-node-3");

    private static final Pattern ROUTE =
            Pattern.compile("\\{\\s*path:\\s*'([^']+)'[^\\n]*?nav:\\s*(true|false)([^\\n]*)\\}");

    @RegisterExtension
    @Order(1)
    static final DashboardCluster CLUSTER = new DashboardCluster();

    @RegisterExtension
    @Order(2)
    static final ControlPlaneComponents CONTROL_PLANE = new ControlPlaneComponents(CLUSTER);

    @RegisterExtension
    @Order(3)
    static final Browser BROWSER = new Browser();

    record Page(String path, String query) {}

    /** The pages to shoot, in routes.ts's order. */
    static List<Page> pages(Path routesTs) throws IOException {
        List<Page> pages = new ArrayList<>();
        Matcher m = ROUTE.matcher(Files.readString(routesTs));
        while (m.find()) {
            String path = m.group(1);
            boolean nav = m.group(2).equals("true");
            boolean planned = m.group(3).contains("planned: true");
            if (planned) {
                continue;
            }
            if (nav) {
                pages.add(new Page(path, ""));
            } else if (DETAIL_EXAMPLES.containsKey(path)) {
                pages.add(new Page(path, DETAIL_EXAMPLES.get(path)));
            } else {
                System.out.println("screenshots: no example object for detail page '" + path
                        + "': add one to DashboardScreenshots.DETAIL_EXAMPLES");
            }
        }
        if (pages.isEmpty()) {
            throw new IllegalStateException("no pages found in " + routesTs + ": did its format change?");
        }
        return pages;
    }

    @Test
    void screenshotsOfEveryPage() throws Exception {
        Path out = Path.of(System.getProperty("dashboard.screenshots")).toAbsolutePath();
        Files.createDirectories(out);
        List<Page> pages = pages(Path.of("web/src/routes.ts"));

        CLUSTER.kubectl()
                .run(Files.readString(Path.of("../examples/replicaset.yaml")), Map.of(), "apply", "-f", "-")
                .ok();
        Poll.until(
                Duration.ofSeconds(60),
                "the three web pods Running",
                () -> CLUSTER.kubectl()
                        .run("get", "pods", "-l", "app=web", "--no-headers")
                        .ok(),
                s -> s.lines().filter(l -> l.contains("Running")).count() == 3);
        CLUSTER.kubectl()
                .run("annotate", "node", "sim-node-3", "sim.kubelite.io/heartbeats=stopped")
                .ok();
        Poll.until(
                Duration.ofSeconds(60),
                "sim-node-3 NotReady with the unreachable taints",
                () -> CLUSTER.kubectl()
                        .run("get", "node", "sim-node-3", "-o", "jsonpath={.spec.taints[*].key}")
                        .ok(),
                s -> s.contains("node.kubernetes.io/unreachable"));

        BROWSER.open(CLUSTER.loginLink());
        BROWSER.waitForElement("h1", "the overview after the login link", t -> t.equals("Cluster overview"));
        BROWSER.driver().manage().window().setSize(new Dimension(1366, 800));
        for (Page p : pages) {
            BROWSER.open(CLUSTER.url() + "/#/" + p.path() + (p.query().isEmpty() ? "" : "?" + p.query()));
            BROWSER.waitForElement("h1", "page " + p.path() + "'s heading", t -> !t.isBlank());
            if (BROWSER.textOf(".view-status") != null) {
                BROWSER.waitForElement(".view-status", "page " + p.path() + " live", t -> !t.equals("Connecting…"));
            }
            BROWSER.script("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()");
            Path file = out.resolve("dashboard-" + p.path() + ".png");
            Files.write(file, ((TakesScreenshot) BROWSER.driver()).getScreenshotAs(OutputType.BYTES));
            System.out.println("screenshots: " + file);
        }
    }
}
