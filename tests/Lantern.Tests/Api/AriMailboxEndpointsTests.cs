using System.Net;
using Lantern.Mailboxes;

namespace Lantern.Tests.Api;

public sealed class AriMailboxEndpointsTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public AriMailboxEndpointsTests(ApiTestHost host) => _host = host;

    [Fact]
    public async Task Put_QueryCounts_CreatesMailboxAndGetReturnsAriModel()
    {
        using var client = _host.Client();
        var put = await client.PutAsync("ari/mailboxes/1000@ari1?oldMessages=2&newMessages=1", null);
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        var mailbox = await ApiAssert.JsonAsync(await client.GetAsync("ari/mailboxes/1000@ari1"));
        Assert.Equal("1000@ari1", mailbox.GetProperty("name").GetString());
        Assert.Equal(2, mailbox.GetProperty("old_messages").GetInt32());
        Assert.Equal(1, mailbox.GetProperty("new_messages").GetInt32());
        Assert.Equal(3, mailbox.EnumerateObject().Count());
        Assert.Equal(MailboxSource.Api, _host.Mailboxes.Find(MailboxId.Parse("1000@ari1"))!.Source);
    }

    [Fact]
    public async Task Put_JsonBody_SetsCountsAndMissingMeansZero()
    {
        using var client = _host.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("ari/mailboxes/1001@ari2", ApiAssert.Json("{\"newMessages\": 5}"))).StatusCode);
        var counts = _host.Mailboxes.Find(MailboxId.Parse("1001@ari2"))!.Counts.Voice;
        Assert.Equal(new MessageCounts(5, 0, 0, 0), counts);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("ari/mailboxes/1001@ari2", null)).StatusCode);
        Assert.Equal(MessageCounts.Zero, _host.Mailboxes.Find(MailboxId.Parse("1001@ari2"))!.Counts.Voice);
    }

    [Fact]
    public async Task Put_BareName_MeansDefaultContext()
    {
        using var client = _host.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("ari/mailboxes/ari-bare?newMessages=1", null)).StatusCode);
        var mailbox = await ApiAssert.JsonAsync(await client.GetAsync("ari/mailboxes/ari-bare@default"));
        Assert.Equal("ari-bare@default", mailbox.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Put_ClearsVoiceUrgentAndKeepsOtherClasses()
    {
        var id = MailboxId.Parse("1002@ari3");
        var counts = new MailboxCounts(new MessageCounts(3, 1, 2, 1), Fax: new MessageCounts(4, 0, 0, 0));
        Assert.True((await _host.Mailboxes.UpdateAsync(id, MailboxSource.Api, MailboxUpdate.Replace(counts), null, default)).Succeeded);
        using var client = _host.Client();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("ari/mailboxes/1002@ari3?oldMessages=1&newMessages=3", null)).StatusCode);

        var after = _host.Mailboxes.Find(id)!.Counts;
        Assert.Equal(new MessageCounts(3, 1, 0, 0), after.Voice);
        Assert.Equal(new MessageCounts(4, 0, 0, 0), after.Fax);
    }

    [Theory]
    [InlineData("oldMessages=-1", "must not be negative")]
    [InlineData("newMessages=1.5", "non-negative integer")]
    [InlineData("newMessages=abc", "non-negative integer")]
    [InlineData("newMessages=2147483648", "out of range")]
    [InlineData("newMessages=99999999999999999999999", "non-negative integer")]
    public async Task Put_BadCount_Is400NamingIt(string query, string detail)
    {
        using var client = _host.Client();
        var response = await client.PutAsync("ari/mailboxes/1003@ari4?" + query, null);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, detail);
        Assert.Null(_host.Mailboxes.Find(MailboxId.Parse("1003@ari4")));
    }

    [Theory]
    [InlineData("{\"newMessages\": -3}")]
    [InlineData("{\"newMessages\": 1.25}")]
    [InlineData("{\"newMessages\": true}")]
    [InlineData("{\"bogus\": 1}")]
    [InlineData("[1]")]
    [InlineData("{\"newMessages\": ")]
    public async Task Put_BadJsonBody_Is400(string body)
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PutAsync("ari/mailboxes/1004@ari5", ApiAssert.Json(body)), HttpStatusCode.BadRequest);
        Assert.Null(_host.Mailboxes.Find(MailboxId.Parse("1004@ari5")));
    }

    [Theory]
    [InlineData("bad%20name")]
    [InlineData("1000@")]
    [InlineData("a%3Bb")]
    public async Task Put_InvalidName_Is400(string name)
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.PutAsync($"ari/mailboxes/{name}?newMessages=1", null), HttpStatusCode.BadRequest, "invalid mailbox id");
    }

    [Fact]
    public async Task Get_Unknown_Is404()
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.GetAsync("ari/mailboxes/nobody@ari6"), HttpStatusCode.NotFound, "nobody@ari6");
    }

    [Fact]
    public async Task PutAndDelete_ForeignMailbox_Is409AndUnchanged()
    {
        var foreign = await _host.CreateForeignAsync("4123@SIP_Remote", 7);
        using var client = _host.Client();

        await ApiAssert.ProblemAsync(await client.PutAsync("ari/mailboxes/4123@SIP_Remote?newMessages=0", null), HttpStatusCode.Conflict, "peer:oldpbx");
        await ApiAssert.ProblemAsync(await client.DeleteAsync("ari/mailboxes/4123@SIP_Remote"), HttpStatusCode.Conflict, "peer:oldpbx");
        Assert.Equal(foreign, _host.Mailboxes.Find(foreign.Id));
    }

    [Fact]
    public async Task Delete_Existing_Is204ThenUnknownIs404()
    {
        using var client = _host.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("ari/mailboxes/1005@ari7?newMessages=1", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("ari/mailboxes/1005@ari7")).StatusCode);
        await ApiAssert.ProblemAsync(await client.DeleteAsync("ari/mailboxes/1005@ari7"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_ReturnsArrayIncludingCreated()
    {
        using var client = _host.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("ari/mailboxes/1006@ari8?newMessages=4&oldMessages=1", null)).StatusCode);
        var list = await ApiAssert.JsonAsync(await client.GetAsync("ari/mailboxes"));
        Assert.Equal(System.Text.Json.JsonValueKind.Array, list.ValueKind);
        var item = list.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "1006@ari8");
        Assert.Equal(4, item.GetProperty("new_messages").GetInt32());
    }

    [Fact]
    public async Task Put_SpecialCharactersInName_RoundTrip()
    {
        using var client = _host.Client();
        var name = Uri.EscapeDataString("*97#+x.y_z-1@ctx.1");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"ari/mailboxes/{name}?newMessages=1", null)).StatusCode);
        var mailbox = await ApiAssert.JsonAsync(await client.GetAsync($"ari/mailboxes/{name}"));
        Assert.Equal("*97#+x.y_z-1@ctx.1", mailbox.GetProperty("name").GetString());
    }
}
