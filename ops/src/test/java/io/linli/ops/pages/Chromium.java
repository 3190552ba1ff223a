package io.linli.ops.pages;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium for a test class (Debian's chromium and chromium-driver), with a fresh profile and a
 * download folder of its own, started in Chinese (zh-CN) as most households' phones are. Nothing is fetched:
 * the driver and browser are named, so Selenium Manager never runs.
 */
final class Chromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Duration WAIT = Duration.ofSeconds(10);

  // Selenium looks for DevTools bindings of this Chromium's version; the tests need none (raw CDP commands only).
  private static final java.util.logging.Logger CDP_LOG =
      java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_LOG.setLevel(java.util.logging.Level.OFF);
  }

  private final Path profile;
  private final Path downloads;
  private final ChromeDriverService service;
  final ChromeDriver driver;

  /** A window of that size: a phone's (412 x 915) for households, a desk's for staff. */
  Chromium(int width, int height) {
    if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
      throw new IllegalStateException("The browser tests need Chromium: apt-get install chromium chromium-driver");
    }
    try {
      profile = Files.createTempDirectory("linli-chromium-profile");
      downloads = Files.createTempDirectory("linli-chromium-downloads");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions().setBinary(BINARY.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--user-data-dir=" + profile, "--lang=zh-CN", "--window-size=" + width + "," + height)
        .setExperimentalOption("prefs", Map.of(
            "intl.accept_languages", "zh-CN,zh",
            "download.default_directory", downloads.toString(),
            "download.prompt_for_download", false));
    // Chromium's own record of network events: which WebSocket URLs a page opened.
    options.setCapability("goog:loggingPrefs", Map.of("performance", "ALL"));
    service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
        .usingAnyFreePort().withSilent(true).build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(WAIT);
    // Every page records what its Content-Security-Policy refused, so a test can prove the pages keep to it.
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            + " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"));
  }

  void open(String url) {
    driver.get(url);
  }

  /** Forgets tokens and the chosen language: the next page starts as on a phone that never saw Linli. */
  void forgetEverything(String base) {
    open(base + "/assets/icon.svg");
    js("localStorage.clear(); sessionStorage.clear();");
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  String text(String css) {
    return find(css).getText();
  }

  /** Waits until the condition holds (not null, not false) and answers its value. */
  <T> T until(String what, Function<ChromeDriver, T> condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = condition.apply(driver);
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
      } catch (NoSuchElementException | StaleElementReferenceException e) {
        last = e; // the page is still drawing
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + " at " + driver.getCurrentUrl(), last);
  }

  /** Waits until the element shows exactly this text. */
  void untilText(String css, String expected) {
    until(css + " shows \"" + expected + "\"", d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return !found.isEmpty() && found.get(0).isDisplayed() && expected.equals(found.get(0).getText());
    });
  }

  /** Saves what the page shows now as target/pages/NAME.png, to look at when a test fails. */
  void screenshot(String name) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "pages"));
      Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the page's Content-Security-Policy refused since it loaded. */
  @SuppressWarnings("unchecked")
  List<String> cspViolations() {
    return (List<String>) js("return window.__csp || [];");
  }

  /** The pages the current document prints on (Chromium's own print to PDF). */
  int printedPages() {
    Map<String, Object> pdf = driver.executeCdpCommand("Page.printToPDF", Map.of("printBackground", false));
    String text = new String(Base64.getDecoder().decode((String) pdf.get("data")),
        StandardCharsets.ISO_8859_1);
    return (int) Pattern.compile("/Type\\s*/Page[^s]").matcher(text).results().count();
  }

  /** The URLs of the WebSockets pages opened since the last call, oldest first. */
  List<String> webSocketsOpened() {
    return driver.manage().logs().get("performance").getAll().stream()
        .map(entry -> new JsonObject(entry.getMessage()).getJsonObject("message"))
        .filter(m -> "Network.webSocketCreated".equals(m.getString("method")))
        .map(m -> m.getJsonObject("params").getString("url")).toList();
  }

  /** A finished download of that name. */
  Path downloaded(String name) {
    Path file = downloads.resolve(name);
    until("download of " + name, d -> Files.exists(file) && !Files.exists(downloads.resolve(name + ".crdownload"))
        ? file : null);
    return file;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      delete(profile);
      delete(downloads);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp folder left behind is harmless
    }
  }
}
