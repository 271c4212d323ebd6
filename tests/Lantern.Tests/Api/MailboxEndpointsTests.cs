using System.Net;
using System.Text;
using System.Text.Json;
using Lantern.Mailboxes;

namespace Lantern.Tests.Api;

public sealed class MailboxEndpointsTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public MailboxEndpointsTests(ApiTestHost host) => _host = host;

    [Fact]
    public async Task Put_FullBody_ReturnsStoredMailboxWithETag()
    {
        using var client = _host.Client();
        var response = await client.PutAsync(
            "api/v1/mailboxes/2000@v1a",
            ApiAssert.Json("{\"voice\":{\"new\":3,\"old\":2,\"urgentNew\":1,\"urgentOld\":0},\"fax\":{\"new\":1}}"));
        var mailbox = await ApiAssert.JsonAsync(response);

        Assert.Equal("2000@v1a", mailbox.GetProperty("id").GetString());
        Assert.Equal("2000", mailbox.GetProperty("mailbox").GetString());
        Assert.Equal("v1a", mailbox.GetProperty("context").GetString());
        Assert.Equal(3, mailbox.GetProperty("counts").GetProperty("voice").GetProperty("new").GetInt32());
        Assert.Equal(1, mailbox.GetProperty("counts").GetProperty("voice").GetProperty("urgentNew").GetInt32());
        Assert.Equal(0, mailbox.GetProperty("counts").GetProperty("fax").GetProperty("old").GetInt32());
        Assert.False(mailbox.GetProperty("counts").TryGetProperty("pager", out _));
        Assert.True(mailbox.GetProperty("waiting").GetBoolean());
        Assert.Equal("api", mailbox.GetProperty("source").GetString());
        Assert.False(mailbox.GetProperty("publicationLapsed").GetBoolean());
        var version = mailbox.GetProperty("version").GetInt64();
        Assert.Equal($"\"{version}\"", response.Headers.ETag?.Tag);

        var get = await client.GetAsync("api/v1/mailboxes/2000@v1a");
        var again = await ApiAssert.JsonAsync(get);
        Assert.Equal(version, again.GetProperty("version").GetInt64());
        Assert.Equal($"\"{version}\"", get.Headers.ETag?.Tag);
        Assert.True(again.TryGetProperty("updatedAt", out _));
    }

    [Fact]
    public async Task Put_IfMatch_MismatchIs412AndMatchApplies()
    {
        using var client = _host.Client();
        var created = await ApiAssert.JsonAsync(await client.PutAsync("api/v1/mailboxes/2001@v1b", ApiAssert.Json("{\"voice\":{\"new\":1}}")));
        var version = created.GetProperty("version").GetInt64();

        using var stale = new HttpRequestMessage(HttpMethod.Put, "api/v1/mailboxes/2001@v1b") { Content = ApiAssert.Json("{\"voice\":{\"new\":9}}") };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{version + 5}\"");
        await ApiAssert.ProblemAsync(await client.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        Assert.Equal(1, _host.Mailboxes.Find(MailboxId.Parse("2001@v1b"))!.Counts.Voice.New);

        using var fresh = new HttpRequestMessage(HttpMethod.Put, "api/v1/mailboxes/2001@v1b") { Content = ApiAssert.Json("{\"voice\":{\"new\":9}}") };
        fresh.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        var updated = await ApiAssert.JsonAsync(await client.SendAsync(fresh));
        Assert.Equal(version + 1, updated.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Put_MalformedIfMatch_Is400()
    {
        using var client = _host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/mailboxes/2002@v1c") { Content = ApiAssert.Json("{\"voice\":{\"new\":1}}") };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"abc\"");
        await ApiAssert.ProblemAsync(await client.SendAsync(request), HttpStatusCode.BadRequest, "If-Match");
    }

    [Theory]
    [InlineData("{\"voice\":{\"new\":-1}}", "out of range")]
    [InlineData("{\"voice\":{\"new\":1,\"urgentNew\":2}}", "urgentNew")]
    [InlineData("{\"voice\":{\"new\":2147483648}}", "out of range")]
    [InlineData("{\"voice\":{\"new\":1.5}}", "$.voice.new")]
    [InlineData("{\"voice\":{\"new\":\"1\"}}", "$.voice.new")]
    [InlineData("{\"voicemail\":{\"new\":1}}", "voicemail")]
    [InlineData("{\"voice\":{\"neu\":1}}", "neu")]
    [InlineData("{\"voice\":", null)]
    [InlineData("null", "null")]
    public async Task Put_InvalidBody_Is400(string body, string? detail)
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PutAsync("api/v1/mailboxes/2003@v1d", ApiAssert.Json(body)), HttpStatusCode.BadRequest, detail);
        Assert.Null(_host.Mailboxes.Find(MailboxId.Parse("2003@v1d")));
    }

    [Fact]
    public async Task Put_EmptyBody_Is400()
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PutAsync("api/v1/mailboxes/2003@v1d", ApiAssert.Json(string.Empty)), HttpStatusCode.BadRequest, "empty");
    }

    [Fact]
    public async Task Put_NonJsonContentType_Is415()
    {
        using var client = _host.Client();
        var content = new StringContent("new=1", Encoding.UTF8, "text/plain");
        await ApiAssert.ProblemAsync(await client.PutAsync("api/v1/mailboxes/2003@v1d", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Put_ForeignMailbox_Is409NamingOwner()
    {
        await _host.CreateForeignAsync("2004@v1e", 2);
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PutAsync("api/v1/mailboxes/2004@v1e", ApiAssert.Json("{\"voice\":{\"new\":0}}")), HttpStatusCode.Conflict, "peer:oldpbx");
        await ApiAssert.ProblemAsync(await client.PatchAsync("api/v1/mailboxes/2004@v1e", ApiAssert.Json("{\"voice\":{\"newDelta\":-1}}")), HttpStatusCode.Conflict, "peer:oldpbx");
        await ApiAssert.ProblemAsync(await client.DeleteAsync("api/v1/mailboxes/2004@v1e"), HttpStatusCode.Conflict, "peer:oldpbx");
        Assert.Equal(2, _host.Mailboxes.Find(MailboxId.Parse("2004@v1e"))!.Counts.Voice.New);
    }

    [Fact]
    public async Task Patch_MessageRead_MovesNewToOld()
    {
        using var client = _host.Client();
        await ApiAssert.JsonAsync(await client.PutAsync("api/v1/mailboxes/2005@v1f", ApiAssert.Json("{\"voice\":{\"new\":2,\"old\":0}}")));

        var patched = await ApiAssert.JsonAsync(await client.PatchAsync("api/v1/mailboxes/2005@v1f", ApiAssert.Json("{\"voice\":{\"newDelta\":-1,\"oldDelta\":1}}")));

        Assert.Equal(1, patched.GetProperty("counts").GetProperty("voice").GetProperty("new").GetInt32());
        Assert.Equal(1, patched.GetProperty("counts").GetProperty("voice").GetProperty("old").GetInt32());
    }

    [Theory]
    [InlineData("{\"voice\":{\"newDelta\":-5}}")]
    [InlineData("{\"voice\":{\"urgentNewDelta\":3}}")]
    public async Task Patch_NegativeOrBrokenUrgent_Is409AndUnchanged(string body)
    {
        using var client = _host.Client();
        var before = await ApiAssert.JsonAsync(await client.PutAsync("api/v1/mailboxes/2006@v1g", ApiAssert.Json("{\"voice\":{\"new\":2}}")));
        await ApiAssert.ProblemAsync(await client.PatchAsync("api/v1/mailboxes/2006@v1g", ApiAssert.Json(body)), HttpStatusCode.Conflict);
        Assert.Equal(before.GetProperty("version").GetInt64(), _host.Mailboxes.Find(MailboxId.Parse("2006@v1g"))!.Version);
        Assert.Equal(2, _host.Mailboxes.Find(MailboxId.Parse("2006@v1g"))!.Counts.Voice.New);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"voice\":{\"newDelta\":99999999999}}")]
    [InlineData("{\"voice\":{\"new\":1}}")]
    public async Task Patch_BadBody_Is400(string body)
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PatchAsync("api/v1/mailboxes/2007@v1h", ApiAssert.Json(body)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Patch_IfMatchMismatch_Is412()
    {
        using var client = _host.Client();
        var created = await ApiAssert.JsonAsync(await client.PutAsync("api/v1/mailboxes/2008@v1i", ApiAssert.Json("{\"voice\":{\"new\":1}}")));
        using var request = new HttpRequestMessage(HttpMethod.Patch, "api/v1/mailboxes/2008@v1i") { Content = ApiAssert.Json("{\"voice\":{\"newDelta\":1}}") };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{created.GetProperty("version").GetInt64() + 1}\"");
        await ApiAssert.ProblemAsync(await client.SendAsync(request), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task GetAndDelete_UnknownAndInvalid_Are404And400()
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/mailboxes/none@v1j"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await client.DeleteAsync("api/v1/mailboxes/none@v1j"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/mailboxes/bad%20id"), HttpStatusCode.BadRequest, "invalid mailbox id");
    }

    [Fact]
    public async Task Delete_Existing_Is204()
    {
        using var client = _host.Client();
        await ApiAssert.JsonAsync(await client.PutAsync("api/v1/mailboxes/2009@v1k", ApiAssert.Json("{\"voice\":{\"new\":1}}")));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("api/v1/mailboxes/2009@v1k")).StatusCode);
        Assert.Null(_host.Mailboxes.Find(MailboxId.Parse("2009@v1k")));
    }

    [Fact]
    public async Task List_FiltersAndPagesWithCursor()
    {
        using var client = _host.Client();
        for (var i = 0; i < 5; i++)
        {
            var body = i % 2 == 0 ? "{\"voice\":{\"new\":1}}" : "{\"voice\":{\"old\":1}}";
            await ApiAssert.JsonAsync(await client.PutAsync($"api/v1/mailboxes/30{i}@pages", ApiAssert.Json(body)));
        }

        var seen = new List<string>();
        string? after = null;
        for (var page = 0; page < 10; page++)
        {
            var url = "api/v1/mailboxes?context=pages&limit=2" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after));
            var list = await ApiAssert.JsonAsync(await client.GetAsync(url));
            var items = list.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
            Assert.True(items.Count <= 2);
            seen.AddRange(items);
            after = list.GetProperty("next").ValueKind == JsonValueKind.Null ? null : list.GetProperty("next").GetString();
            if (after is null)
            {
                break;
            }
        }

        Assert.Equal(["300@pages", "301@pages", "302@pages", "303@pages", "304@pages"], seen);

        var waiting = await ApiAssert.JsonAsync(await client.GetAsync("api/v1/mailboxes?context=pages&waiting=true"));
        Assert.Equal(3, waiting.GetProperty("items").GetArrayLength());
        var like = await ApiAssert.JsonAsync(await client.GetAsync("api/v1/mailboxes?like=" + Uri.EscapeDataString("^30[34]@pages$")));
        Assert.Equal(2, like.GetProperty("items").GetArrayLength());
        var prefix = await ApiAssert.JsonAsync(await client.GetAsync("api/v1/mailboxes?prefix=302&source=api"));
        Assert.Equal("302@pages", prefix.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=abc")]
    [InlineData("waiting=maybe")]
    [InlineData("source=nobody")]
    [InlineData("context=bad%20ctx")]
    [InlineData("like=%28unclosed")]
    [InlineData("like=%28a%29%5C1")]
    public async Task List_BadQuery_Is400(string query)
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/mailboxes?" + query), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DeleteWhere_LikeAndAll_ReturnCountAndSkipForeign()
    {
        using var client = _host.Client();
        for (var i = 0; i < 3; i++)
        {
            await ApiAssert.JsonAsync(await client.PutAsync($"api/v1/mailboxes/40{i}@bulk", ApiAssert.Json("{\"voice\":{\"new\":1}}")));
        }

        await _host.CreateForeignAsync("409@bulk", 1);
        var deleted = await ApiAssert.JsonAsync(await client.PostAsync("api/v1/mailboxes:delete", ApiAssert.Json("{\"like\":\"^40[01]@bulk$\"}")));
        Assert.Equal(2, deleted.GetProperty("deleted").GetInt32());
        Assert.NotNull(_host.Mailboxes.Find(MailboxId.Parse("402@bulk")));

        var rest = await ApiAssert.JsonAsync(await client.PostAsync("api/v1/mailboxes:delete", ApiAssert.Json("{\"like\":\"@bulk$\"}")));
        Assert.Equal(1, rest.GetProperty("deleted").GetInt32());
        Assert.NotNull(_host.Mailboxes.Find(MailboxId.Parse("409@bulk")));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"like\":\"a\",\"all\":true}")]
    [InlineData("{\"all\":false}")]
    [InlineData("{\"like\":\"(\"}")]
    [InlineData("{\"like\":\"(?=a)b\"}")]
    [InlineData("{\"like\":\"\"}")]
    public async Task DeleteWhere_BadBody_Is400(string body)
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PostAsync("api/v1/mailboxes:delete", ApiAssert.Json(body)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Batch_AllGood_AppliesEveryItem()
    {
        using var client = _host.Client();
        var items = string.Join(",", Enumerable.Range(0, 50).Select(i => $"{{\"id\":\"5{i:000}@batch\",\"counts\":{{\"voice\":{{\"new\":{i}}}}}}}"));
        var result = await ApiAssert.JsonAsync(await client.PostAsync("api/v1/mailboxes:batch", ApiAssert.Json($"{{\"items\":[{items}]}}")));
        Assert.Equal(50, result.GetProperty("applied").GetInt32());
        Assert.Equal(49, _host.Mailboxes.Find(MailboxId.Parse("5049@batch"))!.Counts.Voice.New);
    }

    [Fact]
    public async Task Batch_OneBadItem_RejectsWholeBatchListingIndexes()
    {
        using var client = _host.Client();
        var body = "{\"items\":[" +
            "{\"id\":\"600@batch2\",\"counts\":{\"voice\":{\"new\":1}}}," +
            "{\"id\":\"bad id\",\"counts\":{\"voice\":{\"new\":1}}}," +
            "{\"id\":\"602@batch2\",\"counts\":{\"voice\":{\"new\":1,\"urgentNew\":3}}}]}";
        var problem = await ApiAssert.ProblemAsync(await client.PostAsync("api/v1/mailboxes:batch", ApiAssert.Json(body)), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([1, 2], errors.Select(e => e.GetProperty("index").GetInt32()));
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("reason").GetString())));
        Assert.Null(_host.Mailboxes.Find(MailboxId.Parse("600@batch2")));
    }

    [Fact]
    public async Task Batch_ForeignItem_Is409AndAtomic()
    {
        await _host.CreateForeignAsync("701@batch3", 1);
        using var client = _host.Client();
        var body = "{\"items\":[{\"id\":\"700@batch3\",\"counts\":{\"voice\":{\"new\":1}}},{\"id\":\"701@batch3\",\"counts\":{\"voice\":{\"new\":5}}}]}";
        var problem = await ApiAssert.ProblemAsync(await client.PostAsync("api/v1/mailboxes:batch", ApiAssert.Json(body)), HttpStatusCode.Conflict);
        Assert.Equal(1, problem.GetProperty("errors")[0].GetProperty("index").GetInt32());
        Assert.Null(_host.Mailboxes.Find(MailboxId.Parse("700@batch3")));
        Assert.Equal(1, _host.Mailboxes.Find(MailboxId.Parse("701@batch3"))!.Counts.Voice.New);
    }

    [Theory]
    [InlineData("{\"items\":[]}")]
    [InlineData("{}")]
    [InlineData("{\"items\":[null]}")]
    public async Task Batch_EmptyOrNullItems_Is400(string body)
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PostAsync("api/v1/mailboxes:batch", ApiAssert.Json(body)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Batch_TooManyItems_Is400()
    {
        using var client = _host.Client();
        var items = string.Join(",", Enumerable.Range(0, 10_001).Select(i => $"{{\"id\":\"{i}@big\",\"counts\":{{}}}}"));
        await ApiAssert.ProblemAsync(await client.PostAsync("api/v1/mailboxes:batch", ApiAssert.Json($"{{\"items\":[{items}]}}")), HttpStatusCode.BadRequest, "10000");
    }
}
