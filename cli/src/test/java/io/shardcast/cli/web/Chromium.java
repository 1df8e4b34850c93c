package io.shardcast.cli.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium, headless, driven by Playwright (its Java binding, which brings its own Node
 * driver and downloads no browser). The test command installs the {@code chromium} package where it
 * is missing (setup/provision); {@code CHROMIUM} names another binary.
 */
public final class Chromium implements AutoCloseable {

  private final Playwright playwright;
  private final Browser browser;

  private Chromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  public static Path executable() {
    String named = System.getenv("CHROMIUM");
    Path p = Path.of(named != null ? named : "/usr/bin/chromium");
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException("no Chromium at " + p + ": the test command installs Debian's chromium "
          + "(setup/provision test), or set CHROMIUM to a Chromium binary");
    }
    return p;
  }

  public static Chromium launch() {
    Playwright pw = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      Browser b = pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(executable())
          .setHeadless(true).setArgs(List.of("--autoplay-policy=no-user-gesture-required", "--mute-audio",
              "--allow-loopback-in-peer-connection",
              // A camera and microphone for the host's WHIP publishing: Chromium's test pattern and tone.
              "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")));
      return new Chromium(pw, b);
    } catch (RuntimeException e) {
      pw.close();
      throw e;
    }
  }

  /** A new browser profile: its own storage, so its page is another viewer. */
  public BrowserContext viewer(String lang) {
    return browser.newContext(new Browser.NewContextOptions().setLocale(lang).setViewportSize(390, 844));
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
