using Lantern.Mailboxes;

namespace Lantern.Tests.Ami;

public sealed class AmiServerTests
{
    [Fact]
    public async Task Connect_Always_SendsAsteriskBanner()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        Assert.StartsWith("Asterisk Call Manager/", client.Banner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_ValidCredentials_AcceptedThenFullyBooted()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        var reply = await client.ActionAsync("Action: Login", "ActionID: a1", "Username: admin", "Secret: " + AmiTestHost.Secret);
        Assert.Equal("Success", reply["Response"]);
        Assert.Equal("a1", reply["ActionID"]);
        Assert.Equal("Authentication accepted", reply["Message"]);
        Assert.Equal("FullyBooted", (await client.ReadAsync())["Event"]);
    }

    [Theory]
    [InlineData("admin", "wrong")]
    [InlineData("nobody", AmiTestHost.Secret)]
    [InlineData("admin", "")]
    public async Task Login_BadCredentials_AuthenticationFailed(string user, string secret)
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        var reply = await client.ActionAsync("action: login", "actionid: x", "username: " + user, "secret: " + secret);
        Assert.Equal("Error", reply["Response"]);
        Assert.Equal("x", reply["ActionID"]);
        Assert.Equal("Authentication failed", reply["Message"]);
        Assert.Equal("Permission denied", (await client.ActionAsync("Action: Ping"))["Message"]);
    }

    [Fact]
    public async Task Login_TooManyFailures_ClosesConnection()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.MaxLoginFailures = 2);
        await using var client = await host.ConnectAsync();
        Assert.Equal("Authentication failed", (await client.ActionAsync("Action: Login", "Username: admin", "Secret: a"))["Message"]);
        Assert.Equal("Authentication failed", (await client.ActionAsync("Action: Login", "Username: admin", "Secret: b"))["Message"]);
        Assert.True(await client.ClosedAsync());
    }

    [Fact]
    public async Task Login_OverUserLimit_RefusedNamingTheLimit()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.MaxConnectionsPerUser = 1);
        await using var first = await host.LoginAsync();
        await using var second = await host.ConnectAsync();
        var reply = await second.ActionAsync("Action: Login", "Username: admin", "Secret: " + AmiTestHost.Secret);
        Assert.Equal("Error", reply["Response"]);
        Assert.Contains("maxConnectionsPerUser 1", reply["Message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_AfterLogoffAtUserLimit_SlotFreed()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.MaxConnectionsPerUser = 1);
        await using (var first = await host.LoginAsync())
        {
            Assert.Equal("Goodbye", (await first.ActionAsync("Action: Logoff"))["Response"]);
            Assert.True(await first.ClosedAsync());
        }

        await using var second = await host.LoginAsync();
        Assert.Equal("Pong", (await second.ActionAsync("Action: Ping"))["Ping"]);
    }

    [Theory]
    [InlineData("Ping")]
    [InlineData("MWIGet")]
    [InlineData("MWIUpdate")]
    [InlineData("MWIDelete")]
    [InlineData("MailboxCount")]
    [InlineData("Events")]
    [InlineData("NoSuchAction")]
    public async Task Action_BeforeLogin_PermissionDenied(string action)
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        var reply = await client.ActionAsync("Action: " + action, "ActionID: 7", "Mailbox: 1001");
        Assert.Equal("Error", reply["Response"]);
        Assert.Equal("7", reply["ActionID"]);
        Assert.Equal("Permission denied", reply["Message"]);
    }

    [Fact]
    public async Task Packet_WithoutAction_MissingActionError()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        var reply = await client.ActionAsync("ActionID: 9", "Foo: bar");
        Assert.Equal("Error", reply["Response"]);
        Assert.Equal("9", reply["ActionID"]);
        Assert.Equal("Missing action in request", reply["Message"]);
    }

    [Fact]
    public async Task UnknownAction_LoggedIn_InvalidUnknownCommand()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync();
        var reply = await client.ActionAsync("Action: Originate", "ActionID: 3");
        Assert.Equal("Error", reply["Response"]);
        Assert.Equal("3", reply["ActionID"]);
        Assert.Equal("Invalid/unknown command", reply["Message"]);
    }

    [Fact]
    public async Task Ping_LoggedIn_PongWithTimestamp()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync();
        host.Time.Advance(TimeSpan.FromTicks(1234560));
        var reply = await client.ActionAsync("Action: Ping", "ActionID: p");
        Assert.Equal("Success", reply["Response"]);
        Assert.Equal("p", reply["ActionID"]);
        Assert.Equal("Pong", reply["Ping"]);
        var expected = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal($"{expected}.123456", reply["Timestamp"]);
    }

    [Fact]
    public async Task Logoff_Always_GoodbyeThenClose()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync();
        var reply = await client.ActionAsync("Action: Logoff", "ActionID: bye");
        Assert.Equal("Goodbye", reply["Response"]);
        Assert.Equal("bye", reply["ActionID"]);
        Assert.Equal("Thanks for all the fish.", reply["Message"]);
        Assert.True(await client.ClosedAsync());
    }

    [Fact]
    public async Task IdleSession_AfterTimeout_Closed()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.IdleTimeoutSeconds = 30);
        await using var client = await host.LoginAsync();
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("Pong", (await client.ActionAsync("Action: Ping"))["Ping"]);

        // The Ping restarted the idle clock.
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("Pong", (await client.ActionAsync("Action: Ping"))["Ping"]);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await client.ClosedAsync());
    }

    [Fact]
    public async Task Events_Action_TurnsDeliveryOffAndOn()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync();
        var off = await client.ActionAsync("Action: Events", "ActionID: e1", "EventMask: off");
        Assert.Equal("Success", off["Response"]);
        Assert.Equal("e1", off["ActionID"]);
        Assert.Equal("Off", off["Events"]);
        var on = await client.ActionAsync("Action: Events", "EventMask: on");
        Assert.Equal("On", on["Events"]);
        Assert.Equal("Error", (await client.ActionAsync("Action: Events"))["Response"]);
        await Set(host, "1001", 2, 1);
        var ev = await client.ReadUntilAsync(r => r["Event"] == "MessageWaiting");
        Assert.Equal("1001@default", ev["Mailbox"]);
    }

    [Fact]
    public async Task MessageWaiting_AfterMwiUpdateFromAnotherSession_ReachesEverySessionWithEvents()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var watcher = await host.LoginAsync("reader");
        await using var silent = await host.LoginAsync("reader", events: false);
        await using var writer = await host.LoginAsync();
        var reply = await writer.ActionAsync("Action: MWIUpdate", "ActionID: u1", "Mailbox: 1001@sales", "NewMessages: 3", "OldMessages: 4");
        Assert.Equal("Success", reply["Response"]);
        Assert.Equal("u1", reply["ActionID"]);

        var ev = await watcher.ReadAsync();
        Assert.Equal("MessageWaiting", ev["Event"]);
        Assert.Equal("1001@sales", ev["Mailbox"]);
        Assert.Equal("1", ev["Waiting"]);
        Assert.Equal("3", ev["New"]);
        Assert.Equal("4", ev["Old"]);
        Assert.Null(ev["ActionID"]);
        Assert.Equal("MessageWaiting", (await writer.ReadAsync())["Event"]);

        // A second change that the watcher sees proves the first one's fan-out is over: the silent session got nothing.
        await Set(host, "1002", 0, 1);
        await watcher.ReadUntilAsync(r => r["Mailbox"] == "1002@default");
        Assert.Equal("Pong", (await silent.ActionAsync("Action: Ping"))["Ping"]);
    }

    [Fact]
    public async Task MessageWaiting_AfterDirectServiceChangeAndDelete_Delivered()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync();
        await Set(host, "2000@x", 0, 5);
        var ev = await client.ReadAsync();
        Assert.Equal(("2000@x", "0", "0", "5"), (ev["Mailbox"], ev["Waiting"], ev["New"], ev["Old"]));
        await host.Mailboxes.DeleteAsync(MailboxId.Parse("2000@x"), MailboxSource.Api, CancellationToken.None);
        ev = await client.ReadAsync();
        Assert.Equal(("2000@x", "0", "0", "0"), (ev["Mailbox"], ev["Waiting"], ev["New"], ev["Old"]));
    }

    [Fact]
    public async Task Login_EventsOff_NoEventsUntilEventsOn()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var watcher = await host.LoginAsync();
        await using var client = await host.LoginAsync(events: false);
        await Set(host, "3000", 1, 0);
        await watcher.ReadUntilAsync(r => r["Mailbox"] == "3000@default");
        Assert.Equal("On", (await client.ActionAsync("Action: Events", "EventMask: on"))["Events"]);
        await Set(host, "3001", 1, 0);
        var ev = await client.ReadAsync();
        Assert.Equal("3001@default", ev["Mailbox"]);
    }

    internal static async Task Set(AmiTestHost host, string id, int newCount, int oldCount, MailboxSource? source = null)
    {
        var result = await host.Mailboxes.UpdateAsync(
            MailboxId.Parse(id), source ?? MailboxSource.Api, MailboxUpdate.SetClass(MessageClass.Voice, newCount, oldCount, 0, 0), null, CancellationToken.None);
        Assert.True(result.Succeeded, result.Error);
    }
}
