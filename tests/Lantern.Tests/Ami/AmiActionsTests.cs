using Lantern.Mailboxes;

namespace Lantern.Tests.Ami;

public sealed class AmiActionsTests
{
    [Fact]
    public async Task MwiUpdate_ThenMwiGet_ListsCountsWithActionId()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        Assert.Equal("Success", (await client.ActionAsync("Action: MWIUpdate", "Mailbox: 1001", "OldMessages: 2", "NewMessages: 1"))["Response"]);
        Assert.Equal("Success", (await client.ActionAsync("Action: MWIUpdate", "Mailbox: 1002@default", "NewMessages: 5"))["Response"]);

        var start = await client.ActionAsync("Action: MWIGet", "ActionID: g", "Mailbox: 1001");
        Assert.Equal(("Success", "g", "start", "Mailboxes will follow"), (start["Response"], start["ActionID"], start["EventList"], start["Message"]));
        var item = await client.ReadAsync();
        Assert.Equal(("MWIGet", "g", "1001@default", "2", "1"), (item["Event"], item["ActionID"], item["Mailbox"], item["OldMessages"], item["NewMessages"]));
        var done = await client.ReadAsync();
        Assert.Equal(("MWIGetComplete", "g", "Complete", "1"), (done["Event"], done["ActionID"], done["EventList"], done["ListItems"]));
    }

    [Fact]
    public async Task MwiGet_Regex_ListsEveryMatchInIdOrder()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        await AmiServerTests.Set(host, "200@b", 1, 0);
        await AmiServerTests.Set(host, "100@a", 0, 1);
        await AmiServerTests.Set(host, "300@c", 0, 0);
        await client.SendAsync("Action: MWIGet", "ActionID: r", "Mailbox: /^[12]00@/");
        Assert.Equal("start", (await client.ReadAsync())["EventList"]);
        Assert.Equal("100@a", (await client.ReadAsync())["Mailbox"]);
        Assert.Equal("200@b", (await client.ReadAsync())["Mailbox"]);
        Assert.Equal("2", (await client.ReadAsync())["ListItems"]);
    }

    [Fact]
    public async Task MwiGet_UnknownMailbox_EmptyList()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        await client.SendAsync("Action: MWIGet", "Mailbox: 999");
        Assert.Equal("start", (await client.ReadAsync())["EventList"]);
        var done = await client.ReadAsync();
        Assert.Equal(("MWIGetComplete", "0"), (done["Event"], done["ListItems"]));
    }

    [Theory]
    [InlineData("/(/", "Mailbox regex format invalid")]
    [InlineData("/", "Mailbox regex format invalid")]
    [InlineData("10 01", "10 01")]
    [InlineData("", "Missing mailbox parameter")]
    public async Task MwiGet_BadMailbox_ErrorNamesIt(string mailbox, string expected)
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        var reply = await client.ActionAsync("Action: MWIGet", "ActionID: b", "Mailbox: " + mailbox);
        Assert.Equal(("Error", "b"), (reply["Response"], reply["ActionID"]));
        Assert.Contains(expected, reply["Message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OldMessages", "-1")]
    [InlineData("OldMessages", "4294967295")]
    [InlineData("OldMessages", "abc")]
    [InlineData("NewMessages", "-1")]
    [InlineData("NewMessages", "1.5")]
    [InlineData("NewMessages", "+3")]
    [InlineData("NewMessages", "2147483648")]
    public async Task MwiUpdate_BadCount_RefusedNamingTheValue(string key, string value)
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        var reply = await client.ActionAsync("Action: MWIUpdate", "ActionID: c", "Mailbox: 1001", $"{key}: {value}");
        Assert.Equal(("Error", "c", $"Invalid {key}: {value}"), (reply["Response"], reply["ActionID"], reply["Message"]));
        Assert.Null(host.Mailboxes.Find(MailboxId.Parse("1001")));
    }

    [Fact]
    public async Task MwiUpdate_MissingCounts_AreZero()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        await AmiServerTests.Set(host, "1001", 4, 4);
        Assert.Equal("Success", (await client.ActionAsync("Action: MWIUpdate", "Mailbox: 1001"))["Response"]);
        Assert.Equal(MessageCounts.Zero, host.Mailboxes.Find(MailboxId.Parse("1001"))!.Counts.Voice);
    }

    [Fact]
    public async Task MwiUpdate_ClearsVoiceUrgent_KeepsOtherClasses()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        var counts = new MailboxCounts(new MessageCounts(5, 5, 2, 1), Fax: new MessageCounts(1, 0, 0, 0));
        Assert.True((await host.Mailboxes.UpdateAsync(MailboxId.Parse("1001"), MailboxSource.Api, MailboxUpdate.Replace(counts), null, CancellationToken.None)).Succeeded);
        Assert.Equal("Success", (await client.ActionAsync("Action: MWIUpdate", "Mailbox: 1001", "NewMessages: 3", "OldMessages: 1"))["Response"]);
        var stored = host.Mailboxes.Find(MailboxId.Parse("1001"))!.Counts;
        Assert.Equal(new MessageCounts(3, 1, 0, 0), stored.Voice);
        Assert.Equal(new MessageCounts(1, 0, 0, 0), stored.Fax);
    }

    [Fact]
    public async Task MwiUpdate_InvalidMailboxId_ErrorNamesIt()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        var reply = await client.ActionAsync("Action: MWIUpdate", "Mailbox: 10 01@x");
        Assert.Equal("Error", reply["Response"]);
        Assert.Contains("\"10 01@x\"", reply["Message"], StringComparison.Ordinal);
        Assert.Equal("Missing mailbox parameter in request", (await client.ActionAsync("Action: MWIUpdate"))["Message"]);
    }

    [Fact]
    public async Task MwiUpdateAndDelete_OwnedByAnotherSource_ErrorNamesOwner()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        await AmiServerTests.Set(host, "4123@SIP_Remote", 1, 0, MailboxSource.Upstream("prov"));
        var update = await client.ActionAsync("Action: MWIUpdate", "Mailbox: 4123@SIP_Remote", "NewMessages: 0");
        Assert.Equal("Error", update["Response"]);
        Assert.Contains("upstream:prov", update["Message"], StringComparison.Ordinal);
        var delete = await client.ActionAsync("Action: MWIDelete", "Mailbox: 4123@SIP_Remote");
        Assert.Contains("upstream:prov", delete["Message"], StringComparison.Ordinal);
        Assert.Equal(1, host.Mailboxes.Find(MailboxId.Parse("4123@SIP_Remote"))!.Counts.Voice.New);
    }

    [Fact]
    public async Task Writes_ReadOnlyUser_PermissionDenied()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync("reader", events: false);
        await AmiServerTests.Set(host, "1001", 1, 0);
        Assert.Equal("Permission denied", (await client.ActionAsync("Action: MWIUpdate", "Mailbox: 1001", "NewMessages: 0"))["Message"]);
        Assert.Equal("Permission denied", (await client.ActionAsync("Action: MWIDelete", "Mailbox: 1001"))["Message"]);
        Assert.Equal("1", (await client.ActionAsync("Action: MailboxStatus", "Mailbox: 1001"))["Waiting"]);
    }

    [Fact]
    public async Task MwiDelete_ExactAndUnknown_SuccessThenNotFound()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        await AmiServerTests.Set(host, "1001", 1, 0);
        var ok = await client.ActionAsync("Action: MWIDelete", "ActionID: d", "Mailbox: 1001");
        Assert.Equal(("Success", "d"), (ok["Response"], ok["ActionID"]));
        Assert.Null(host.Mailboxes.Find(MailboxId.Parse("1001")));
        var missing = await client.ActionAsync("Action: MWIDelete", "ActionID: d2", "Mailbox: 1001");
        Assert.Equal(("Error", "d2", "Mailbox not found"), (missing["Response"], missing["ActionID"], missing["Message"]));
    }

    [Fact]
    public async Task MwiDelete_Regex_DeletesOnlyMatchesItOwns()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        await AmiServerTests.Set(host, "100@a", 1, 0);
        await AmiServerTests.Set(host, "101@a", 1, 0);
        await AmiServerTests.Set(host, "100@b", 1, 0);
        await AmiServerTests.Set(host, "102@a", 1, 0, MailboxSource.Peer("old"));
        var reply = await client.ActionAsync("Action: MWIDelete", "Mailbox: /@a$/");
        Assert.Equal("Success", reply["Response"]);
        Assert.Null(host.Mailboxes.Find(MailboxId.Parse("100@a")));
        Assert.Null(host.Mailboxes.Find(MailboxId.Parse("101@a")));
        Assert.NotNull(host.Mailboxes.Find(MailboxId.Parse("100@b")));
        Assert.NotNull(host.Mailboxes.Find(MailboxId.Parse("102@a")));
    }

    [Fact]
    public async Task MailboxCountAndStatus_KnownAndUnknown_ReportCounts()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        var counts = new MailboxCounts(new MessageCounts(3, 7, 2, 0));
        Assert.True((await host.Mailboxes.UpdateAsync(MailboxId.Parse("1001"), MailboxSource.Api, MailboxUpdate.Replace(counts), null, CancellationToken.None)).Succeeded);

        var count = await client.ActionAsync("Action: MailboxCount", "ActionID: m", "Mailbox: 1001");
        Assert.Equal(("Success", "m", "1001@default", "2", "3", "7"),
            (count["Response"], count["ActionID"], count["Mailbox"], count["UrgMessages"], count["NewMessages"], count["OldMessages"]));
        var status = await client.ActionAsync("Action: MailboxStatus", "ActionID: s", "Mailbox: 1001");
        Assert.Equal(("Success", "s", "1001@default", "1"), (status["Response"], status["ActionID"], status["Mailbox"], status["Waiting"]));

        var none = await client.ActionAsync("Action: MailboxCount", "Mailbox: 555");
        Assert.Equal(("0", "0", "0"), (none["UrgMessages"], none["NewMessages"], none["OldMessages"]));
        Assert.Equal("0", (await client.ActionAsync("Action: MailboxStatus", "Mailbox: 555"))["Waiting"]);
        Assert.Equal("Error", (await client.ActionAsync("Action: MailboxStatus", "Mailbox: bad id"))["Response"]);
        Assert.Equal("Mailbox not specified", (await client.ActionAsync("Action: MailboxCount"))["Message"]);
    }

    [Fact]
    public async Task MwiGet_OverTheRequestBudget_ErrorNamesTheSetting()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.RegexTimeoutMilliseconds = 1);
        await using var client = await host.LoginAsync(events: false);
        for (var i = 0; i < 5; i++)
        {
            await AmiServerTests.Set(host, $"{i}@x", 1, 0);
        }

        // Every clock reading moves time on 1 ms: the budget is spent after the first ids, however fast each match is.
        host.Time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        var reply = await client.ActionAsync("Action: MWIGet", "ActionID: t", "Mailbox: /x/");
        host.Time.AutoAdvanceAmount = TimeSpan.Zero;
        Assert.Equal(("Error", "t"), (reply["Response"], reply["ActionID"]));
        Assert.Contains("regex took longer than 1 ms over all mailboxes (ami.regexTimeoutMilliseconds)", reply["Message"], StringComparison.Ordinal);
        Assert.Equal("Pong", (await client.ActionAsync("Action: Ping"))["Ping"]);
    }

    [Fact]
    public async Task MwiGet_CatastrophicRegexOver2000Mailboxes_AnsweredInLinearTime()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        var items = new List<MailboxBatchItem>();
        for (var i = 0; i < 2000; i++)
        {
            items.Add(new MailboxBatchItem(MailboxId.Parse($"{100000 + i}@context-{i % 7}"), MailboxUpdate.SetClass(MessageClass.Voice, 1, 0, 0, 0)));
        }

        Assert.True((await host.Mailboxes.UpdateBatchAsync(items, MailboxSource.Api, CancellationToken.None)).Applied);

        // The backtracking engine spent ~1.7 ms per id on this (3.5 CPU-s per request); the linear engine needs microseconds.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await client.SendAsync("Action: MWIGet", "ActionID: c", "Mailbox: /^(.*)(.*)(.*)(.*)(.*)(.*)!/");
        Assert.Equal("start", (await client.ReadAsync())["EventList"]);
        Assert.Equal("0", (await client.ReadAsync())["ListItems"]);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"MWIGet took {elapsed.TotalMilliseconds:F0} ms");
    }

    [Theory]
    [InlineData(@"/^(a+)\1$/")]
    [InlineData("/(?=a)a/")]
    [InlineData("/(?>a+)b/")]
    public async Task MwiGet_RegexThatCannotBeBounded_Refused(string mailbox)
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        var reply = await client.ActionAsync("Action: MWIGet", "ActionID: u", "Mailbox: " + mailbox);
        Assert.Equal(("Error", "u"), (reply["Response"], reply["ActionID"]));
        Assert.Contains("cannot be bounded in time", reply["Message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_Twice_AlreadyAuthenticated_AndLogoffBeforeLoginAllowed()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        var again = await client.ActionAsync("Action: Login", "Username: admin", "Secret: wrong");
        Assert.Equal(("Success", "Already authenticated"), (again["Response"], again["Message"]));
        await using var anonymous = await host.ConnectAsync();
        Assert.Equal("Goodbye", (await anonymous.ActionAsync("Action: Logoff"))["Response"]);
        Assert.True(await anonymous.ClosedAsync());
    }
}
