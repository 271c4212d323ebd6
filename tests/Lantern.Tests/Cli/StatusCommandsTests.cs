using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Lantern.Cli;
using Lantern.Tests.Api;

namespace Lantern.Tests.Cli;

public sealed class StatusCommandsTests : IClassFixture<StatusApiFixture>
{
    private readonly StatusApiFixture _fixture;

    public StatusCommandsTests(StatusApiFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Upstreams_PrintsAlignedTableWithoutSecrets()
    {
        var result = await RunAsync("upstreams");
        Assert.True(result.Code == 0, result.Err);
        var lines = Lines(result.Out);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^Name\s+Target\s+Mailbox\s+Transport\s+State\s+Expires\s+LastNotify\s+NextAttempt\s+Failures\s+LastError$", lines[0]);
        Assert.Matches(@"^carrier\s+sip:1234@provider\.example\.com:5070\s+1234@SIP_Remote\s+tls\s+failed-auth\s+-\s+-\s+2026-11-28 12:00:40Z\s+3\s+403 Forbidden  after digest$", lines[1]);
        Assert.Matches(@"^office\s+sip:200@pbx\.example\.org\s+200@SIP_Remote\s+udp\s+active\s+3600\s+2026-11-28 12:05:00Z\s+2026-11-28 12:51:00Z\s+0\s+-$", lines[2]);
        Assert.Equal(lines[0].IndexOf("State", StringComparison.Ordinal), lines[2].IndexOf("active", StringComparison.Ordinal));
        Assert.DoesNotContain(FakeUpstreamStatusSource.Secret, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Peers_PrintsTable()
    {
        var result = await RunAsync("peers");
        Assert.True(result.Code == 0, result.Err);
        var lines = Lines(result.Out);
        Assert.Matches(@"^Name\s+Match\s+Mailbox\s+Auth\s+Pubs\s+Accepted\s+Refused\s+LastRequest\s+LastError$", lines[0]);
        Assert.Matches(@"^oldpbx\s+pbx\.example\.org,198\.51\.100\.0/28\s+500@default\s+yes\s+1\s+17\s+2\s+2026-11-28 12:04:00Z\s+-$", lines[1]);
    }

    [Fact]
    public async Task Subscriptions_PrintsTable()
    {
        var result = await RunAsync("subscriptions");
        Assert.True(result.Code == 0, result.Err);
        var lines = Lines(result.Out);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^Id\s+Endpoint\s+Mailboxes\s+State\s+Remote\s+CallId\s+Expires\s+LastNotify\s+Result$", lines[0]);
        Assert.Matches(@"^7\s+1000\s+1000@default\s+active\s+udp 192\.0\.2\.7:5060\s+call-7@192\.0\.2\.7\s+2026-11-28 13:00:00Z\s+2026-11-28 12:02:00Z\s+200 OK$", lines[1]);
        Assert.Matches(@"^8\s+\(trusted\)\s+9999@default\s+", lines[2]);
    }

    [Fact]
    public async Task Registrations_PrintsTable()
    {
        var result = await RunAsync("registrations");
        Assert.True(result.Code == 0, result.Err);
        var lines = Lines(result.Out);
        Assert.Matches(@"^Endpoint\s+Contact\s+Origin\s+Expires\s+Remote\s+UserAgent\s+LastNotifyOk\s+LastFailure$", lines[0]);
        Assert.Matches(@"^1000\s+sip:1000@192\.0\.2\.7:5060\s+register\s+2026-11-28 13:00:00Z\s+udp 192\.0\.2\.7:5060\s+Yealink T46U\s+2026-11-28 12:01:00Z\s+2026-11-28 12:03:00Z 408 Request Timeout$", lines[1]);
    }

    [Fact]
    public async Task Endpoints_List_PrintsTable()
    {
        var result = await RunAsync("endpoints");
        Assert.True(result.Code == 0, result.Err);
        var lines = Lines(result.Out);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^Endpoint\s+Mailboxes\s+Auth\s+Unsolicited\s+Contacts\s+Subs\s+LastNotify$", lines[0]);
        Assert.Matches(@"^1000\s+1000@default\s+digest\s+yes\s+1\s+1\s+2026-11-28 12:03:00Z 408 Request Timeout \(unsolicited\)$", lines[1]);
        Assert.Matches(@"^2000\s+2000@default,2001@default\s+acl\s+no\s+0\s+0\s+-$", lines[2]);
    }

    [Fact]
    public async Task Endpoints_Id_PrintsDetail()
    {
        var result = await RunAsync("endpoints", "1000");
        Assert.True(result.Code == 0, result.Err);
        Assert.Matches(@"(?m)^Endpoint\s+1000$", result.Out);
        Assert.Matches(@"(?m)^Auth\s+digest$", result.Out);
        Assert.Matches(@"(?m)^Unsolicited\s+yes \(until it subscribes\)$", result.Out);
        Assert.Matches(@"(?m)^sip:1000@192\.0\.2\.7:5060\s+register\s+", result.Out);
        Assert.Matches(@"(?m)^7\s+1000@default\s+active\s+udp 192\.0\.2\.7:5060\s+", result.Out);
    }

    [Theory]
    [InlineData("upstreams", "carrier")]
    [InlineData("peers", "oldpbx")]
    [InlineData("subscriptions", "1000")]
    [InlineData("registrations", "1000")]
    [InlineData("endpoints", "1000")]
    public async Task Listing_Json_IsTheItemsArray(string command, string first)
    {
        var result = await RunAsync(command, "--json");
        Assert.True(result.Code == 0, result.Err);
        using var document = JsonDocument.Parse(result.Out);
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        var item = document.RootElement[0];
        var key = command switch { "upstreams" or "peers" => "name", "endpoints" => "id", _ => "endpointId" };
        Assert.Equal(first, item.GetProperty(key).GetString());
    }

    [Fact]
    public async Task Endpoints_IdJson_IsTheEndpoint()
    {
        var result = await RunAsync("endpoints", "2000", "--json");
        Assert.True(result.Code == 0, result.Err);
        using var document = JsonDocument.Parse(result.Out);
        Assert.Equal("acl", document.RootElement.GetProperty("authentication").GetString());
    }

    [Fact]
    public async Task Endpoints_Unknown_IsRefusedWithDetail()
    {
        var result = await RunAsync("endpoints", "ghost");
        Assert.Equal(1, result.Code);
        Assert.Contains("404", result.Err, StringComparison.Ordinal);
        Assert.Contains("ghost", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("upstreams", "extra")]
    [InlineData("peers", "--bogus")]
    [InlineData("endpoints", "a", "b")]
    [InlineData("subscriptions", "--user", "x")]
    public async Task BadUsage_Is2(params string[] args)
    {
        var result = await RunRawAsync([.. args, "--server", _fixture.Host.BaseAddress.ToString()]);
        Assert.True(result.Code == 2, $"exit {result.Code}: {result.Err}");
        Assert.NotEmpty(result.Err);
    }

    [Fact]
    public async Task WrongPassword_IsRefused()
    {
        var result = await RunRawAsync("upstreams", "--server", _fixture.Host.BaseAddress.ToString(), "--user", ApiTestHost.User, "--password", "wrong");
        Assert.Equal(1, result.Code);
        Assert.Contains("401", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("upstreams")]
    [InlineData("peers")]
    [InlineData("registrations")]
    [InlineData("subscriptions")]
    [InlineData("endpoints")]
    public async Task UnreachableServer_Is3(string command)
    {
        var result = await RunRawAsync(command, "--server", $"http://127.0.0.1:{ClosedPort()}", "--user", "a", "--password", "b");
        Assert.Equal(3, result.Code);
        Assert.Contains("cannot reach", result.Err, StringComparison.Ordinal);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args) =>
        await RunRawAsync([.. args, "--server", _fixture.Host.BaseAddress.ToString(), "--user", ApiTestHost.User, "--password", ApiTestHost.Password]);

    internal static async Task<(int Code, string Out, string Err)> RunRawAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var code = await LanternCommandLine.RunAsync(args, new InvocationConfiguration { Output = output, Error = error }, cts.Token);
        return (code, output.ToString(), error.ToString());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
