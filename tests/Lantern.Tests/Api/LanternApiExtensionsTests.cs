using System.Net;
using System.Text.RegularExpressions;
using Lantern.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Lantern.Tests.Api;

public sealed partial class LanternApiExtensionsTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public LanternApiExtensionsTests(ApiTestHost host) => _host = host;

    [Fact]
    public async Task Healthz_IsOk()
    {
        using var client = _host.Anonymous();
        var response = await client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_NoFailingCheck_IsReady()
    {
        using var client = _host.Anonymous();
        var ready = await ApiAssert.JsonAsync(await client.GetAsync("readyz"));
        Assert.True(ready.GetProperty("ready").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, ready.GetProperty("checks").GetProperty("store").ValueKind);
    }

    [Fact]
    public async Task Metrics_AfterRequests_ExposesPrometheusText()
    {
        using var client = _host.Client();
        await client.GetAsync("api/v1/mailboxes");
        await client.GetAsync("api/v1/mailboxes/none@metrics");
        await client.PutAsync("ari/mailboxes/m@metrics?newMessages=1", null);
        var response = await client.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("# TYPE lantern_http_requests_total counter\n", text, StringComparison.Ordinal);
        Assert.Matches(RequestsLine(), text);
        Assert.Contains("# TYPE lantern_http_request_duration summary\n", text, StringComparison.Ordinal);
        Assert.Contains("lantern_http_request_duration_count{method=\"GET\"} ", text, StringComparison.Ordinal);
        Assert.Contains("lantern_mailbox_writes_total{status=\"changed\"} ", text, StringComparison.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
        {
            Assert.Matches(ExpositionLine(), line);
        }

        var samples = lines.Where(l => !l.StartsWith('#')).Select(l => l[..l.LastIndexOf(' ')]).ToList();
        Assert.Equal(samples.Count, samples.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task OpenApi_DescribesNativeOperations()
    {
        using var client = _host.Anonymous();
        var doc = await ApiAssert.JsonAsync(await client.GetAsync("openapi/v1.json"));
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/mailboxes/{id}", out var mailbox));
        Assert.False(string.IsNullOrEmpty(mailbox.GetProperty("patch").GetProperty("description").GetString()));
        Assert.True(paths.TryGetProperty("/api/v1/mailboxes:batch", out _));
        var listParameters = paths.GetProperty("/api/v1/mailboxes").GetProperty("get").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString());
        Assert.Equal(["context", "prefix", "waiting", "source", "like", "limit", "after"], listParameters);
        Assert.True(paths.TryGetProperty("/api/v1/events", out _));
        Assert.True(paths.TryGetProperty("/ari/mailboxes/{mailboxName}", out _));
    }

    [Fact]
    public async Task Readyz_FailingCheck_Is503NamingIt()
    {
        await using var host = new ApiTestHostWithCheck();
        await host.InitializeAsync();
        using var client = host.Host.Anonymous();
        var response = await client.GetAsync("readyz");
        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.False(body.GetProperty("ready").GetBoolean());
        Assert.Equal("store down", body.GetProperty("checks").GetProperty("test").GetString());
    }

    [GeneratedRegex("^lantern_http_requests_total\\{code=\"2xx\",method=\"GET\"\\} [1-9][0-9]*$", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();

    [GeneratedRegex("^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})? ([-+0-9.eE]+|NaN|[+-]Inf))$")]
    private static partial Regex ExpositionLine();

    private sealed class FailingCheck : IReadinessCheck
    {
        public string Name => "test";

        public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>("store down");
    }

    private sealed class ApiTestHostWithCheck : IAsyncDisposable
    {
        public ApiTestHost Host { get; } = new() { ExtraServices = services => services.AddSingleton<IReadinessCheck, FailingCheck>() };

        public Task InitializeAsync() => Host.InitializeAsync();

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }
}
