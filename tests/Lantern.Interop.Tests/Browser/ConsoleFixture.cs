using System.Globalization;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Browser;

/// <summary>One built <c>lantern serve</c> (an endpoint, an upstream whose server refuses connections, a read-only user) and one
/// chromedriver, shared by the console tests; each test opens its own Chromium with a fresh profile.</summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private LanternProcess? _server;
    private ChromeDriver? _driver;

    internal LanternProcess Server => _server!;

    internal ChromeDriver Driver => _driver!;

    public string BaseUrl => $"http://127.0.0.1:{Server.HttpPort.ToString(CultureInfo.InvariantCulture)}/";

    /// <summary>Where screenshots go: the test output directory (kept as test artifacts).</summary>
    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Assert.True(ChromeDriver.IsInstalled, "chromium and chromium-driver are not installed (test.sh installs them)");
        // Nothing listens on this TCP port, so the upstream's every attempt fails at once with a transport error.
        var deadPort = FreePorts.NextUdpAndTcp();
        var config = """
            {
              "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
              "sip": { "domain": "127.0.0.1", "listen": [
                { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
                { "transport": "tcp", "address": "127.0.0.1", "port": {SIP_PORT} } ] },
              "store": { "sqlite": "{DB}" },
              "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [
                { "name": "admin", "password": "pw" }, { "name": "viewer", "password": "look", "write": false } ] },
              "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [ { "name": "admin", "secret": "pw", "write": true } ] },
              "endpoints": [ { "id": "1001", "password": "secret1001", "mailboxes": [ "1001@default" ] } ],
              "upstreams": [ { "name": "prov", "user": "mwi", "secret": "secret", "host": "127.0.0.1", "port": {DEAD_PORT},
                               "transport": "tcp", "mailbox": "7000" } ]
            }
            """.Replace("{DEAD_PORT}", deadPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        _server = await LanternProcess.StartAsync(config);
        _driver = await ChromeDriver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_driver is not null)
        {
            await _driver.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
