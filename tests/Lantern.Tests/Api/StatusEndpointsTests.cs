using System.Net;
using System.Text.Json;

namespace Lantern.Tests.Api;

public sealed class StatusEndpointsTests : IClassFixture<StatusApiFixture>
{
    private static readonly string[] Routes =
        ["api/v1/endpoints", "api/v1/endpoints/1000", "api/v1/endpoints/2000", "api/v1/subscriptions", "api/v1/registrations", "api/v1/upstreams", "api/v1/peers"];

    private readonly StatusApiFixture _fixture;

    public StatusEndpointsTests(StatusApiFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task ListEndpoints_ReturnsEveryEndpointWithConfigSummary()
    {
        using var client = _fixture.Host.Client();
        var items = (await ApiAssert.JsonAsync(await client.GetAsync("api/v1/endpoints"))).GetProperty("items");

        Assert.Equal(["1000", "2000"], items.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        var acl = items[1];
        Assert.Equal("acl", acl.GetProperty("authentication").GetString());
        Assert.Equal(["2000@default", "2001@default"], acl.GetProperty("mailboxes").EnumerateArray().Select(m => m.GetString()));
        Assert.True(acl.GetProperty("aggregate").GetBoolean());
        Assert.True(acl.GetProperty("omitUrgent").GetBoolean());
        Assert.Equal("192.0.2.0/24", acl.GetProperty("permit")[0].GetString());
        Assert.False(acl.TryGetProperty("lastNotify", out _));
        Assert.False(acl.TryGetProperty("voicemailExtension", out _));
    }

    [Fact]
    public async Task GetEndpoint_Known_ReturnsContactsSubscriptionsAndLastNotify()
    {
        using var client = _fixture.Host.Client();
        var e = await ApiAssert.JsonAsync(await client.GetAsync("api/v1/endpoints/1000"));

        Assert.Equal("digest", e.GetProperty("authentication").GetString());
        Assert.Equal("*97", e.GetProperty("voicemailExtension").GetString());
        Assert.True(e.GetProperty("subscribeReplacesUnsolicited").GetBoolean());
        var contact = e.GetProperty("contacts")[0];
        Assert.Equal("sip:1000@192.0.2.7:5060", contact.GetProperty("contact").GetString());
        Assert.Equal("register", contact.GetProperty("origin").GetString());
        Assert.Equal("Yealink T46U", contact.GetProperty("userAgent").GetString());
        Assert.Equal("408 Request Timeout", contact.GetProperty("lastNotifyFailure").GetString());
        var subscription = e.GetProperty("subscriptions")[0];
        Assert.Equal(7, subscription.GetProperty("id").GetInt64());
        Assert.Equal("call-7@192.0.2.7", subscription.GetProperty("callId").GetString());
        Assert.Equal("200 OK", subscription.GetProperty("lastResult").GetString());

        // The unsolicited failure at T0+3m is later than the subscription's NOTIFY at T0+2m.
        var last = e.GetProperty("lastNotify");
        Assert.Equal(FakeEndpointStatus.T0.AddMinutes(3), last.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("unsolicited", last.GetProperty("kind").GetString());
        Assert.Equal("408 Request Timeout", last.GetProperty("result").GetString());
        Assert.False(last.GetProperty("succeeded").GetBoolean());
    }

    [Fact]
    public async Task GetEndpoint_Unknown_Is404NamingIt()
    {
        using var client = _fixture.Host.Client();
        await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/endpoints/ghost"), HttpStatusCode.NotFound, "\"ghost\"");
    }

    [Fact]
    public async Task GetEndpoint_TooLongId_Is400()
    {
        using var client = _fixture.Host.Client();
        await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/endpoints/" + new string('a', 300)), HttpStatusCode.BadRequest, "longer than 256");
    }

    [Fact]
    public async Task ListSubscriptions_ReturnsPhoneAndTrustedSubscriptions()
    {
        using var client = _fixture.Host.Client();
        var items = (await ApiAssert.JsonAsync(await client.GetAsync("api/v1/subscriptions"))).GetProperty("items");

        Assert.Equal(2, items.GetArrayLength());
        Assert.Equal("1000", items[0].GetProperty("endpointId").GetString());
        Assert.Equal("active", items[0].GetProperty("state").GetString());
        Assert.Equal("udp 192.0.2.7:5060", items[0].GetProperty("remote").GetString());
        Assert.Equal(FakeEndpointStatus.T0.AddHours(1), items[0].GetProperty("expiresAt").GetDateTimeOffset());
        Assert.True(items[1].GetProperty("trusted").GetBoolean());
        Assert.False(items[1].TryGetProperty("endpointId", out _));
        Assert.False(items[1].TryGetProperty("lastResult", out _));
    }

    [Fact]
    public async Task ListRegistrations_ReturnsBindings()
    {
        using var client = _fixture.Host.Client();
        var items = (await ApiAssert.JsonAsync(await client.GetAsync("api/v1/registrations"))).GetProperty("items");

        var first = items[0];
        Assert.Equal("1000", first.GetProperty("endpointId").GetString());
        Assert.Equal(FakeEndpointStatus.T0.AddHours(1), first.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(FakeEndpointStatus.T0.AddMinutes(1), first.GetProperty("lastNotifySuccessAt").GetDateTimeOffset());
        Assert.Equal(0, first.GetProperty("path").GetArrayLength());
    }

    [Fact]
    public async Task ListUpstreams_ShowsStatusFieldsAndStateNames()
    {
        using var client = _fixture.Host.Client();
        var items = (await ApiAssert.JsonAsync(await client.GetAsync("api/v1/upstreams"))).GetProperty("items");

        var carrier = items[0];
        Assert.Equal("carrier", carrier.GetProperty("name").GetString());
        Assert.Equal("failed-auth", carrier.GetProperty("state").GetString());
        Assert.Equal("sip:1234@provider.example.com:5070", carrier.GetProperty("target").GetString());
        Assert.Equal("tls", carrier.GetProperty("transport").GetString());
        Assert.Equal(3, carrier.GetProperty("failures").GetInt32());
        Assert.StartsWith("403 Forbidden", carrier.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(FakeEndpointStatus.T0.AddSeconds(40), carrier.GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.False(carrier.TryGetProperty("grantedExpires", out _));

        var office = items[1];
        Assert.Equal("active", office.GetProperty("state").GetString());
        Assert.Equal(3600, office.GetProperty("grantedExpires").GetInt32());
        Assert.Equal(FakeEndpointStatus.T0.AddMinutes(5), office.GetProperty("lastNotifyAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task ListPeers_ShowsPeer()
    {
        using var client = _fixture.Host.Client();
        var peer = (await ApiAssert.JsonAsync(await client.GetAsync("api/v1/peers"))).GetProperty("items")[0];

        Assert.Equal("oldpbx", peer.GetProperty("name").GetString());
        Assert.Equal(2, peer.GetProperty("match").GetArrayLength());
        Assert.Equal("198.51.100.5/32", peer.GetProperty("networks")[0].GetString());
        Assert.Equal("500@default", peer.GetProperty("mailbox").GetString());
        Assert.True(peer.GetProperty("authenticated").GetBoolean());
        Assert.Equal(17, peer.GetProperty("accepted").GetInt64());
        Assert.Equal(2, peer.GetProperty("refused").GetInt64());
    }

    [Fact]
    public async Task EveryRoute_NeverShowsSecrets()
    {
        using var client = _fixture.Host.Client();
        foreach (var route in Routes)
        {
            var response = await client.GetAsync(route);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, route + ": " + body);
            Assert.DoesNotContain(FakeUpstreamStatusSource.Secret, body, StringComparison.Ordinal);
            using var document = JsonDocument.Parse(body);
            AssertNoSecretNames(document.RootElement, route);
        }
    }

    [Fact]
    public async Task EveryRoute_RequiresAuthentication()
    {
        using var client = _fixture.Host.Anonymous();
        foreach (var route in Routes)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(route)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PutAsync("api/v1/endpoints/1000/contacts", ApiAssert.Json("{\"contacts\":[]}"))).StatusCode);
    }

    [Fact]
    public async Task PutContacts_Valid_ReplacesApiContactsAndReturnsAll()
    {
        using var client = _fixture.Host.Client();
        var body = await ApiAssert.JsonAsync(await client.PutAsync(
            "api/v1/endpoints/2000/contacts",
            ApiAssert.Json("{\"contacts\":[{\"uri\":\"sip:2000@192.0.2.9:5060\",\"expiresSeconds\":600},{\"uri\":\"sips:2000@192.0.2.10\"}]}")));

        Assert.Equal("2000", body.GetProperty("endpointId").GetString());
        var contacts = body.GetProperty("contacts");
        Assert.Equal(3, contacts.GetArrayLength());
        Assert.Equal("api", contacts[1].GetProperty("origin").GetString());
        Assert.Equal(FakeEndpointStatus.T0.AddSeconds(600), contacts[1].GetProperty("expiresAt").GetDateTimeOffset());
        Assert.False(contacts[2].TryGetProperty("expiresAt", out _));

        var set = _fixture.Endpoints.LastSet!;
        Assert.Equal(2, set.Count);
        Assert.Equal(("sip:2000@192.0.2.9:5060", (int?)600), (set[0].Uri, set[0].ExpiresSeconds));
        Assert.Null(set[1].ExpiresSeconds);
    }

    [Theory]
    [InlineData("{}", "contacts is missing")]
    [InlineData("{\"contacts\":null}", "contacts is missing")]
    [InlineData("{\"contacts\":[null]}", "contacts[0]: contact is null")]
    [InlineData("{\"contacts\":[{\"uri\":\"sip:a@b\"},{\"expiresSeconds\":5}]}", "contacts[1]: uri is missing")]
    [InlineData("{\"contacts\":[{\"uri\":\"  \"}]}", "uri is missing")]
    [InlineData("{\"contacts\":[{\"uri\":\"sip:a@b\",\"expiresSeconds\":0}]}", "out of range")]
    [InlineData("{\"contacts\":[{\"uri\":\"sip:a@b\",\"expiresSeconds\":99999999999}]}", "out of range")]
    [InlineData("{\"contacts\":[{\"uri\":\"sip:a@b\",\"expires\":5}]}", "expires")]
    [InlineData("{\"contacts\":[{\"uri\":5}]}", "$.contacts[0].uri")]
    [InlineData("[]", null)]
    [InlineData("{\"contacts\":", null)]
    [InlineData("{\"contacts\":[{\"uri\":\"http://example.com\"}]}", "not a sip: or sips: URI")]
    public async Task PutContacts_InvalidBody_Is400AndChangesNothing(string json, string? detail)
    {
        using var client = _fixture.Host.Client();
        var before = _fixture.Endpoints.ListRegistrations();
        await ApiAssert.ProblemAsync(await client.PutAsync("api/v1/endpoints/1000/contacts", ApiAssert.Json(json)), HttpStatusCode.BadRequest, detail);
        Assert.Equal(before, _fixture.Endpoints.ListRegistrations());
    }

    [Fact]
    public async Task PutContacts_BadItems_ListsEachIndex()
    {
        using var client = _fixture.Host.Client();
        var problem = await ApiAssert.ProblemAsync(
            await client.PutAsync("api/v1/endpoints/1000/contacts", ApiAssert.Json("{\"contacts\":[null,{\"uri\":\"sip:ok@x\"},{\"uri\":\"\"}]}")),
            HttpStatusCode.BadRequest);
        Assert.Equal([0, 2], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()));
    }

    [Fact]
    public async Task PutContacts_TooMany_Is400()
    {
        using var client = _fixture.Host.Client();
        var items = string.Join(",", Enumerable.Range(0, 101).Select(i => $"{{\"uri\":\"sip:{i}@192.0.2.1\"}}"));
        await ApiAssert.ProblemAsync(
            await client.PutAsync("api/v1/endpoints/1000/contacts", ApiAssert.Json("{\"contacts\":[" + items + "]}")), HttpStatusCode.BadRequest, "at most 100");
    }

    [Fact]
    public async Task PutContacts_WrongMediaType_Is415()
    {
        using var client = _fixture.Host.Client();
        using var content = new StringContent("contacts", System.Text.Encoding.UTF8, "text/plain");
        await ApiAssert.ProblemAsync(await client.PutAsync("api/v1/endpoints/1000/contacts", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task PutContacts_UnknownEndpoint_Is404()
    {
        using var client = _fixture.Host.Client();
        await ApiAssert.ProblemAsync(
            await client.PutAsync("api/v1/endpoints/ghost/contacts", ApiAssert.Json("{\"contacts\":[]}")), HttpStatusCode.NotFound, "ghost");
    }

    [Fact]
    public async Task PutContacts_TableFull_Is503()
    {
        using var client = _fixture.Host.Client();
        await ApiAssert.ProblemAsync(
            await client.PutAsync("api/v1/endpoints/1000/contacts", ApiAssert.Json("{\"contacts\":[{\"uri\":\"sip:full@192.0.2.1\"}]}")),
            HttpStatusCode.ServiceUnavailable,
            "full");
    }

    [Fact]
    public async Task OpenApi_DescribesStatusRoutesWithSummaries()
    {
        using var client = _fixture.Host.Client();
        var paths = (await ApiAssert.JsonAsync(await client.GetAsync("openapi/v1.json"))).GetProperty("paths");
        foreach (var (path, method) in new[]
        {
            ("/api/v1/endpoints", "get"), ("/api/v1/endpoints/{id}", "get"), ("/api/v1/endpoints/{id}/contacts", "put"),
            ("/api/v1/subscriptions", "get"), ("/api/v1/registrations", "get"), ("/api/v1/upstreams", "get"), ("/api/v1/peers", "get"),
        })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()), path);
            Assert.True(operation.GetProperty("responses").TryGetProperty("503", out _), path);
        }
    }

    private static void AssertNoSecretNames(JsonElement element, string route)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                foreach (var word in new[] { "password", "secret", "ha1", "credential" })
                {
                    Assert.False(property.Name.Contains(word, StringComparison.OrdinalIgnoreCase), $"{route}: property {property.Name}");
                }

                AssertNoSecretNames(property.Value, route);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                AssertNoSecretNames(item, route);
            }
        }
    }
}
