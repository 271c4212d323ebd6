using System.Net;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests;

public sealed class ServerProcessTests
{
    private const string MinimalConfig = """
        {
          "sip": { "domain": "127.0.0.1", "listen": [
            { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "tcp", "address": "127.0.0.1", "port": {SIP_PORT} } ] },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}" }
        }
        """;

    [Fact]
    public async Task Serve_WithConfig_AnswersHealthz()
    {
        await using var server = await LanternProcess.StartAsync(MinimalConfig);
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/healthz"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Serve_InvalidConfig_PrintsOnlyTheCleanError()
    {
        var invalid = MinimalConfig.Replace("\"domain\": \"127.0.0.1\"", "\"domain\": \"127.0.0.1\", \"maxTransactions\": 0", StringComparison.Ordinal);
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => LanternProcess.StartAsync(invalid));
        Assert.Contains("lantern: configuration error: sip.maxTransactions: 0 must be greater than 0", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_Started_IsReady()
    {
        await using var server = await LanternProcess.StartAsync(MinimalConfig);
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/readyz"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Serve_Sigterm_ExitsGracefully()
    {
        await using var server = await LanternProcess.StartAsync(MinimalConfig);
        Assert.Equal(0, await server.StopAsync());
    }
}
