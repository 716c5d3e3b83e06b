package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The scheduler's page in real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code run-tests.sh} installs): load it, preview a change, apply it, and see the planned curve and history update.
 */
@QuarkusTest
class PageInChromiumTest {
    private static final String RUN = "run-page";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TestHTTPResource("/")
    URL root;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    RunSchedules schedules;

    private WebDriver browser;

    @BeforeEach
    void openBrowser(@TempDir Path profile) throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("this test needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver").isTrue();
        try (TopicClient kafka = new TopicClient(bootstrapServers)) {
            kafka.send(Topics.TRAINING_METRICS, RUN, EventJson.write(new WorkerJoined(RUN, "w0", 1, 12, 0, 0, Map.of(), Instant.now())));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> schedules.run(RUN).map(s -> !s.members().get("w0").applied().isEmpty()
                || !s.issued().isEmpty()).orElse(false));
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** What the person at the browser does when the page asks who they are: nothing here, no one asks. */
    void logIn(WebDriver browser) {}

    /** Who the history says applied the change: the form's By, without authentication. */
    String signer() {
        return "page-test";
    }

    @Test
    void previewThenApplyUpdatesTheCurveAndTheHistory() {
        logIn(browser);
        browser.get(root + "?run=" + RUN);
        await().atMost(Duration.ofSeconds(20)).until(() -> rates("planned").startsWith("0.045 0.045 0.0423"));
        assertThat(historyRows()).hasSize(1);

        new Select(browser.findElement(By.id("type"))).selectByValue("override");
        browser.findElement(By.id("learningRate")).sendKeys("0.02");
        browser.findElement(By.id("fromEpoch")).sendKeys("3");
        browser.findElement(By.id("by")).sendKeys("page-test");
        browser.findElement(By.id("why")).sendKeys("seen in a browser");
        browser.findElement(By.id("preview")).click();

        await().atMost(Duration.ofSeconds(20)).until(() -> rates("previewCurve").startsWith("0.045 0.045 0.0423 0.02 0.02"));
        assertThat(rates("planned")).startsWith("0.045 0.045 0.0423 0.0423");
        assertThat(browser.findElement(By.id("result")).getText()).contains("preview");

        browser.findElement(By.id("apply")).click();

        // The page's own 2 s refresh may draw the new plan before the reply to the click arrives: wait for both.
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("result")).getText()
                .contains("override accepted as version 2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> rates("planned").startsWith("0.045 0.045 0.0423 0.02 0.02"));
        await().atMost(Duration.ofSeconds(10)).until(() -> historyRows().size() == 2);
        assertThat(historyRows().get(0)).contains(signer()).contains("seen in a browser");
    }

    // The page redraws the curves and the history every 2 s by replacing their HTML, so an element found by one WebDriver
    // call can be gone by the next (StaleElementReferenceException). Each read below is one script, run between redraws.

    private String rates(String curveId) {
        return (String) page().executeScript(
                "const curve = document.getElementById(arguments[0]); return curve ? curve.getAttribute('data-rates') : '';", curveId);
    }

    @SuppressWarnings("unchecked")
    private List<String> historyRows() {
        return (List<String>) page().executeScript(
                "return Array.from(document.querySelectorAll('#history tr'), row => row.innerText);");
    }

    private JavascriptExecutor page() {
        return (JavascriptExecutor) browser;
    }
}
