using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>One headless Chromium window driven through <see cref="ChromeDriver"/>: navigate, find by CSS, type, click, run script, screenshot.</summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    // The W3C key for an element reference in WebDriver answers.
    private const string ElementKey = "element-6066-11e4-a52e-4f735466cecf";

    private readonly ChromeDriver _driver;
    private readonly string _id;
    private readonly string _profile;

    public BrowserSession(ChromeDriver driver, string id, string profile)
    {
        _driver = driver;
        _id = id;
        _profile = profile;
    }

    public Task NavigateAsync(string url) => _driver.SendAsync(HttpMethod.Post, $"session/{_id}/url", new JsonObject { ["url"] = url });

    /// <summary>Runs <paramref name="script"/> (a function body; <c>arguments</c> holds <paramref name="args"/>) and returns its value.</summary>
    public Task<JsonNode?> ExecuteAsync(string script, params JsonNode?[] args) =>
        _driver.SendAsync(HttpMethod.Post, $"session/{_id}/execute/sync", new JsonObject { ["script"] = script, ["args"] = new JsonArray(args) });

    /// <summary>Runs an async script: it must call <c>arguments[arguments.length - 1]</c> with its result.</summary>
    public Task<JsonNode?> ExecuteAsyncScriptAsync(string script) =>
        _driver.SendAsync(HttpMethod.Post, $"session/{_id}/execute/async", new JsonObject { ["script"] = script, ["args"] = new JsonArray() });

    public async Task<string> FindAsync(string css)
    {
        var value = await _driver.SendAsync(HttpMethod.Post, $"session/{_id}/element", new JsonObject { ["using"] = "css selector", ["value"] = css });
        return value![ElementKey]!.GetValue<string>();
    }

    public Task TypeAsync(string css, string text) => WithElementAsync(css, async element =>
    {
        await _driver.SendAsync(HttpMethod.Post, $"session/{_id}/element/{element}/clear", new JsonObject());
        await _driver.SendAsync(HttpMethod.Post, $"session/{_id}/element/{element}/value", new JsonObject { ["text"] = text });
    });

    public Task ClickAsync(string css) => WithElementAsync(css, element =>
        _driver.SendAsync(HttpMethod.Post, $"session/{_id}/element/{element}/click", new JsonObject()));

    /// <summary>Finds the element and acts on it; a live page may re-render it in between, so a stale reference is found again (3 tries).</summary>
    private async Task WithElementAsync(string css, Func<string, Task> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action(await FindAsync(css));
                return;
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("stale element", StringComparison.Ordinal))
            {
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> (a JavaScript expression) until it is truthy; fails after <paramref name="timeout"/>.</summary>
    /// <returns>How long it took.</returns>
    public async Task<TimeSpan> WaitForAsync(string condition, TimeSpan timeout, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var value = await ExecuteAsync("return !!(" + condition + ");");
            if (value?.GetValue<bool>() == true)
            {
                return Stopwatch.GetElapsedTime(started);
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                var page = await ExecuteAsync("return document.body.innerText;");
                Assert.Fail($"{what}: not within {timeout.TotalSeconds:0.#} s. Page text:\n{page}");
            }

            await Task.Delay(25);
        }
    }

    public async Task<string> TextAsync(string css) =>
        (await ExecuteAsync("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css))?.GetValue<string>() ?? string.Empty;

    /// <summary>Saves a PNG of the window to <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var value = await _driver.SendAsync(HttpMethod.Get, $"session/{_id}/screenshot", null);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(value!.GetValue<string>()));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _driver.SendAsync(HttpMethod.Delete, $"session/{_id}", null);
        }
        finally
        {
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
