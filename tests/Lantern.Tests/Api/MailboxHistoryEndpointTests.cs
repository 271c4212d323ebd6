using System.Net;
using System.Net.Http.Headers;
using Lantern.Mailboxes;

namespace Lantern.Tests.Api;

public sealed class MailboxHistoryEndpointTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public MailboxHistoryEndpointTests(ApiTestHost host) => _host = host;

    [Fact]
    public async Task History_AfterApiWritesByUserAndKeyAndAnUpstream_ListsEachWithActorAndCounts()
    {
        using var client = _host.Client();
        using var keyed = _host.Anonymous();
        keyed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiTestHost.ApiKey);
        (await client.PutAsync("api/v1/mailboxes/h1@hist", ApiAssert.Json("{\"voice\":{\"new\":2,\"urgentNew\":1}}"))).EnsureSuccessStatusCode();
        (await keyed.PatchAsync("api/v1/mailboxes/h1@hist", ApiAssert.Json("{\"voice\":{\"newDelta\":-1,\"oldDelta\":1,\"urgentNewDelta\":-1}}"))).EnsureSuccessStatusCode();
        (await client.DeleteAsync("api/v1/mailboxes/h1@hist")).EnsureSuccessStatusCode();
        await _host.CreateForeignAsync("h2@hist", 4);

        var history = await ApiAssert.JsonAsync(await client.GetAsync("api/v1/mailboxes/h1@hist/history"));

        Assert.False(history.GetProperty("exists").GetBoolean());
        Assert.Equal(MailboxHistoryEntry.Limit, history.GetProperty("limit").GetInt32());
        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["deleted", "updated", "created"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.Equal(["api:admin", "api:key#1", "api:admin"], items.Select(i => i.GetProperty("actor").GetString()));
        Assert.All(items, i => Assert.Equal("api", i.GetProperty("source").GetString()));
        Assert.False(items[2].TryGetProperty("oldCounts", out _));
        Assert.Equal(2, items[2].GetProperty("newCounts").GetProperty("voice").GetProperty("new").GetInt32());
        Assert.Equal(1, items[1].GetProperty("oldCounts").GetProperty("voice").GetProperty("urgentNew").GetInt32());
        Assert.Equal(1, items[1].GetProperty("newCounts").GetProperty("voice").GetProperty("old").GetInt32());
        Assert.False(items[0].TryGetProperty("newCounts", out _));

        var foreign = await ApiAssert.JsonAsync(await client.GetAsync("api/v1/mailboxes/h2@hist/history"));
        Assert.True(foreign.GetProperty("exists").GetBoolean());
        var only = Assert.Single(foreign.GetProperty("items").EnumerateArray());
        Assert.Equal("peer:oldpbx", only.GetProperty("actor").GetString());
        Assert.Equal("peer:oldpbx", only.GetProperty("source").GetString());
    }

    [Fact]
    public async Task History_UnknownMailbox_Is404AndBadId400()
    {
        using var client = _host.Client();

        var missing = await client.GetAsync("api/v1/mailboxes/never@hist/history");
        var bad = await client.GetAsync("api/v1/mailboxes/" + Uri.EscapeDataString("a@b@c") + "/history");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no recorded history", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task History_WithoutCredentials_Is401()
    {
        using var client = _host.Anonymous();

        var response = await client.GetAsync("api/v1/mailboxes/h1@hist/history");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
