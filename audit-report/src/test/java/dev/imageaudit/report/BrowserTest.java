package dev.imageaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageaudit.core.AuditInput;
import dev.imageaudit.core.ImageAudit;
import dev.imageaudit.core.ScanOptions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * report.html in a real headless Chromium: Debian's {@code chromium} and {@code chromium-driver},
 * named by path so Selenium never looks for (or downloads) a browser or a driver. Skips only when
 * they are missing and {@code CI} is unset; under CI they must be there.
 */
class BrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String HOSTILE = "<img src=x onerror=alert(1)>.qcow2";

  private static ChromeDriverService service;
  private static ChromeDriver driver;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      String ci = System.getenv("CI");
      if (ci != null && !ci.isEmpty() && !ci.equals("false")) {
        throw new IllegalStateException(
            "CI is set but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: .ci/run installs chromium chromium-driver");
      }
      Assumptions.assumeTrue(false, "skipped: " + CHROMIUM + " or " + CHROMEDRIVER + " is not installed (apt-get install chromium chromium-driver)");
    }
    // Never let Selenium Manager resolve (and download) anything: the binaries are named below.
    System.setProperty("SE_OFFLINE", "true");
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogOutput(java.io.OutputStream.nullOutputStream())
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--user-data-dir=" + Files.createDirectories(tmp.resolve("profile")));
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1400, 2400));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
  }

  /** Audits {@code store} for real into a report folder, and opens its report.html. */
  private static Path scan(String name, List<AuditInput> inputs, Policy policy) throws IOException {
    Path out = tmp.resolve(name);
    try (ReportSet set =
        ReportSet.create(out, AuditMetrics.create(), PolicyGate.of(policy, Clock.systemUTC()),
            new Provenance("host", "user", List.of(), "test", "unknown", List.of("image-audit", "scan")))) {
      ImageAudit.run(inputs, ScanOptions.builder().headSha256For(policy.headSha256Flags()).build(), set).block();
      set.commit();
    }
    Path html = out.resolve("report.html");
    driver.get(html.toUri().toString());
    return html;
  }

  private static WebElement banner() {
    return driver.findElement(By.id("verdict"));
  }

  private static long shownRows(String table) {
    return driver.findElements(By.cssSelector("table." + table + " tbody tr")).stream().filter(WebElement::isDisplayed).count();
  }

  @Test
  void aPassingRunShowsPass() throws IOException {
    Path store = Files.createDirectories(tmp.resolve("clean"));
    Files.write(store.resolve("a.img"), new byte[4096]);
    Files.write(store.resolve("b.img"), new byte[8192]);
    scan("pass", List.of(new AuditInput.PathInput(store)), Policy.DEFAULT);
    assertThat(banner().getAttribute("class")).isEqualTo("verdict pass");
    assertThat(banner().getText()).startsWith("PASS");
  }

  @Test
  void aFailingRunShowsFailTheFilterNarrowsAndAHostileNameStaysText() throws IOException {
    Path store = Files.createDirectories(tmp.resolve("mixed"));
    Files.write(store.resolve(HOSTILE), new byte[] {'Q', 'F', 'I', (byte) 0xfb});
    for (int i = 0; i < 5; i++) {
      Files.write(store.resolve("raw-" + i + ".img"), new byte[4096]);
    }
    scan("fail", List.of(new AuditInput.PathInput(store)), Policy.DEFAULT);
    assertThat(banner().getAttribute("class")).isEqualTo("verdict fail");
    assertThat(banner().getText()).startsWith("FAIL").contains("1 image carries unsupported-partition-image");

    // The hostile name is text in the page: no image element, no alert, the name shown as written.
    assertThat(driver.findElements(By.tagName("img"))).isEmpty();
    assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(driver.findElements(By.cssSelector("table.images td.path")))
        .extracting(WebElement::getText)
        .anySatisfy(text -> assertThat(text).endsWith(HOSTILE));

    // The filter narrows the images table (the script ran: the CSP let its hash through).
    assertThat(shownRows("images")).isEqualTo(6);
    WebElement filter = driver.findElement(By.id("filter"));
    filter.sendKeys("raw-3");
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> shownRows("images") == 1);
    assertThat(driver.findElement(By.id("filter-count")).getText()).startsWith("1 of ");
    filter.clear();
    filter.sendKeys("qcow2");
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> shownRows("images") == 1);
    assertThat(driver.findElements(By.cssSelector("table.images tbody tr")).stream().filter(WebElement::isDisplayed))
        .allSatisfy(row -> assertThat(row.getText()).contains("qcow2"));

    // Sortable: a header click orders the rows, and again reverses them.
    filter.clear();
    filter.sendKeys(" ");
    WebElement pathHeader = driver.findElement(By.cssSelector("table.images thead th"));
    pathHeader.click();
    assertThat(pathHeader.getAttribute("aria-sort")).isEqualTo("ascending");
    List<String> ascending = firstCells("images");
    assertThat(ascending).isSorted();
    pathHeader.click();
    assertThat(pathHeader.getAttribute("aria-sort")).isEqualTo("descending");
    assertThat(firstCells("images")).containsExactlyElementsOf(reversed(ascending));
  }

  private static List<String> firstCells(String table) {
    return driver.findElements(By.cssSelector("table." + table + " tbody tr td:first-child")).stream()
        .map(e -> e.getText().toLowerCase(java.util.Locale.ROOT))
        .toList();
  }

  private static List<String> reversed(List<String> list) {
    List<String> copy = new java.util.ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }

  @Test
  void theExampleStoresReportRendersAndIsSavedAsAScreenshot() throws Exception {
    Path repo = SchemaTest.repo();
    Path html =
        scan(
            "example",
            List.of(
                new AuditInput.PathInput(repo.resolve("examples/image-store")),
                new AuditInput.VmConfig(repo.resolve("examples/vm-configs/good.json"))),
            Policy.read(repo.resolve("examples/policy/policy.yaml")));
    assertThat(banner().getText()).startsWith("FAIL");
    assertThat(driver.findElement(By.id("waivers")).isDisplayed()).isTrue();
    assertThat(Files.size(html)).isLessThan(2L * 1024 * 1024);
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Path saved = Path.of("target", "report-example-store.png");
    Files.createDirectories(saved.getParent());
    Files.copy(shot.toPath(), saved, StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(saved)).isGreaterThan(10_000);
  }
}
