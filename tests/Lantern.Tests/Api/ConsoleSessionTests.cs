using System.Net;
using System.Text.Json;
using Lantern.Api;

namespace Lantern.Tests.Api;

/// <summary>The console's cookie session beside the scripts' Basic/bearer authentication (issue 14).</summary>
public sealed class ConsoleSessionTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public ConsoleSessionTests(ApiTestHost host) => _host = host;

    [Fact]
    public async Task Login_SetsHttpOnlyStrictCookie_AndWritesNeedTheCsrfToken()
    {
        using var client = Cookieless();
        var login = await client.PostAsync("console/login", ApiAssert.Json($"{{\"user\":\"{ApiTestHost.User}\",\"password\":\"{ApiTestHost.Password}\"}}"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(ConsoleSessions.CookieName + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using var session = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        var csrf = session.RootElement.GetProperty("csrfToken").GetString()!;
        var sessionCookie = cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];

        var read = await SendAsync(client, HttpMethod.Get, "api/v1/mailboxes", sessionCookie, null);
        var noToken = await SendAsync(client, HttpMethod.Put, "api/v1/mailboxes/1@console", sessionCookie, null);
        var badToken = await SendAsync(client, HttpMethod.Put, "api/v1/mailboxes/1@console", sessionCookie, new string('0', csrf.Length));
        var withToken = await SendAsync(client, HttpMethod.Put, "api/v1/mailboxes/1@console", sessionCookie, csrf);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Contains("X-CSRF-Token header is missing or does not match", await noToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, badToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);

        var logoutWithout = await SendAsync(client, HttpMethod.Post, "console/logout", sessionCookie, null);
        var logout = await SendAsync(client, HttpMethod.Post, "console/logout", sessionCookie, csrf);
        var after = await SendAsync(client, HttpMethod.Get, "api/v1/mailboxes", sessionCookie, null);
        Assert.Equal(HttpStatusCode.Forbidden, logoutWithout.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Login_WrongPasswordOrFormBody_IsRefused_AndConsoleRequestsGetNoBasicChallenge()
    {
        using var client = Cookieless();

        var wrong = await client.PostAsync("console/login", ApiAssert.Json($"{{\"user\":\"{ApiTestHost.User}\",\"password\":\"nope\"}}"));
        var form = await client.PostAsync("console/login", new FormUrlEncodedContent([new("user", ApiTestHost.User), new("password", ApiTestHost.Password)]));
        using var console = new HttpRequestMessage(HttpMethod.Get, "api/v1/mailboxes");
        console.Headers.Add(ConsoleSessions.ConsoleHeader, "1");
        var anonymous = await client.SendAsync(console);
        var script = await client.GetAsync("api/v1/mailboxes");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("user name or password is wrong", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(anonymous.Headers.WwwAuthenticate);
        Assert.NotEmpty(script.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task ConsolePage_IsServedFromTheAssembly_WithAStrictContentSecurityPolicy()
    {
        using var client = Cookieless();

        var page = await client.GetAsync("");
        var script = await client.GetAsync("console/app.js");
        var missing = await client.GetAsync("console/nope.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<script src=\"/console/app.js\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", string.Join(' ', page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("EventSource", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task BasicAndBearer_StillWorkUnchanged_MetricsHistoryAnswers()
    {
        using var basic = _host.Client();

        var put = await basic.PutAsync("api/v1/mailboxes/2@console", ApiAssert.Json("{\"voice\":{\"new\":1}}"));
        var history = await basic.GetAsync("api/v1/metrics/history");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        using var doc = JsonDocument.Parse(await history.Content.ReadAsStringAsync());
        Assert.Equal(10, doc.RootElement.GetProperty("intervalSeconds").GetInt32());
        Assert.Contains(doc.RootElement.GetProperty("series").EnumerateArray(), s => s.GetProperty("chart").GetString() == "HTTP requests/s");
    }

    private HttpClient Cookieless() => new(new HttpClientHandler { UseCookies = false }) { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string cookie, string? csrf)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        if (csrf is not null)
        {
            request.Headers.Add(ConsoleSessions.CsrfHeader, csrf);
        }

        if (method == HttpMethod.Put)
        {
            request.Content = ApiAssert.Json("{\"voice\":{\"new\":1}}");
        }

        return await client.SendAsync(request);
    }
}
