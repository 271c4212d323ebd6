using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>Debian's <c>chromedriver</c> on a free loopback port, driven over the W3C WebDriver HTTP protocol (no client package).</summary>
internal sealed class ChromeDriver : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly Process _process;
    private readonly HttpClient _http;

    private ChromeDriver(Process process, HttpClient http)
    {
        _process = process;
        _http = http;
    }

    public static bool IsInstalled => File.Exists(ChromiumPath) && File.Exists(DriverPath);

    public static async Task<ChromeDriver> StartAsync()
    {
        var port = FreePorts.NextUdpAndTcp();
        var info = new ProcessStartInfo(DriverPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--port=" + port.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--allowed-ips=127.0.0.1");
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        var driver = new ChromeDriver(process, http);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var status = await http.GetAsync(new Uri("status", UriKind.Relative));
                if (status.IsSuccessStatusCode)
                {
                    return driver;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await driver.DisposeAsync();
                throw new InvalidOperationException("chromedriver did not start within 20 s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A new headless Chromium with a fresh profile, as the issue's test setup asks.</summary>
    public async Task<BrowserSession> NewSessionAsync()
    {
        var profile = Directory.CreateTempSubdirectory("lantern-chromium-").FullName;
        var args = new JsonArray(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,900", "--user-data-dir=" + profile);
        var body = new JsonObject
        {
            ["capabilities"] = new JsonObject
            {
                ["alwaysMatch"] = new JsonObject
                {
                    ["browserName"] = "chrome",
                    ["goog:chromeOptions"] = new JsonObject { ["binary"] = ChromiumPath, ["args"] = args },
                },
            },
        };
        var value = await SendAsync(HttpMethod.Post, "session", body);
        return new BrowserSession(this, value!["sessionId"]!.GetValue<string>(), profile);
    }

    /// <summary>One WebDriver command; the <c>value</c> of the answer, or an exception naming the driver's error.</summary>
    internal async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            // chromedriver closes the connection on a chunked body, so the length is sent up front.
            request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = JsonNode.Parse(text);
        if (!response.IsSuccessStatusCode)
        {
            var error = json?["value"];
            throw new InvalidOperationException($"WebDriver {method} {path}: {error?["error"]} {error?["message"]}");
        }

        return json?["value"];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
