using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Lantern.Interop.Tests.Infrastructure;
using Lantern.Interop.Tests.Sip;

namespace Lantern.Interop.Tests.WebSocket;

/// <summary>A browser phone: headless Chromium (Debian's) loads a page served by the test that runs JsSIP from the installed
/// npm package over WSS, subscribes, and shows the lamp, which the page also posts back to the test.</summary>
public sealed class BrowserInteropTests
{
    private const string Chromium = "/usr/bin/chromium";

    private const string Config = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "listen": [
            { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "wss", "address": "127.0.0.1", "port": {TLS_PORT}, "certificate": "{CERT}", "key": "{KEY}", "allowedOrigins": [ "{ORIGIN}" ] } ],
            "unsolicited": { "startupWindowSeconds": 0 }, "digestAlgorithms": [ "MD5" ] },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [] },
          "endpoints": [ { "id": "1001", "password": "ws-phone-secret-1001", "mailboxes": [ "1001@default" ], "unsolicited": false } ]
        }
        """;

    [Fact]
    public async Task JsSipInHeadlessChromium_OverWss_ShowsTheLampAfterARestChange()
    {
        Assert.True(File.Exists(Chromium), "chromium is not installed (test.sh installs it)");
        Assert.True(NodeSipClient.Missing() is null, NodeSipClient.Missing());
        var lamp = Channel.CreateUnbounded<string>();
        var pagePort = FreePorts.NextTcp();
        var origin = "http://127.0.0.1:" + pagePort.ToString(CultureInfo.InvariantCulture);
        using var pages = new HttpListener();
        pages.Prefixes.Add(origin + "/");
        pages.Start();
        using var stopPages = new CancellationTokenSource();
        var serving = ServeAsync(pages, lamp.Writer, stopPages.Token);

        var (certPath, keyPath, certificate) = StreamTransportTests.WriteSelfSignedPem(Directory.CreateTempSubdirectory("lantern-browser-").FullName);
        certificate.Dispose();
        var config = Config.Replace("{CERT}", certPath, StringComparison.Ordinal).Replace("{KEY}", keyPath, StringComparison.Ordinal)
            .Replace("{ORIGIN}", origin, StringComparison.Ordinal);
        await using var server = await LanternProcess.StartAsync(config);
        var ws = "wss://127.0.0.1:" + server.TlsPort.ToString(CultureInfo.InvariantCulture);
        var url = $"{origin}/browser/index.html?ws={Uri.EscapeDataString(ws)}&user=1001&password=ws-phone-secret-1001&domain=127.0.0.1";
        using var browser = StartChromium(url);
        try
        {
            Assert.StartsWith("registered", await NextAsync(lamp.Reader, browser), StringComparison.Ordinal);
            Assert.StartsWith("off", await NextAsync(lamp.Reader, browser), StringComparison.Ordinal);

            using (var http = server.CreateAdminClient())
            {
                using var response = await http.PutAsync(new Uri("ari/mailboxes/1001@default?newMessages=2&oldMessages=0", UriKind.Relative), null);
                Assert.True(response.IsSuccessStatusCode);
            }

            Assert.Equal("on 2/0(0/0)", await NextAsync(lamp.Reader, browser));
        }
        finally
        {
            browser.Kill(entireProcessTree: true);
            await browser.WaitForExitAsync();
            await stopPages.CancelAsync();
            pages.Stop();
            await serving;
        }
    }

    private static Process StartChromium(string url)
    {
        var info = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + Directory.CreateTempSubdirectory("lantern-chromium-").FullName,

            // The test's self-signed certificate; the page is the test's own, on loopback.
            "--ignore-certificate-errors", url,
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> NextAsync(ChannelReader<string> lamp, Process browser)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var state = await lamp.ReadAsync(timeout.Token);
            Assert.False(state.StartsWith("error", StringComparison.Ordinal), state);
            return state;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the page reported no lamp state within 30 s (browser {(browser.HasExited ? "exited" : "running")})");
        }
    }

    /// <summary>Serves the page and the installed packages from the node folder, and takes the page's lamp reports.</summary>
    private static async Task ServeAsync(HttpListener pages, ChannelWriter<string> lamp, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(NodeSipClient.Folder) + Path.DirectorySeparatorChar;
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await pages.GetContextAsync().WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var response = context.Response;
            var path = context.Request.Url!.AbsolutePath;
            if (path == "/lamp")
            {
                var state = context.Request.QueryString["state"] ?? string.Empty;
                var detail = context.Request.QueryString["detail"] ?? string.Empty;
                await lamp.WriteAsync(detail.Length > 0 ? state + " " + detail : state, CancellationToken.None);
                response.StatusCode = 204;
                continue;
            }

            var file = Path.GetFullPath(Path.Combine(root, Uri.UnescapeDataString(path).TrimStart('/')));
            if (!file.StartsWith(root, StringComparison.Ordinal) || !File.Exists(file))
            {
                response.StatusCode = 404;
                continue;
            }

            response.ContentType = file.EndsWith(".html", StringComparison.Ordinal) ? "text/html" : file.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "text/javascript";
            var bytes = await File.ReadAllBytesAsync(file, CancellationToken.None);
            await response.OutputStream.WriteAsync(bytes, CancellationToken.None);
        }
    }
}
