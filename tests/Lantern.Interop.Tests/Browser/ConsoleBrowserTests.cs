using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Browser;

/// <summary>Issue 14: the web console in Debian's Chromium (headless, driven by chromedriver), against the built server.</summary>
public sealed class ConsoleBrowserTests : IClassFixture<ConsoleFixture>
{
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(15);
    private readonly ConsoleFixture _fixture;

    public ConsoleBrowserTests(ConsoleFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Login_WrongPasswordIsRefused_RightOneOpensTheConsole_LogoutEndsTheSession()
    {
        await using var browser = await _fixture.Driver.NewSessionAsync();
        await browser.NavigateAsync(_fixture.BaseUrl);
        await browser.WaitForAsync("!document.querySelector('#page-login').hidden", PageTimeout, "login page");
        await browser.ScreenshotAsync(Path.Combine(ConsoleFixture.ScreenshotDirectory, "console-login.png"));

        await browser.TypeAsync("#login-user", "admin");
        await browser.TypeAsync("#login-password", "wrong");
        await browser.ClickAsync("#login-submit");
        await browser.WaitForAsync("document.querySelector('#login-error').textContent.includes('user name or password is wrong')", PageTimeout, "refused login");

        await LoginAsync(browser);
        Assert.Equal("admin", await browser.TextAsync("#whoami"));
        // HttpOnly: the page's scripts cannot read the session cookie.
        Assert.Equal("false", (await browser.ExecuteAsync("return String(document.cookie.includes('lantern_session'));"))!.GetValue<string>());

        await browser.ClickAsync("#logout");
        await browser.WaitForAsync("!document.querySelector('#page-login').hidden && document.querySelector('#top').hidden", PageTimeout, "login page after logout");
        var status = await FetchStatusAsync(browser, "GET", "/api/v1/mailboxes", csrf: false);
        Assert.Equal(401, status);
        await browser.NavigateAsync(_fixture.BaseUrl);
        await browser.WaitForAsync("!document.querySelector('#page-login').hidden", PageTimeout, "login page after reload");
    }

    [Fact]
    public async Task RestChange_TurnsTheLampOnInTheOpenPage_WithinASecond_WithoutReload()
    {
        using var http = _fixture.Server.CreateAdminClient();
        await PutAsync(http, "5000@live", """{"voice":{"new":0,"old":1}}""");
        await using var browser = await _fixture.Driver.NewSessionAsync();
        await browser.NavigateAsync(_fixture.BaseUrl + "#mailboxes");
        await LoginAsync(browser);
        await SearchAsync(browser, "@live");
        await browser.WaitForAsync("document.querySelector('#mb-table tr[data-id=\"5000@live\"] .lamp:not(.on)')", PageTimeout, "mailbox row with the lamp off");
        await browser.WaitForAsync("document.querySelector('#live.on')", PageTimeout, "the change feed connected");
        await browser.ExecuteAsync("window.__notReloaded = true;");

        await PutAsync(http, "5000@live", """{"voice":{"new":2,"old":1,"urgentNew":1}}""");
        var took = await browser.WaitForAsync("document.querySelector('#mb-table tr[data-id=\"5000@live\"] .lamp.on')", TimeSpan.FromSeconds(5), "lamp on");

        Assert.True(took < TimeSpan.FromSeconds(1), $"the lamp went on after {took.TotalMilliseconds:0} ms");
        Assert.True((await browser.ExecuteAsync("return window.__notReloaded === true;"))!.GetValue<bool>());
        Assert.Equal("2/1", await browser.TextAsync("#mb-table tr[data-id=\"5000@live\"] .voice"));
        Assert.Equal("1/0", await browser.TextAsync("#mb-table tr[data-id=\"5000@live\"] .urgent"));
        await browser.ScreenshotAsync(Path.Combine(ConsoleFixture.ScreenshotDirectory, "console-mailboxes.png"));

        await browser.NavigateAsync(_fixture.BaseUrl + "#history/5000@live");
        await browser.WaitForAsync("document.querySelectorAll('#history-table tbody tr').length === 2", PageTimeout, "two history rows");
        Assert.Equal("updated", await browser.TextAsync("#history-table tbody tr:first-child .kind"));
        Assert.Equal("api:admin", await browser.TextAsync("#history-table tbody tr:first-child .actor"));
        Assert.Equal("voice 2/1 !1/0", await browser.TextAsync("#history-table tbody tr:first-child .after"));
        await browser.ScreenshotAsync(Path.Combine(ConsoleFixture.ScreenshotDirectory, "console-history.png"));
    }

    [Fact]
    public async Task EditCounts_FromThePage_AreStored_AndARefusedWriteShowsTheServersReason()
    {
        using var http = _fixture.Server.CreateAdminClient();
        await PutAsync(http, "6000@edit", """{"voice":{"new":0}}""");
        await using var browser = await _fixture.Driver.NewSessionAsync();
        await browser.NavigateAsync(_fixture.BaseUrl);
        await LoginAsync(browser);
        await SearchAsync(browser, "@edit");
        await browser.WaitForAsync("document.querySelectorAll('#mb-table tbody tr').length === 1 && document.querySelector('#mb-table tr[data-id=\"6000@edit\"] button.edit')", PageTimeout, "edit button");

        await browser.ClickAsync("#mb-table tr[data-id=\"6000@edit\"] button.edit");
        await browser.WaitForAsync("document.querySelector('.edit-row .e-new')", PageTimeout, "the edit form");
        await browser.TypeAsync(".edit-row .e-new", "3");
        await browser.TypeAsync(".edit-row .e-old", "4");
        await browser.ClickAsync(".edit-row button.save");
        await browser.WaitForAsync("document.querySelector('#mb-table tr[data-id=\"6000@edit\"] .voice').textContent === '3/4' && !document.querySelector('.edit-row')", PageTimeout, "saved counts");

        var stored = await http.GetFromJsonAsync<JsonObject>(new Uri("api/v1/mailboxes/6000@edit", UriKind.Relative));
        Assert.Equal(3, stored!["counts"]!["voice"]!["new"]!.GetValue<int>());
        Assert.Equal(4, stored["counts"]!["voice"]!["old"]!.GetValue<int>());
        var history = await http.GetFromJsonAsync<JsonObject>(new Uri("api/v1/mailboxes/6000@edit/history", UriKind.Relative));
        Assert.Equal("console:admin", history!["items"]![0]!["actor"]!.GetValue<string>());

        await browser.ClickAsync("#mb-table tr[data-id=\"6000@edit\"] button.edit");
        await browser.WaitForAsync("document.querySelector('.edit-row .e-urgent-new')", PageTimeout, "the edit form again");
        await browser.TypeAsync(".edit-row .e-urgent-new", "9");
        await browser.ClickAsync(".edit-row button.save");
        await browser.WaitForAsync("!document.querySelector('#banner').hidden", PageTimeout, "refusal banner");
        Assert.Contains("urgentNew (9) must not exceed new (3)", await browser.TextAsync("#banner"), StringComparison.Ordinal);
        Assert.Contains("urgentNew (9) must not exceed new (3)", await browser.TextAsync(".edit-row .edit-error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamError_AppearsOnTheUpstreamsPage_FailingFirst()
    {
        await using var browser = await _fixture.Driver.NewSessionAsync();
        await browser.NavigateAsync(_fixture.BaseUrl + "#upstreams");
        await LoginAsync(browser);

        await browser.WaitForAsync(
            "(() => { const r = document.querySelector('#up-table tbody tr:first-child'); return r && r.dataset.name === 'prov' && r.classList.contains('failing') && r.querySelector('.last-error').textContent.length > 0; })()",
            TimeSpan.FromSeconds(20), "the upstream's error");

        Assert.NotEqual("active", await browser.TextAsync("#up-table tr[data-name=\"prov\"] .state"));
        await browser.ScreenshotAsync(Path.Combine(ConsoleFixture.ScreenshotDirectory, "console-upstreams.png"));
    }

    [Fact]
    public async Task WriteWithoutTheCsrfToken_IsRefused_WithItTheSameWriteIsApplied()
    {
        await using var browser = await _fixture.Driver.NewSessionAsync();
        await browser.NavigateAsync(_fixture.BaseUrl);
        await LoginAsync(browser);

        var without = await FetchAsync(browser, "PUT", "/api/v1/mailboxes/8000@csrf", csrf: false);
        var wrong = await FetchAsync(browser, "PUT", "/api/v1/mailboxes/8000@csrf", csrf: false, token: "0000");
        var with = await FetchAsync(browser, "PUT", "/api/v1/mailboxes/8000@csrf", csrf: true);

        Assert.Equal(403, without.Status);
        Assert.Contains("X-CSRF-Token header is missing or does not match", without.Body, StringComparison.Ordinal);
        Assert.Equal(403, wrong.Status);
        Assert.Equal(200, with.Status);
        using var http = _fixture.Server.CreateAdminClient();
        var history = await http.GetFromJsonAsync<JsonObject>(new Uri("api/v1/mailboxes/8000@csrf/history", UriKind.Relative));
        Assert.Single(history!["items"]!.AsArray());
    }

    [Fact]
    public async Task ReadOnlyUser_SeesNoWriteActions_AndTheServerRefusesItsWrites()
    {
        using var http = _fixture.Server.CreateAdminClient();
        await PutAsync(http, "9000@ro", """{"voice":{"new":1}}""");
        await using var browser = await _fixture.Driver.NewSessionAsync();
        await browser.NavigateAsync(_fixture.BaseUrl);
        await LoginAsync(browser, "viewer", "look");
        await SearchAsync(browser, "@ro");
        await browser.WaitForAsync("document.querySelector('#mb-table tr[data-id=\"9000@ro\"]')", PageTimeout, "mailbox row");

        Assert.False((await browser.ExecuteAsync("return !!document.querySelector('#mb-table button.edit');"))!.GetValue<bool>());
        var write = await FetchAsync(browser, "DELETE", "/api/v1/mailboxes/9000@ro", csrf: true);
        Assert.Equal(403, write.Status);
        Assert.Contains("user viewer is read-only", write.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointsAndHealthPages_ShowTheEndpointAndReadiness_NotifyNowReportsNobodyToNotify()
    {
        await using var browser = await _fixture.Driver.NewSessionAsync();
        await browser.NavigateAsync(_fixture.BaseUrl + "#endpoints/1001");
        await LoginAsync(browser);
        await browser.WaitForAsync("!document.querySelector('#ep-detail').hidden && document.querySelector('#ep-id').textContent === '1001'", PageTimeout, "endpoint detail");

        await browser.ClickAsync("#ep-notify");
        await browser.WaitForAsync("!document.querySelector('#ep-outcomes').hidden", PageTimeout, "notify outcomes");
        Assert.Contains("Nothing to send to", await browser.TextAsync("#ep-outcomes"), StringComparison.Ordinal);
        await browser.ScreenshotAsync(Path.Combine(ConsoleFixture.ScreenshotDirectory, "console-endpoints.png"));

        await browser.NavigateAsync(_fixture.BaseUrl + "#health");
        await browser.WaitForAsync("document.querySelector('#health-ready').textContent === 'ready' && document.querySelectorAll('#charts .chart svg').length >= 4", PageTimeout, "health page");
        await browser.ScreenshotAsync(Path.Combine(ConsoleFixture.ScreenshotDirectory, "console-health.png"));
    }

    private static async Task LoginAsync(BrowserSession browser, string user = "admin", string password = "pw")
    {
        await browser.WaitForAsync("!document.querySelector('#page-login').hidden", PageTimeout, "login page");
        await browser.TypeAsync("#login-user", user);
        await browser.TypeAsync("#login-password", password);
        await browser.ClickAsync("#login-submit");
        await browser.WaitForAsync("!document.querySelector('#top').hidden", PageTimeout, "the console after login");
    }

    /// <summary>Types a search and waits until the page shows that search's answer (no keystroke's request pending).</summary>
    private static async Task SearchAsync(BrowserSession browser, string text)
    {
        await browser.TypeAsync("#mb-search", text);
        await browser.WaitForAsync("state.pending === 0 && document.querySelector('#mb-search').value === " + System.Text.Json.JsonSerializer.Serialize(text), PageTimeout, "search " + text);
    }

    private static async Task PutAsync(HttpClient http, string id, string json)
    {
        using var response = await http.PutAsync(new Uri("api/v1/mailboxes/" + id, UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {id}: {(int)response.StatusCode}");
    }

    private static async Task<int> FetchStatusAsync(BrowserSession browser, string method, string path, bool csrf) =>
        (await FetchAsync(browser, method, path, csrf)).Status;

    /// <summary>A request from the page itself (so with its session cookie), with or without the console's CSRF token.</summary>
    private static async Task<(int Status, string Body)> FetchAsync(BrowserSession browser, string method, string path, bool csrf, string? token = null)
    {
        var script = $$"""
            const done = arguments[arguments.length - 1];
            const headers = { 'Content-Type': 'application/json', 'X-Lantern-Console': '1' };
            {{(csrf ? "headers['X-CSRF-Token'] = state.session.csrfToken;" : token is null ? string.Empty : $"headers['X-CSRF-Token'] = '{token}';")}}
            fetch('{{path}}', { method: '{{method}}', headers, credentials: 'same-origin', body: {{(method == "PUT" ? "JSON.stringify({ voice: { new: 1 } })" : "undefined")}} })
              .then(async r => done({ status: r.status, body: await r.text() }), e => done({ status: -1, body: String(e) }));
            """;
        var result = await browser.ExecuteAsyncScriptAsync(script);
        return (result!["status"]!.GetValue<int>(), result["body"]!.GetValue<string>());
    }
}
