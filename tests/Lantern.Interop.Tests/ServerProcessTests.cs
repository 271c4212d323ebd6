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

    [Fact]
    public async Task Serve_UnopenableSqliteFile_ExitsNonZeroWithOneLine()
    {
        // A file where the database's directory should be: not even root can create the database there.
        var directory = Directory.CreateTempSubdirectory("lantern-unopenable-").FullName;
        try
        {
            var blocker = Path.Combine(directory, "not-a-directory");
            await File.WriteAllTextAsync(blocker, "");
            var config = MinimalConfig.Replace("{DB}", Path.Combine(blocker, "lantern.db"), StringComparison.Ordinal);
            await using var server = await LanternProcess.StartAsync(config, waitReady: false);
            var exitCode = await server.Exited.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(exitCode == 2, $"exit {exitCode}:\n{server.Output}");

            // The exit may be seen before the last output line is read.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!server.Output.Contains("lantern: ", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(20);
            }

            Assert.Contains("lantern: configuration error: store.sqlite: cannot open sqlite:", server.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Lantern ready", server.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
