using System.Text.Json;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Hosting;

/// <summary>Issue 14 (logs): the built server writes no line per HTTP request by default, and <c>--log-format json</c>
/// makes every output line one JSON object.</summary>
public sealed class LogOutputTests
{
    /// <summary>The shipped defaults: no <c>Logging</c> section, so nothing quiets ASP.NET Core but Lantern itself.</summary>
    private const string Defaults = """
        {
          "sip": { "domain": "127.0.0.1", "listen": [ { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} } ] },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [ { "name": "admin", "secret": "pw", "write": true } ] }
        }
        """;

    [Fact]
    public async Task TwentyRestRequests_WriteNoPerRequestLines()
    {
        await using var server = await LanternProcess.StartAsync(Defaults);
        await MakeRequestsAsync(server);
        var output = server.Output;
        Assert.DoesNotContain("Request starting", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request finished", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Executing endpoint", output, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/v1/mailboxes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogFormatJson_EveryLineParses()
    {
        await using var server = await LanternProcess.StartAsync(Defaults, launcher: info =>
        {
            info.ArgumentList.Add("--log-format");
            info.ArgumentList.Add("json");
            return info;
        });
        await MakeRequestsAsync(server);
        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            Assert.True(document.RootElement.TryGetProperty("Category", out _), line);
        }

        Assert.Contains(lines, l => l.Contains("\"EventId\":9000", StringComparison.Ordinal));
    }

    private static async Task MakeRequestsAsync(LanternProcess server)
    {
        using var http = server.CreateAdminClient();
        for (var i = 0; i < 20; i++)
        {
            using var response = await http.GetAsync(new Uri("api/v1/mailboxes", UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode);
        }
    }
}
